/**
 * Configuration handed from the recorder to the probe in every process and thread, as JSON
 * in one env var (like js-debug's VSCODE_INSPECTOR_OPTIONS). NODE_OPTIONS carries the
 * `--require` of the probe itself, so child processes inherit both.
 */
export const OPTIONS_ENV = 'CONCURRENCY_LENS_OPTIONS';

/**
 * The `--require` of the probe at `probePath` in NODE_OPTIONS: what tells a recorded process's
 * environment. It preloads the probe's loader beside it (dist/probeLoader.js: recorder/probe/loader.ts),
 * which runs the probe from V8's code cache.
 */
export function probeRequireFlag(probePath: string): string {
  return `--require ${JSON.stringify(probePath.replace(/probe\.js$/, 'probeLoader.js'))}`;
}

/**
 * NODE_OPTIONS of a recorded process: the probe's preload and the inspector flag that keeps Node's
 * "Debugger listening" line off stderr, in front of the program's own NODE_OPTIONS (`given`).
 * Written by the recorder for the program (recorder/profile.ts) and by the probe for a child
 * given an environment of its own (recorder/probe/childEnv.ts).
 */
export function recordingNodeOptions(probePath: string, given = ''): string {
  return `${probeRequireFlag(probePath)} --inspect-publish-uid=http ${given}`.trim();
}
/**
 * What the loader (recorder/probe/loader.ts) hands the probe it runs, on the global for the moment
 * between the two: the probe takes it (and deletes it) as it starts. `codeCache`: how the probe was
 * compiled (recorder/codeCache.ts CodeCacheUse), for its hello record; `importModule`: an import()
 * made from the loader, a module Node compiled (a bundle run from the code cache has none).
 */
export const PROBE_LOADER = Symbol.for('concurrency-lens.probe-loader');
export interface ProbeLoaderHandoff { codeCache: string; importModule: (specifier: string) => Promise<any> }
/** Where the runtime lives: `globalThis[Symbol.for('concurrency-lens')]`. */
export const PROBE_GLOBAL = Symbol.for('concurrency-lens');
/**
 * Binding the recorder installs; the probe calls it at exit (payload: JSON ExitAnnouncement) and
 * waits to be released, unless it ended the thread's last CPU profile chunk itself (`ended`).
 */
export const EXIT_BINDING = '__concurrencyLensExit';
/**
 * An EXIT_BINDING call's payload. `ended`: the thread's probe ended its last profile chunk itself,
 * with this reading at the seam, and does not wait: its Profiler.consoleProfileFinished came
 * before this call on the same session (a worker with no live workers of its own: index.ts
 * lastChunkEndedHere). Without it the recorder collects the thread and releases it.
 */
export interface ExitAnnouncement { pid: number; tid: number; ended?: SeamReading }
/** The seam reading an exit announcement carries when its thread ended its own last chunk, else undefined. */
export function endedAtExit(payload: string): SeamReading | undefined {
  try {
    const ended = (JSON.parse(payload) as Partial<ExitAnnouncement> | null)?.ended;
    return Array.isArray(ended) && ended.length >= 2 && ended.every((x) => typeof x === 'number') ? ended as SeamReading : undefined;
  } catch { return undefined; }
}
/**
 * Binding a thread's probe calls before it ends one of its workers or signals one of its child
 * processes, then waits for the phase it names (payload: JSON BeforeEnd; recorder/probe/index.ts collectBeforeEnds).
 */
export const BEFORE_END_BINDING = '__concurrencyLensBeforeEnd';
/**
 * What a BEFORE_END_BINDING call asks for: the collection of worker `worker` (a terminate()), or a
 * seam in the processes a kill() with `signal` reaches: `pid` as kill(2) takes it (below -1: the
 * process group -pid).
 */
export type BeforeEnd = { phase: number } & ({ worker: number } | { pid: number; signal: string });
/**
 * Set (to "1") in the environment of the processes the probe starts itself (esbuild, transpiling
 * TypeScript), so the recorder's process tree leaves them out: they are not the program's.
 */
