/**
 * What the recorder hands the analyzer: everything measured, nothing interpreted. Times in
 * probe records are the probe clock of their thread (ms: recorder/probe/clock.ts); `hello.perfAnchor` and
 * `hello.hrAnchorUs` convert them to CLOCK_MONOTONIC µs, the clock of CPU profiles and
 * trace events. `startHrUs`/`startEpochMs` convert that to report time.
 */
// The layout of the flat number records the probe writes and the analyzer reads (spans, lag
// ticks, site kinds): constants only, imported by both sides (the probe runtime is the writer,
// and this module is bundled into every probed thread).

/** A span: SPAN.size float64s, at these offsets. t0/t1/t2 are the probe clock's ms (report ms after threadModel). */
export const SPAN = {
  kind: 0,
  site: 1,
  /** Per-thread invocation number of the async function that awaited; 0 if none. */
  invocation: 2,
  /** Start (await: the awaited expression starts being evaluated). */
  t0: 3,
  /** Await: the function suspended (the awaited expression was evaluated); others: t0. */
  t1: 4,
  /** End (await: settled). */
  t2: 5,
  /** Await: AWAIT_FLAG bits; lib: 1 if it did sync I/O. */
  flags: 6,
  size: 7,
} as const;

/** Bits of an await span's SPAN.flags. */
export const AWAIT_FLAG = {
  rejected: 1,
  /**
   * A Promise.all/allSettled/race/any that settled before the event loop turned (no lag tick),
   * with no wait on I/O resumed and no new task (a request, a response) meanwhile: its work ran
   * in microtasks on this thread.
   */
  settledInTurn: 2,
} as const;

/** What a span records (`SPAN.kind`). For fs-sync spans `site` indexes the thread's fsSyncNames. */
export const SPAN_KIND = { await: 0, sync: 1, pool: 2, lib: 3, fsSync: 4 } as const;
export type SpanKind = keyof typeof SPAN_KIND;

/** What an instrumented source site is (a site table's `kind`), and its code in the probe runtime's typed arrays. */
export const SITE_KIND = { fn: 0, await: 1, combinator: 2, sync: 3, pool: 4, lib: 5 } as const;
export type SiteKind = keyof typeof SITE_KIND;

/** A lag tick: TICK.size numbers, at these offsets. */
export const TICK = {
  /** The probe clock's ms at the tick (report ms after threadModel). */
  t: 0,
  /** How late the tick's timer fired. */
  lagMs: 1,
  /** Awaits of user code in flight. */
  awaits: 2,
  /** libuv thread-pool requests in flight. */
  poolRequests: 3,
  /** The thread's on-CPU ms; -1: unknown. */
  cpuMs: 4,
  size: 5,
} as const;

/** The lag timer's period: a tick is expected every TICK_MS. */
export const TICK_MS = 10;

export interface RawRun {
  command: string[];
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  error?: string;
  stopReason: 'exit' | 'duration' | 'stopped' | 'error';
  /** See ProgramSummary.stopSignal / killed / degraded. */
  stopSignal?: string;
  /** When the stop signal was sent to the program's tree (CLOCK_MONOTONIC µs, like startHrUs). */
  stopSignalAtHrUs?: number;
  /** Per recorded process, what kept its event loop running as the stop came: process.getActiveResourcesInfo(). */
  activeAtStop?: { pid: number; resources: string[] }[];
  killed?: import('./report').ProgramKilled;
  degraded?: string[];
  startHrUs: number;
  endHrUs: number;
  startEpochMs: number;
  cores: number;
  nodeVersion: string;
  /** pid of the process the recorder started. */
  rootPid?: number;
  /** Path of the probe (its frames are the recorder's, not the program's). */
  probePath?: string;
  threads: RawThread[];
  processes: RawProcess[];
  warnings: string[];
  /** Every descendant process sampled from /proc (node or not); absent in recordings made before it existed. */
  processTree?: RawProcessTree;
  /**
   * Set when the recorder attached to a process that was already running (recorder/attach/)
   * instead of starting it: its code was loaded uninstrumented, so there is no await, sync I/O
   * or start-up detail; resource usage and /proc CPU count from the attach on.
   */
  attached?: RawAttachment;
}

export interface RawAttachment {
  pid: number;
  /** host:port of the inspector the recorder connected to. */
  inspector: string;
  /** The recorder opened the inspector (SIGUSR1) and closed it when it detached; false: it was open already and was left open. */
  openedInspector: boolean;
}

/**
 * Descendants of the root process, sampled from /proc every `intervalMs` (see
 * recorder/launcher/processTree.ts). Times are CLOCK_MONOTONIC µs, like startHrUs.
 */