export const OWN_PROCESS_ENV = 'CONCURRENCY_LENS_OWN_PROCESS';

export interface ProbeOptions {
  runDir: string;
  /** Absolute path of dist/probe.js (its frames are not user code). */
  probePath: string;
  /** Absolute path of dist/esmHooks.mjs. */
  esmHooksPath: string;
  /** Absolute path of the esbuild package, for TypeScript. */
  esbuildPath: string;
  includeNodeModules: boolean;
  /** Detailed spans kept per thread before sampling down. */
  maxSpans: number;
  /** pid of the recorder: a probe never waits for a recorder that is gone. */
  recorderPid: number;
}

/**
 * File a thread's probe creates in the run directory as it announces its exit (besides calling
 * the exit binding): the recorder's directory watch sees it at once, while the binding's message
 * may wait in the program's socket for the recorder's ACK (Nagle's algorithm: see PromptAcks).
 */
export function exitAnnouncementFile(pid: number, tid: number): string {
  return `exit-${pid}-${tid}`;
}
/**
 * File a thread's probe creates in the run directory as the program creates a worker thread in it
 * (`new Worker()`: the thread is starting). The recorder sees it at once and keeps acknowledging
 * the process's inspector messages until the worker's `NodeWorker.attachedToWorker` arrives
 * (ThreadRecorder.expectWorker): otherwise that event could wait up to 40 ms in the program's
 * kernel for our ACK of the message before it (see PromptAcks). `seq` counts the creating
 * thread's workers.
 */
export function workerStartFile(pid: number, tid: number, seq: number): string {
  return `worker-${pid}-${tid}-${seq}`;
}
/** The (pid, tid) of the thread that created a worker, from a worker start file's name (workerStartFile), or undefined for any other name. */
export function parseWorkerStart(name: string): { pid: number; tid: number } | undefined {
  const m = /^worker-(\d+)-(\d+)-\d+$/.exec(name);
  return m ? { pid: Number(m[1]), tid: Number(m[2]) } : undefined;
}

/** The (pid, tid) of an exit announcement file's name, or undefined for any other name. */
export function parseExitAnnouncement(name: string): { pid: number; tid: number } | undefined {
  const m = /^exit-(\d+)-(\d+)$/.exec(name);
  return m ? { pid: Number(m[1]), tid: Number(m[2]) } : undefined;
}

/**
 * The probe waits for the recorder at start (processes), at exit (every thread), at a switch of
 * its sampling interval (recorder/probe/loopSwitch.ts), and before it ends a worker or signals a
 * child process (index.ts collectBeforeEnds). Each wait before an end has a phase of its own, from
 * RELEASE_BEFORE_END up: a release that comes after its wait ran out is not taken for the next's.
 */
export const RELEASE_START = 1;
export const RELEASE_EXIT = 2;
export const RELEASE_SWITCH = 3;
export const RELEASE_BEFORE_END = 16;

/** Expression the recorder evaluates in a thread to end the probe's wait of that phase. */
export function releaseExpression(phase: number): string {
  return `globalThis[Symbol.for('concurrency-lens')]?.release?.(${phase})`;
}

/** Title of the console profile that is CPU profile chunk n (see the probe's profileChunk). */
export const PROFILE_CHUNK_PREFIX = 'concurrency-lens:';

/**
 * V8 coverage (NODE_V8_COVERAGE: c8, `node --test --experimental-test-coverage`, which sets it for
 * the processes of its test files) runs an inspector session of Node's own in every thread that
 * gets every Profiler event, a console profile's too, and cannot read them: it printed each to
 * stderr ("Cannot retrieve id from the response message:" and the whole profile) and wrote broken
 * coverage (`node --test --experimental-test-coverage` exited 1 without its coverage table; c8
 * counted 1 of 1 branches where there were 14). Such a process starts no console profile: each of
 * its threads' CPU profile is one chunk of the recorder's Profiler.start (its responses go to the
 * recorder's session only), ended at the thread's end, and its probe makes no seam.
 */
export const COVERAGE_REFUSAL = 'NODE_V8_COVERAGE is set: no console profile (V8 coverage\'s own inspector session would get its events)';

/**
 * A thread's first CPU profile chunk (chunk 1), started by the recorder as a console profile: in
 * a worker while it waits to start, before Node's bootstrap (`console` is V8's then); in a
 * process's main thread as its probe loads, before the recorder's release. No program code has
 * run. A chunk the thread's probe can end itself (it takes it over as it loads: threadGauges.ts,
 * profileChunker): a worker's own chunks, a thread that pauses its sampling while it blocks in a
 * hand-over to another program (handOver.ts). A thread's chunks are all console profiles, so none
 * is built twice (a chunk of the recorder's own Profiler.start, which only the recorder can stop,
 * ran beside the probe's own chunks before).
 */
export const FIRST_CHUNK_TITLE = `${PROFILE_CHUNK_PREFIX}1`;
export const FIRST_CHUNK_START_EXPRESSION = `globalThis.process?.env?.NODE_V8_COVERAGE ? void (() => { throw new Error(${JSON.stringify(COVERAGE_REFUSAL)}); })() : console.profile(${JSON.stringify(FIRST_CHUNK_TITLE)})`;
/** Ends that first chunk from the recorder, in a thread where no probe took it over (a worker started without our preload, a probe that failed to set up). */
export const FIRST_CHUNK_END_EXPRESSION = `void globalThis.console?.profileEnd?.(${JSON.stringify(FIRST_CHUNK_TITLE)})`;

/**
 * What the probe reads at a profile chunk seam: [on-CPU ms of the thread (-1: unknown),
 * CLOCK_MONOTONIC µs, Σ over the thread's lag ticks so far of its fs/dns requests on libuv's
 * pool, lag ticks so far, HTTP requests its servers began handling so far, ms the thread has wanted a
 * CPU: on one or waiting for one (-1: unknown; absent from a probe of an older version: the rest
 * holds it, WANTED_CPU_AT)].
 */
export type SeamReading = [threadCpuMs: number, hrUs: number, poolRequestTicks: number, ticks: number, requestsServed: number, ...wantedCpuMs: number[]];
/** Index of the wanted-CPU ms in a SeamReading. */
export const WANTED_CPU_AT = 5;
/**
 * Index, in a worker's SeamReading, of how long the chunk its probe starts at that seam lasts
 * (ms: the probe makes its seams itself, its chunks growing while it is busy: index.ts
 * startOwnChunks). Absent from a main thread's.
 */
export const CHUNK_MS_AT = 6;
/** The longest a CPU profile chunk lasts: a busy thread's grow to it (recorder/launcher/chunkPacing.ts). */
export const MAX_CHUNK_MS = 1000;
/** A chunk over which the thread wanted a CPU for at least this share of the wall time was busy. */
export const BUSY_SHARE = 0.5;

/** How long a chunk that follows a `lastMs` one lasts when it grows: twice as long, at least `baseMs`, at most MAX_CHUNK_MS. */
export function grownChunkMs(lastMs: number, baseMs: number): number {
  return Math.max(baseMs, Math.min(MAX_CHUNK_MS, lastMs * 2));
}

/**
 * The share of the wall time from reading `a` to reading `b` (two seams of one thread) over which
 * the thread wanted a CPU (was on one or runnable, waiting for one), or undefined where it is not
 * known (no schedstat, no earlier reading).
 */
export function wantedShare(a: SeamReading | undefined, b: SeamReading): number | undefined {
  const wanted = b[WANTED_CPU_AT] as number | undefined;
  const before = a?.[WANTED_CPU_AT] as number | undefined;
  if (wanted === undefined || before === undefined || wanted < 0 || before < 0) return undefined;
  const wallMs = (b[1] - a![1]) / 1000;
  return wallMs > 0 ? (wanted - before) / wallMs : undefined;
}