export interface RawProcessTree {
  intervalMs: number;
  samples: number;
  /** CPU time the recorder spent sampling (ms). */
  costMs: number;
  processes: RawTreeProcess[];
  /** At each sample, the sum of the current RSS of every live descendant (kB). */
  rssSum: { t: number[]; kb: number[] };
  /** Why nothing was sampled (no /proc, or switched off). */
  unavailable?: string;
}

export interface RawTreeProcess {
  pid: number;
  /** Parent when first seen (an orphan keeps it). */
  ppid: number;
  /** From /proc/<pid>/cmdline after exec ([comm] if unreadable). */
  argv: string[];
  comm: string;
  /** When it started (from its start time, within the sampling interval) and was first seen gone. */
  startUs: number;
  endUs?: number;
  /** Per sample: time, cumulative user and system CPU (ms), current RSS (kB). */
  t: number[];
  userMs: number[];
  systemMs: number[];
  rssKb: number[];
  /** Peak RSS the kernel reported (VmHWM), read for processes without a probe. */
  peakRssKb?: number;
}

export interface RawThread {
  pid: number;
  tid: number;
  /** Parsed JSON lines of the probe's log for this thread (see ProbeRecord). */
  records: ProbeRecord[];
  /** Detailed spans, 7 numbers each: kind, site, invocation, t0, t1, t2, flags (probe clock). */
  spans?: ArrayLike<number>;
  profile?: CpuProfile;
  /**
   * The thread's on-CPU time at its last CPU profile chunk seam (read by the probe for the
   * recorder): what bounds the CPU of a thread that ended abruptly, after its last probe chunk.
   */
  seamCpu?: ThreadCpuReading;
  /**
   * Changes of the CPU sampling interval during the thread's run, in order (the recorder samples a
   * thread whose thread pool competes with the sampler for the cores less often): from
   * CLOCK_MONOTONIC `fromHrUs` on, a sample every `intervalUs`. Absent: one interval throughout.
   */
  samplingChanges?: SamplingChange[];
}

/** From `fromHrUs` (CLOCK_MONOTONIC µs) on, the thread was sampled every `intervalUs`. */
export interface SamplingChange { intervalUs: number; fromHrUs: number }

/** On-CPU ms of a thread (schedstat) at a CLOCK_MONOTONIC time in µs. */
export interface ThreadCpuReading { cpuMs: number; hrUs: number }

export interface RawProcess {
  pid: number;
  ppid: number;
  argv: string[];
  traceEvents: TraceEvent[];
  /** True if the recorder attached to this process over the inspector. */
  attached: boolean;
  exitCode?: number | null;
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  id?: string | number;
  id2?: { local?: string; global?: string };
  dur?: number;
  args?: Record<string, unknown>;
}