/**
 * Expression the recorder evaluates in a thread to start its next CPU profile chunk (`start` > 0)
 * and end its current one (`end` > 0; the recorder numbers its chunks, the probe titles them);
 * evaluates to the SeamReading at the seam when the thread's probe did it, and to null when there
 * is no probe (yet). One of three constant strings: V8 compiles each once (its compilation cache),
 * not at every rotation (~a third of a rotation's cost when each carried the chunk numbers).
 * `paceMs`, in a worker's rotations: the recorder's chunk interval, which the worker's probe then
 * keeps by making its own seams (index.ts: startOwnChunks); one string more per interval in use.
 * `always`: a seam even where the probe made one moments ago (which otherwise answers with a
 * reading alone): a seam before a signal must end the chunk in progress.
 */
export function profileChunkExpression(start: number, end: number, paceMs?: number, always = false): string {
  const pace = paceMs !== undefined && paceMs > 0 ? `, ${Math.round(paceMs)}` : always ? ', 0' : '';
  return `globalThis[Symbol.for('concurrency-lens')]?.profileChunk?.(${start > 0 ? 1 : 0}, ${end > 0 ? 1 : 0}${pace}${always ? ', 1' : ''}) ?? null`;
}

/**
 * The seam reading a probe's own seam announces in the title of the chunk it starts (a worker's:
 * index.ts startOwnChunks), after the chunk's number: the recorder reads it from
 * Profiler.consoleProfileStarted, as it reads its own rotations' from their answers. Undefined for a
 * title without one.
 */
export function titleReading(title: string): SeamReading | undefined {
  if (!title.startsWith(PROFILE_CHUNK_PREFIX)) return undefined;
  const at = title.indexOf(' ', PROFILE_CHUNK_PREFIX.length);
  if (at < 0) return undefined;
  try {
    const reading = JSON.parse(title.slice(at + 1));
    return Array.isArray(reading) && reading.length >= 2 && reading.every((x) => typeof x === 'number') ? reading as SeamReading : undefined;
  } catch { return undefined; }
}

/**
 * Expressions of a switch of the sampling interval at the thread's event loop (recorder/probe/loopSwitch.ts):
 * arm (true, or null from a probe that cannot), disarm (true when none was begun), status (the
 * SwitchSeams of a wait that ran out, 1 while the probe waits, else 0; null from a probe without a switch), start (the SwitchSeams, or null).
 */
export const SWITCH_ARM_EXPRESSION = `globalThis[Symbol.for('concurrency-lens')]?.loopSwitch?.arm() ?? null`;
export const SWITCH_DISARM_EXPRESSION = `globalThis[Symbol.for('concurrency-lens')]?.loopSwitch?.disarm() ?? null`;
export const SWITCH_STATUS_EXPRESSION = `globalThis[Symbol.for('concurrency-lens')]?.loopSwitch?.status() ?? null`;
export const SWITCH_START_EXPRESSION = `globalThis[Symbol.for('concurrency-lens')]?.loopSwitch?.start() ?? null`;

export function readProbeOptions(): ProbeOptions | null {
  const raw = process.env[OPTIONS_ENV];
  if (!raw) return null;
  try { return JSON.parse(raw) as ProbeOptions; } catch { return null; }
}

/** What the attach recorder (recorder/attach/) tells the agent it injects (recorder/probe/attachAgent.ts). */
export interface AgentConfig {
  /** Name of the CDP binding the agent hands its records to (one JSON ProbeRecord per call). */
  binding: string;
  /** pid of the recorder: an agent whose recorder is gone disposes of itself. */
  recorderPid: number;
  /** An agent that has not heard from the recorder (profile chunk rotation) for this long disposes of itself. */
  abandonAfterMs: number;
  /** Close the process's inspector when abandoned (the recorder opened it). */
  closeInspectorIfAbandoned: boolean;
}

/** Binding the attach agent hands its records to. */
export const AGENT_BINDING = '__concurrencyLensAgent';

/**
 * The expression that installs the agent bundle (dist/attachAgent.js) in a thread: `require`
 * inside it reaches Node's built-in modules only (process.getBuiltinModule, Node ≥ 20.16).
 */
export function agentExpression(bundle: string, config: AgentConfig): string {
  return `(function (require, config) {\n${bundle}\n})((id) => process.getBuiltinModule(id), ${JSON.stringify(config)}); 'installed'`;
}