export type ProbeRecord =
  | { t: 'hello'; pid: number; ppid: number; tid: number; isMainThread: boolean; argv: string[]; execArgv: string[]; cwd: string;
      perfAnchor: number; hrAnchorUs: number; threadpoolSize: number; nodeVersion: string; ipc?: boolean; clusterWorker?: boolean;
      /** On-CPU ms of this thread at perfAnchor (-1: unknown): its first CPU reading, taken as its probe starts: before any code of the program runs on the thread. */ threadCpuMs?: number;
      /** How the probe was compiled: from the code cache of an earlier run ('used'), or not ('missing', 'refused', 'off': recorder/codeCache.ts); absent when loaded without its loader. */ probeCodeCache?: string }
  /** `mapFile`: the probe named a compiler's map beside the file instead of carrying it; the recorder reads it into `map`. */
  | { t: 'table'; base: number; file: string; map?: unknown; mapFile?: string; size: number; sites: RawSite[]; loops: RawLoop[]; groups: RawGroup[];
      /** Its async functions were compiled to state machines (ES5): no await of theirs was recorded. */
      stateMachines?: true;
      /** Pairs (line a function starts on, its last line), 1-based, in the code that ran (recorder/probe/transform.ts functionEnds). */
      functionEnds?: number[] }
  | { t: 'chunk'; at: number; ticks: number[]; /** Pairs (time, thread on-CPU ms or -1): a new task may have begun (see ProbeRuntime.mark). */ marks?: number[];
      /** Left out of some chunks (cost): the last one present holds. */ agg?: RawAggregates; usage: ResourceUsage;
      cpu: { user: number; system: number }; /** On-CPU ms of this thread (-1: unknown). */ threadCpuMs?: number; mainModule?: string; final: boolean;
      /** Ms the probe has spent so far on the program's files as this thread loaded them: instrumenting, transpiling, registering their sites (recorder/probe/ownTime.ts; the report's Lane.instrumentingMs). The lag ticks leave it out. */ ownLoadMs?: number;
      /** Ms the probe has spent so far ending and starting this thread's CPU profile chunks: V8 builds and serializes each ended chunk's profile on the thread (recorder/probe/ownTime.ts; the report's Lane.profileChunksMs). The lag ticks leave it out. */ ownChunkMs?: number;
      /** HTTP requests finished since the last chunk (recorder/probe/httpRequests.ts). */ requests?: RawRequestsChunk }
  | { t: 'spawn'; kind: 'worker' | 'process'; threadId?: number; pid?: number; file?: string; args?: string[]; at: number; frame?: { url: string; line: number; column: number } }
  | { t: 'startupDone'; at: number }
  | { t: 'fsSyncNames'; names: string[] }
  | { t: 'exit'; code: number; at: number }
  /** The process has no inspector (or could not open it): no CPU profile, the probe still records. */
  | { t: 'noInspector'; reason: string }
  /** Known at the thread's exit: some of its code ran without our instrumentation (no awaits from it); why, as the report's warning says it. */
  | { t: 'uninstrumented'; reason: string }
  /** This thread runs the code under test for a test runner's worker (jest, vitest). */
  | { t: 'testRunner'; name: string }
  /**
   * The thread handed its terminal over to another program (a child_process sync call with
   * inherited stdio) and waited for it, its CPU profile paused from `at` to `until` (probe clock;
   * report ms after threadModel); `cpuAt`, `cpuUntil`: the thread's on-CPU ms then (-1: unknown).
   */
  | { t: 'handOver'; call: string; command: string; at: number; until: number; cpuAt: number; cpuUntil: number }
  /** The process replaced itself with `command` (process.execve): the thread was collected as at its exit, first. */
  | { t: 'execve'; command: string; at: number }
  /** That process.execve threw: the program went on (unprofiled), and its exit follows. */
  | { t: 'execveFailed'; at: number };

/** An instrumented source site, as the probe's transform (recorder/probe/transform.ts) makes it. */
export interface RawSite {
  /** Local to the file (1-based); the runtime adds the file's base when it loads the table. */
  id: number;
  kind: SiteKind;
  /** 1-based line, 0-based column in the transformed file's input (esbuild output for TS). */
  line: number;
  column: number;
  label: string;
  /** Enclosing async function's site id (0 at top level). */
  fn: number;
  group: number;
  groupPos: number;
  groupSize: number;
  loop: number;
  /** The await's value is discarded (`await x();`). */
  discarded: boolean;
  /** The await's operand is Node's promise I/O or a timer's promise (`fetch(u)`, `sleep(5)`): never a wrapper of the program's work. */
  io?: boolean;
  /** The await's operand is a name holding the promise of an async function of the file (`const p = f(); … await p`): it waits on that function's awaits, never an operation of its own. */
  ownPromise?: boolean;
  /**
   * The await's place in a group of chains (RawGroup.chains), beside `group` (a plain group's):
   * `chained`, it is of the chain of the one before it in the group: after it ('continues'), or
   * around it ('encloses': `await (await fetch(u)).json()`, whose wait, timed from before its
   * operand, holds the inner one's).
   */
  chain?: { group: number; pos: number; size: number; chained?: 'continues' | 'encloses' };
  /**
   * A call into a dependency ('lib'): the 1-based line the innermost function around it starts
   * at (1 at top level), which a CPU profile's frame of that function starts at too. Absent in
   * recordings made before it was kept.
   */
  callerLine?: number;
}
export interface RawLoop { id: number; line: number; column: number; independent: boolean; reason: string; fn: number }
/**
 * Awaits that could have run together (recorder/probe/awaitGroups.ts). `chains`, when present: the
 * chain of each site, 0, 1, …, each chain's sites together (`r1 = await fetch(a); user = await
 * r1.json()` is one chain, the same for `b` another): its awaits depend on each other, the chains
 * do not (its sites say where in it: RawSite.chain). Absent: each site is a chain of its own (RawSite.group).
 */
export interface RawGroup { id: number; sites: number[]; adjacent: boolean; fn: number; chains?: number[] }
/**
 * A thread's books on its instrumented sites (recorder/probe/runtime.ts). Counts (`site.count`,
 * `fnCalls`) are exact. Timing is sampled per function, and every timed figure (`site.sampled`,
 * the sums, `leafSampled`, the group and loop figures, `elementWaitMs`) adds each timed call times
 * its weight, the calls it stands for (1, 16 or 256: sampleWeight): `sampled` estimates the
 * calls timed figures cover, so `sum * count / sampled` is a total and `sum / sampled` a mean
 * (recordings made before the weights counted each timed call once: the same formulas hold).
 * `max` is the longest timed one.
 */
export interface RawAggregates {
  site: { count: number[]; sampled: number[]; sum: number[]; max: number[]; syncSum: number[]; leafSampled: number[]; leafSum: number[]; rejected: number[];
    /** Waits on I/O (leaf awaits) in flight at this flush, by site (absent in recordings made before it was kept). */
    pending?: number[] };
  fnCalls: number[];
  group: { count: number[]; sum: number[]; save: number[] };
  loop: { execs: number[]; iters: number[]; sum: number[]; save: number[] };
  maxInFlight: number;
  /** Most combinator elements waiting on user work beyond what was in flight (a limiter's queue). */
  maxQueued?: number;
  /** Σ time elements of Promise.all/race/… were pending (timed invocations, each times its weight). */
  elementWaitMs?: number;
  /** Sites of `for await` loops that met a sync iterable, whose waits were not recorded (ProbeRuntime.fa). */
  syncForAwaits?: number[];
  spansKept: number;
  spansDropped: number;
}

/**
 * HTTP request rows (recorder/probe/httpRequests.ts): kind, method, route, status, t0, syncEnd,
 * t1, flags, ready (server: when the previous response on the same connection finished, the
 * earliest this request can have arrived; -1: first on its connection, or a client request),
 * handlerStart, handlerEnd (server: the route handler's first synchronous run, when a framework
 * said when it ran (Fastify); -1: not told).
 */
export const REQUEST_FIELDS = 11;
/** Which of a row's fields are times (t0, syncEnd, t1, ready, handlerStart, handlerEnd): -1 there is no time. */
export const REQUEST_TIME_FIELD: readonly boolean[] = [false, false, false, false, true, true, true, false, true, true, true];
export const REQ_SERVER = 0, REQ_CLIENT = 1;
/** flags: the request failed (client error) or the response did not finish normally. */
export const REQ_ERROR = 1;
/** Route name of requests beyond the probe's cap of distinct routes/paths. */
export const OTHER_ROUTE = '(other paths)';

/**
 * One chunk of requests: `names` extend this thread's string table (in order), `rows` are
 * REQUEST_FIELDS numbers each; `counts` (when present) is the full, exact table so far:
 * [kind, method, route, count, errors] rows.
 */
export interface RawRequestsChunk {
  names: string[];
  /** In the probe's JSON line: empty when the rows went to the thread's `.requests` file (`rowsInFile`); the recorder's reader puts them here. */
  rows: ArrayLike<number>;
  /** The rows' times are whole hundredths of a ms (absent: ms: rows from the file, or from a probe of an earlier version). */
  hundredths?: boolean;
  /**
   * Rows the probe wrote with this chunk to the thread's `<pid>-<tid>.requests` file (float64s,
   * times in ms), after the rows of the chunks before it: a loaded server's rows were most of its
   * probe's JSON (recorder/launcher/threadLogs.ts reads them back into `rows`).
   */
  rowsInFile?: number;
  counts?: number[][];
  inFlight: number;
  maxInFlight: number;
  dropped: number;
  /**
   * HTTP/1 server requests so far whose connection closed before their response finished (the
   * client went away, or the program destroyed it): no longer in flight, not counted (absent: none).
   */
  aborted?: number;
  /** HTTP/2 servers the thread started listening, and whether this Node publishes their requests (see http2Requests.ts). */
  http2?: { servers: number; recorded: boolean };
}

/** process.resourceUsage() as the probe records it (declared here: the analyzer sees no Node types). */
export interface ResourceUsage {
  userCPUTime: number; systemCPUTime: number; maxRSS: number; sharedMemorySize: number;
  unsharedDataSize: number; unsharedStackSize: number; minorPageFault: number; majorPageFault: number;
  swappedOut: number; fsRead: number; fsWrite: number; ipcSent: number; ipcReceived: number;
  signalsCount: number; voluntaryContextSwitches: number; involuntaryContextSwitches: number;
}

/**
 * What a recording's `degraded` says when per-thread CPU time could not be read (the recorder
 * writes it: recorder/procFs.ts): a main thread's probe CPU readings are then its whole process's.
 */
export const THREAD_CPU_ESTIMATED = 'per-thread CPU time: /proc/thread-self/schedstat unavailable; a main thread\'s on-CPU time is estimated by its process\'s '
  + '(process.cpuUsage(), which includes its other threads) and a worker\'s is unknown, so blocked-event-loop findings there cannot tell CPU work from waiting for a core';
