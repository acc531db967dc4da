/**
 * The probe: preloaded with `NODE_OPTIONS=--require` into every node process the profiled
 * program starts, and (through NODE_OPTIONS) into every worker thread. Configuration comes in
 * the CONCURRENCY_LENS_OPTIONS env var (see recorder/probeOptions.ts).
 *
 * In each process's main thread it makes sure the inspector listens on 127.0.0.1 (random
 * port), announces itself by writing a rendezvous file, and waits until the recorder has
 * attached and started the CPU profiler. In every thread it instruments user files as they
 * load, samples event-loop lag, and writes what it measured to `<runDir>/<pid>-<tid>.jsonl`
 * about every 100 ms and at exit (a thread that is terminate()d or killed loses at most the
 * last ~100 ms). At exit it waits (bounded) for the recorder to collect the last CPU profile
 * chunk before the thread goes away.
 */
// First: a process's main thread announces itself to the recorder as the probe starts loading (see arrival.ts).
import { arrival, release, waitForRecorder, isClusterWorker } from './arrival';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, threadId } from './thread';
import { beforeInspectorRequested } from './inspectorAccess';
import * as dc from 'node:diagnostics_channel';
import { BUSY_SHARE, grownChunkMs, wantedShare, type SeamReading, PROBE_GLOBAL, PROBE_LOADER, type ProbeLoaderHandoff, EXIT_BINDING, type ExitAnnouncement, RELEASE_START, RELEASE_EXIT, RELEASE_SWITCH, exitAnnouncementFile, workerStartFile, type ProbeOptions } from '../probeOptions';
import { LoopSwitch, type Chunker } from './loopSwitch';
import { ProbeRuntime } from './runtime';
import { TICK_MS, type ProbeRecord } from '../../analyzer/raw';
import { installLoadHooks, firstCompiledFile, workerEntryFile, isLoadingModule, entryUsesEsmLoader, usesEsmLoader, esmHooksMissing } from './loadHooks';
import { userFrame } from './userFrame';
import { ThreadLog } from './threadLog';
import { HttpRequests } from './httpRequests';
import { lagTick, profileChunker } from './threadGauges';
import { ownLoadMs, ownChunkMs, ownWorkDeadline } from './ownTime';
import { pauseSamplingInHandOvers, beforeExecve } from './handOver';
import { threadRunMs, closeThreadCpuClock } from './threadCpuClock';
import { now, clockAnchors, ownSetTimeout, ownNextTick } from './clock';
import { installSlicedAtomicsWait, type PendingRecords } from './atomicsWait';
import { writeBeforePostMessage, writeBeforeProcessSend } from './outgoingMessages';
import { measureOff } from '../measureOff';
import { collectBeforeEnds } from './beforeEnds';
import { keepRecordingEnv, recordingEnv, withRecordingEnvInArgs, type RecordingEnv } from './childEnv';
import { adaptJestRuntime, adoptVitestEvaluator, adoptVitestInThreads, vitestEvaluatorPath, isMochaWorker } from './testRunnerHooks';

// Captured before the probe wraps fs.*Sync: the probe's own file work is not the program's sync I/O.
const { openSync, closeSync } = fs;

/** What the loader handed this probe (taken off the global in every thread, recorded or not). */
const loaderHandoff = takeLoaderHandoff();

/** Lag samples (t, lag ms, awaits in flight, pool requests, thread CPU ms) not yet written (drained by flush). */
const pendingTicks: number[] = [];
/** At exit: the tick that was due and never ran measures the last block (a run that ends blocked). */
let closePendingTick: (runtime: ProbeRuntime) => void = () => undefined;

/** Longest time between two writes made before a thread's messages (see start: beforeMessage). */
const MESSAGE_WRITE_GAP_MS = 1;

/**
 * A launcher's lag timer period (npm, npx, a shell-like shim: it runs no user code, and no finding
 * reads its ticks). Idle, waiting for its child, an npx woke every TICK_MS for its tick: ~70 ms
 * of its CPU over a 3 s child, taken from the program on a small machine (20–30 ms at this period).
 */
const LAUNCHER_TICK_MS = 50;

/** HTTP requests kept in detail per thread (counts stay exact beyond it). */
const MAX_REQUEST_ROWS = 200_000;

function start(opts: ProbeOptions, launcher: string | undefined): void {
  const tid = threadId;
  const log = new ThreadLog(path.join(opts.runDir, `${process.pid}-${tid}.jsonl`));
  // A table's JSON text (an object's, with keys: `{"file":…}`) is written as it came, not stringified again.
  const runtime = new ProbeRuntime(opts.maxSpans, () => flush(), (base, table, text) => {
    if (text.startsWith('{"')) log.writeText(`{"t":"table","base":${base},${text.slice(1)}`);
    else log.write({ t: 'table', base, ...table });
  });
  (globalThis as any)[PROBE_GLOBAL] = runtime;
  (runtime as any).flush = () => flush();
  (runtime as any).release = release;
  ownsChunks = !coverageSession && !isMainThread && !measureOff('chunks');
  (runtime as any).profileChunk = coverageSession ? () => null : ownsChunks ? startOwnChunks() : profileChunk;
  (runtime as any).loopSwitch = loopSwitch;

  const { perfAnchor, hrAnchorUs } = clockAnchors();
  log.write({
    t: 'hello', pid: process.pid, ppid: process.ppid, tid, isMainThread,
    argv: process.argv, execArgv: process.execArgv, cwd: process.cwd(), perfAnchor, hrAnchorUs,
    threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4, nodeVersion: process.version,
    // A forked child talking to its parent over IPC; a cluster worker is one that serves requests.
    ipc: isMainThread && !!process.channel,
    clusterWorker: isClusterWorker(),
    threadCpuMs: threadRunMs(),
    probeCodeCache: loaderHandoff?.codeCache,
  });

  let runner: string | undefined;
  // Test code runs in this thread, compiled by a test runner (testRunnerHooks): logged once.
  const runsTests = (name: string) => { if (runner === undefined) { runner = name; log.write({ t: 'testRunner', name }); } };
  // A launcher (npm, npx, yarn, tsx's CLI…) runs no user code: nothing of it is instrumented, and
  // it is not CPU-profiled (arrival.ts announced it as such); its lane, lag and children are still recorded.
  // V8 coverage reads what ran as offsets in the code as it ran, which instrumenting would shift:
  // `node --test --experimental-test-coverage` failed to report ("Cannot read properties of
  // undefined (reading 'startOffset')"). Its code runs as written.
  if (coverageSession && !launcher) log.write({ t: 'uninstrumented', reason: COVERAGE_UNINSTRUMENTED });
  if (!launcher && !coverageSession) {
    (runtime as any).adoptVitestEvaluator = (evaluator: unknown) => adoptVitestEvaluator(opts, evaluator, runsTests, runtime);
    // vitest's code under test is instrumented where its evaluator hands it to V8: its own
    // modules need no ES-module hooks (see adoptVitestInThreads), unless dependencies are
    // instrumented too (--include-node-modules: vitest's own awaits are then asked for).
    const vitestEvaluator = vitestEvaluatorPath();
    if (!measureOff('instrument')) installLoadHooks(opts, adaptJestRuntime(opts, runtime, runsTests), !vitestEvaluator || opts.includeNodeModules);
    adoptVitestInThreads(opts, runtime, runsTests, vitestEvaluator, loaderHandoff?.importModule);
    if (isMochaWorker(process.argv[1])) runsTests('mocha');
  }
  // A launcher's sync fs calls would only feed findings, and it has none (npx makes ~1,400 of them).
  if (!launcher && !measureOff('fsSync')) countSyncFsCalls(runtime, log);
  // A thread blocked in a hand-over to another program is not sampled meanwhile (handOver.ts).
  // Read now, before the program can change process.env (childEnv.ts).
  const recording = recordingEnv(opts.probePath);
  if (!launcher && !measureOff('handOver')) {
    pauseSamplingInHandOvers(profileChunk, (h) => log.write({ t: 'handOver', ...h }), entryUsesEsmLoader() || usesEsmLoader(),
      recording ? (args) => withRecordingEnvInArgs(args, recording) : undefined);
  }
  recordCreations(log, recording, opts.probePath, opts.runDir);
  runtime.threadCpu = threadRunMs;
  // Request recording also marks tasks (see ProbeRuntime.mark): a request reaching its handler, a
  // response to an outgoing request (http, fetch) reaching the program (an async handler resuming
  // after its upstream call is a task of its own).
  const requests = new HttpRequests(MAX_REQUEST_ROWS, { started: (t) => runtime.requestStarted(t), ended: () => runtime.requestEnded(), responded: () => runtime.mark(), laterHandler: () => runtime.mark() });
  if (!measureOff('http')) requests.start();
  requestsServed = () => requests.serverRequests;

  // Aggregates are arrays per site (large in big programs): written when the last write's cost
  // is under ~1% of the time since, and always in the final chunk.
  let aggDueAt = 0;
  /** runtime.changes() when the last chunk was written, and when the last one with aggregates was. */
  let flushedChanges = NaN;
  let aggChanges = NaN;
  /** `aggIfChanged`: with the aggregates whenever they changed since they were last written. */
  function flush(final = false, aggIfChanged = false): void {
    try {
      log.writeSpans(runtime.takeSpans());
      const t0 = now();
      const changes = runtime.changes();
      const withAgg = final || t0 >= aggDueAt || (aggIfChanged && changes !== aggChanges);
      flushedChanges = changes;
      if (withAgg) aggChanges = changes;
      log.write({
        t: 'chunk', at: t0, ticks: pendingTicks.splice(0), marks: runtime.taskMarks.splice(0),
        agg: withAgg ? runtime.aggregates() : undefined, usage: process.resourceUsage(), cpu: process.cpuUsage(),
        threadCpuMs: threadRunMs(), mainModule: require.main?.filename ?? workerEntryFile() ?? firstCompiledFile(), final,
        ownLoadMs: ownLoadMs(), ownChunkMs: ownChunkMs(),
        requests: requests.take((rows) => log.writeRequests(rows)),
      });
      if (withAgg) aggDueAt = now() + (now() - t0) * 100;
    } catch { /* the run directory is gone: the recorder stopped */ }
  }

  // A pool's worker may be ended (terminate(), SIGTERM) once it sent a message, or blocked in
  // Atomics.wait (an idle pool worker): what it recorded is written before either
  // (outgoingMessages.ts). The recorder's inspector calls run inside a worker's Atomics.wait:
  // see atomicsWait.ts.
  const pending = () => { const c = runtime.changes(); return c !== flushedChanges || c !== aggChanges || requests.pending(); };
  const beforeBlocking: PendingRecords = {
    pending: () => pending() || ownChunkDue(),
    write: () => { if (pending()) flush(false, true); rotateOwnChunk(); },
  };
  // Before a message, at most once per MESSAGE_WRITE_GAP_MS (or 20× the last write's cost, when
  // shorter): a worker streaming messages by the thousand writes ~1,000 times a second at most,
  // not once per message. What it recorded in between is written before its next message after
  // that, before it blocks, or by the periodic write.
  let messageWriteDueAt = 0;
  const recordsDue = () => now() >= messageWriteDueAt && pending();
  const beforeMessage: PendingRecords = {
    pending: () => recordsDue() || ownChunkDue(),
    write: () => {
      if (recordsDue()) {
        const t0 = now();
        flush(false, true);
        const t1 = now();
        messageWriteDueAt = t1 + Math.min((t1 - t0) * 20, MESSAGE_WRITE_GAP_MS);
      }
      rotateOwnChunk();
    },
  };
  const writes = !measureOff('flush');
  if (!isMainThread) {
    installSlicedAtomicsWait(writes ? beforeBlocking : undefined);
    if (writes) writeBeforePostMessage(beforeMessage);
  } else if (writes && !launcher && process.channel) writeBeforeProcessSend(beforeMessage);

  let exited = false;
  /** The thread was handed over at its 'exit' event (not an execve's). */
  let exitedAtExit = false;
  /** An execve that failed after the thread was handed over (collected): its exit is only logged. */
  let execveFailed = false;
  /** The thread's end, once: the last records (`last` made after the final write), then the recorder's collection. */
  const handOverThread = (last: () => ProbeRecord): void => {
    exited = true;
    closePendingTick(runtime);
    const uninstrumented = esmHooksMissing();
    if (uninstrumented) log.write({ t: 'uninstrumented', reason: uninstrumented });
    flush(true);
    log.write(last());
    waitForCollector(opts.runDir);
  };
  // Not once the thread is handed over (an execve, a worker's exit): the recorder has collected it
  // and may have hung up. A process's main thread handed over at its 'exit' still asks: the
  // recorder stays connected until the process waits for it to hang up, after the 'exit' listeners
  // (threadRecorder.ts collectAndRelease), and a listener after ours may kill a child.
  const beforeEnd = launcher ? undefined : collectBeforeEnds(() => (!exited ? 'running' : exitedAtExit && isMainThread ? 'atExit' : false));
  process.on('exit', (code) => {
    if (exited) {
      if (execveFailed) { execveFailed = false; flush(true); log.write({ t: 'exit', code, at: now() }); }
      return;
    }
    // A worker's exit ends the workers it started (process.exit() with one still running): each
    // is collected first, as before a terminate() of it. (A process's end is the recorder's cue
    // to collect every thread.)
    if (!isMainThread && beforeEnd) for (const worker of runningStartedWorkers()) beforeEnd({ worker });
    exitedAtExit = true;
    handOverThread(() => ({ t: 'exit', code, at: now() }));
    closeThreadCpuClock();
  });
  // A process that replaces itself (process.execve) hands its thread over as at its exit, first.
  if (isMainThread && !launcher) {
    beforeExecve((command) => { if (!exited) handOverThread(() => ({ t: 'execve', command, at: now() })); },
      () => { execveFailed = true; log.write({ t: 'execveFailed', at: now() }); });
  }

  if (isMainThread) {
    if (process.execArgv.includes('--test')) hideInspectorFromTestRunner();
    // Children inherit --inspect flags through execArgv; drop them so cluster does not pick ports.
    for (let i = process.execArgv.length - 1; i >= 0; i--) {
      if (/^--inspect(-brk|-port|-publish-uid)?(=|$)/.test(process.execArgv[i])) process.execArgv.splice(i, 1);
    }
    if (arrival?.noInspector) log.write({ t: 'noInspector', reason: arrival.noInspector });
    if (arrival?.url) beforeInspectorRequested(shareInspector);
    awaitRecorder();
  }
  if (!measureOff('ticks')) startLagTicks(runtime, log, measureOff('flush') ? () => undefined : flush, launcher ? LAUNCHER_TICK_MS : TICK_MS);
}

/**
 * Node's test runner (`node --test`) asks once, right after the preloads, whether the inspector
 * is in use (an `--inspect*` flag in execArgv or NODE_OPTIONS); if so it prints a warning and
 * runs test files one at a time. Ours are not the program's, so that first look must not see
 * them: start() removes them from execArgv, and NODE_OPTIONS' `--inspect-*` flags are hidden
 * until the next tick (before any test file starts; they inherit them). Node caches the answer
 * per execArgv array: a fresh copy of execArgv then makes its later looks see our flags, so it
 * still keeps the inspector's own messages ("Debugger attached.") out of the test files'
 * reported stderr. Seeing them, it gives each test file `--inspect-port=<debugPort + n>`, which
 * only reserves a port (the probe opens port 0): debugPort goes back from the recorder's
 * `--inspect=127.0.0.1:0` to Node's default, as in a plain run.
 */
function hideInspectorFromTestRunner(): void {
  const nodeOptions = process.env.NODE_OPTIONS;
  if (!nodeOptions || !/--inspect/.test(nodeOptions)) return;
  process.env.NODE_OPTIONS = nodeOptions.split(/\s+/).filter((f) => !/^--inspect/.test(f)).join(' ');
  ownNextTick(() => {
    process.env.NODE_OPTIONS = nodeOptions;
    process.execArgv = [...process.execArgv];
    try { if (process.debugPort === 0) process.debugPort = 9229; } catch { /* not settable here */ }
  });
}

/**
 * Event-loop lag: an unref'd timer every `tickMs` (TICK_MS, 10 ms; LAUNCHER_TICK_MS in a
 * launcher) whose lateness is the delay any callback would have seen. Started once the event loop runs. The main script's first synchronous run (top-level
 * code, module loading) holds the loop too: when it ends, one tick records how long it took
 * from the probe's hand-over (a timer set then would have been that late), so a program that
 * computes for seconds before its loop first turns does not read "lag 0". A thread that exits
 * before its loop ever turned records that whole block at exit. Each tick is pushed in the
 * order of TICK (analyzer/raw.ts): t, lag, awaits in flight, pool requests, thread CPU ms.
 */
function startLagTicks(runtime: ProbeRuntime, log: ThreadLog, flush: () => void, tickMs: number): void {
  const ticks = pendingTicks;
  /** ~100 ms: what a thread that is terminate()d or killed can lose. */
  const FLUSH_EVERY_TICKS = Math.max(1, Math.round(100 / tickMs));
  // The next tick's deadline: `tickMs` from when it is set. The probe's own work since then
  // (instrumenting, transpiling, ending profile chunks: ownTime.ts) held the loop but is not the program's: it moves
  // the deadline, so the tick's lag is measured as if that work had not happened.
  const deadline = ownWorkDeadline(tickMs);
  deadline.set(); // from the hand-over
  let started = false;
  closePendingTick = (rt) => {
    const t = now();
    ticks.push(t, Math.max(0, t - deadline.due()), rt.concurrencyNow(), 0, threadRunMs());
  };
  let tickCount = 0;
  const tick = () => {
    try {
      lagTick(runtime, ticks, deadline.due());
      if (++tickCount % FLUSH_EVERY_TICKS === 0) flush();
      rotateOwnChunk();
      // A task mark after a switch: its pause (the profiler's restart) is nobody's task.
      if (loopSwitch.atLoop()) runtime.mark(now(), threadRunMs());
    } finally {
      // After a switch's wait too: the recorder's pause is not the program's lag (the report states it).
      deadline.set();
      ownSetTimeout(tick, tickMs).unref();
    }
  };
  // The main script has finished its first synchronous run when the first tick callback runs
  // (CommonJS; an ES module entry is still evaluating, and its block shows on the first timer).
  ownNextTick(() => {
    const t = now();
    log.write({ t: 'startupDone', at: t });
    if (!started) ticks.push(t, Math.max(0, t - deadline.due()), runtime.concurrencyNow(false), 0, threadRunMs());
    started = true;
    deadline.set();
    ownSetTimeout(tick, tickMs).unref();
  });
}

/**
 * A worker thread's CPU profile chunks, made robust to a recorder that comes late, and mostly
 * rotated by the worker itself. A pool ends its workers with terminate() as a matter of course
 * (piscina's and tinypool's destroy(), idle timeouts), losing the chunk in progress; the recorder
 * rotates chunks over the inspector, and a recorder starved of CPU (a loaded machine: its answers
 * to a worker waited ~300 ms) rotated none before a short-lived worker was ended, losing its whole
 * profile. So a worker's probe takes over chunk 1 as it loads (a console profile the recorder
 * started before Node's bootstrap: FIRST_CHUNK_START_EXPRESSION), and ends its chunk and starts
 * the next itself once the chunk is OWN_CHUNK_LEAD of the recorder's pace old (the pace comes
 * with the recorder's rotations: profileChunkExpression; OWN_CHUNK_FIRST_MS until the first),
 * checked where the thread may be ended next: before it posts a message, before it blocks in
 * Atomics.wait, and on its lag tick. Its seam's reading goes in the next chunk's title (no answer
 * carries it back). The recorder rotates a worker only when no seam came for 1.25 paces (a
 * thread busy in synchronous code, blocked, or idle in Atomics.wait): a rotation relayed through
 * the process's main thread is a command and three messages (its answer, the chunk's start and
 * its end), a seam of the probe's two. A recorder's rotation that comes less than half its pace
 * after the probe's own is answered without rotating.
 * Returns the chunker the recorder calls.
 */
function startOwnChunks(): Chunker {
  let paceMs = OWN_CHUNK_FIRST_MS;
  /**
   * How long the running chunk lasts: the recorder's pace, or, after a chunk over which this
   * thread was busy (it wanted a CPU at least BUSY_SHARE of the time), twice the last one, up to
   * MAX_CHUNK_MS, as a busy main thread's (recorder/launcher/chunkPacing.ts). A terminate() no
   * longer loses the chunk in progress (beforeEnds.ts), and each seam of a busy pool's
   * workers cost its process and the recorder a relay through the main thread. Not while idle:
   * what a worker did before it went idle is then in a chunk of its own once it posts its result
   * or waits. The recorder reads it from each seam's reading (CHUNK_MS_AT).
   */
  let chunkMs = OWN_CHUNK_FIRST_MS;
  // From the probe's load, so that its first seam already tells a busy chunk (a reading alone: no seam).
  let lastReading: SeamReading | undefined = profileChunk(0, 0);
  profileChunk.pacedBy((reading) => {
    const share = wantedShare(lastReading, reading);
    lastReading = reading;
    chunkMs = share !== undefined && share >= BUSY_SHARE ? grownChunkMs(chunkMs, paceMs) : paceMs;
    return chunkMs;
  });
  /** Whether the running chunk is one the probe started itself, when it started and when it is due to end (now()). */
  let own = false;
  let seamAt = 0;
  let dueAt = Infinity;
  const seam = (start: number, end: number, byProbe: boolean) => {
    const reading = byProbe ? profileChunk.announced(start, end) : profileChunk(start, end);
    own = byProbe;
    seamAt = now();
    dueAt = profileChunk.running() ? seamAt + chunkMs * OWN_CHUNK_LEAD : Infinity;
    return reading;
  };
  ownChunkDue = () => now() >= dueAt;
  rotateOwnChunk = () => { if (ownChunkDue()) seam(1, 1, true); };
  // Chunk 1, the recorder's, runs since before Node's bootstrap (the chunker took it over).
  seamAt = now();
  dueAt = seamAt + OWN_CHUNK_FIRST_MS * OWN_CHUNK_LEAD;
  return Object.assign((start: number, end: number, pace?: number, always?: number) => {
    if (typeof pace === 'number' && pace > 0) paceMs = pace;
    // The probe made this seam moments ago: a reading, no second seam (but before a signal).
    if (start > 0 && end > 0 && own && !always && now() - seamAt < chunkMs / 2) return profileChunk(0, 0);
    return seam(start, end, false);
  }, { running: profileChunk.running });
}
/** The recorder's pace until its first rotation tells it (its base chunk interval). */
const OWN_CHUNK_FIRST_MS = 100;
/**
 * A worker ends its own chunk once it is this share of the recorder's pace old: before the
 * recorder, which rotates 1.25 paces after the last seam it saw (threadRecorder.ts
 * OWN_SEAM_SLACK), so that a thread that gets to a check point (a message, a wait, a lag tick
 * every ~10 ms) within the ~40 ms between the two makes the seam itself.
 */
const OWN_CHUNK_LEAD = 0.85;
let ownChunkDue = () => false;
/** This thread's probe makes its own chunks' seams (a worker's: startOwnChunks). */
let ownsChunks = false;
let rotateOwnChunk = () => undefined as void;

/** HTTP requests this thread's servers began handling so far (set once request recording exists). */
let requestsServed = () => 0;
/**
 * V8 coverage's own inspector session is in this thread (probeOptions.ts, COVERAGE_REFUSAL): the
 * probe starts and ends no console profile (its chunker's console does nothing) and answers no
 * rotation (profileChunk: null), so the thread's CPU profile is the recorder's one chunk; and it
 * instruments nothing (COVERAGE_UNINSTRUMENTED).
 */
const coverageSession = !!process.env.NODE_V8_COVERAGE;
const COVERAGE_UNINSTRUMENTED = 'it collects V8 coverage (NODE_V8_COVERAGE), whose ranges are offsets in the code as it ran: its code ran as written, not instrumented, so its awaits and sync I/O calls were not recorded';
/**
 * See profileChunker: the console's functions are captured now, before the program can replace
 * them. Chunk 1 is the recorder's console profile in a worker (started before Node's bootstrap)
 * and in a main thread the recorder was told to attach to (started as the probe loads, before
 * the recorder's release: threadRecorder.ts start).
 */
const profileChunk = coverageSession
  ? profileChunker({ profile() {}, profileEnd() {} }, () => requestsServed())
  : profileChunker(console, () => requestsServed(), !isMainThread || arrival?.awaitsRecorder === true);
/**
 * A switch of the sampling interval waits at the loop for the recorder at most this long (it
 * polls every few ms while the switch is armed: milliseconds; more on a crowded machine).
 */
const SWITCH_WAIT_LIMIT_MS = 200;
const loopSwitch = new LoopSwitch(profileChunk, () => { waitForRecorder(RELEASE_SWITCH, SWITCH_WAIT_LIMIT_MS); }, () => release(RELEASE_SWITCH));

const WAIT_LIMIT_MS = 15000;

/**
 * Waits, once, until the recorder has started profiling this process (it was announced as the
 * probe arrived: arrival.ts), so that none of the program's code runs unprofiled. A process the
 * recorder cannot attach to (no inspector: Node 20's `node --test` parent, a Node built without
 * one) runs on: its probe still records awaits, lag and sync I/O, and its log says why there is
 * no CPU profile.
 */
function awaitRecorder(): void {
  if (!arrival?.awaitsRecorder || awaited) return;
  awaited = true;
  waitForRecorder(RELEASE_START, WAIT_LIMIT_MS);
}
let awaited = false;

/**
 * The program (or a tool's --require, such as VS Code's debug-terminal bootloader) may open
 * the inspector itself. Run plainly that works; here the inspector is already ours, and Node
 * would throw ERR_INSPECTOR_ALREADY_ACTIVATED. So open() and close() become Proxies of
 * themselves (same name, length, properties) that, while the inspector is ours, let the
 * program share it: open() succeeds (waits for a debugger when asked to; `inspector.url()`
 * is our listening address, where a debugger can attach beside the recorder) and the
 * matching close() leaves our session alone. Anything else goes to Node unchanged. Done as the
 * program first gets node:inspector, not before (inspectorAccess.ts).
 */
function shareInspector(): void {
  const mutable = require('node:inspector') as Record<string, any>;
  const { open, close, url } = mutable;
  let programOpened = false;
  let dispose: symbol | undefined;
  mutable.open = new Proxy(open, {
    apply(target, thisArg, args) {
      if (programOpened || !url()) return Reflect.apply(target, thisArg, args);
      programOpened = true;
      if (args[2]) mutable.waitForDebugger();
      dispose ??= (Symbol as any).dispose ?? Symbol.for('nodejs.dispose');
      return { __proto__: null, [dispose!]: () => mutable.close() };
    },
  });
  mutable.close = new Proxy(close, {
    apply(target, thisArg, args) {
      if (!url()) return Reflect.apply(target, thisArg, args);
      programOpened = false; // ours stays open: closing it would wait for the recorder to hang up
      return undefined;
    },
  });
  require('node:module').syncBuiltinESMExports();
}

/**
 * At exit, lets the recorder collect the CPU profile: announces the exit (the recorder's cue),
 * twice: a file in the run directory (seen at once through the recorder's directory watch) and
 * the exit binding (whose message may wait in the socket for the recorder's ACK), and waits to
 * be released. Only when the recorder installed the binding, and bounded.
 */
function waitForCollector(runDir: string): void {
  const binding = (globalThis as any)[EXIT_BINDING];
  if (typeof binding !== 'function') return;
  const ended = lastChunkEndedHere();
  if (ended) {
    try { binding(JSON.stringify({ pid: process.pid, tid: threadId, ended } satisfies ExitAnnouncement)); } catch { /* no inspector session */ }
    return;
  }
  touchRunFile(runDir, exitAnnouncementFile(process.pid, threadId)); // gone: the binding still tells
  try {
    binding(JSON.stringify({ pid: process.pid, tid: threadId } satisfies ExitAnnouncement));
    // The recorder hangs up right after releasing us, and Node waits for that at exit. (No
    // inspector.close() here: closing from both ends at once crashes Node's inspector thread.)
    waitForRecorder(RELEASE_EXIT, WAIT_LIMIT_MS);
  } catch { /* no inspector session: nothing to wait for */ }
}

/**
 * At a worker's exit, ends its last CPU profile chunk here, when that is all there is to collect,
 * and returns the seam's reading: the exit then needs no round trip to the recorder (through the
 * process's main thread, which relays the worker's session, and back), which a worker's 'exit'
 * event waited for. The chunk's profile goes out as Profiler.consoleProfileFinished before the
 * exit binding's call, on the same session, in order. Not in a main thread (the recorder also
 * stops its tracing and stays connected until the process waits for it), nor in a thread whose
 * chunks the recorder runs (chunks off, V8 coverage), nor with no chunk of the probe's running
 * (its first chunk fell back to the recorder's Profiler.start). Undefined: the recorder collects,
 * as before.
 */
function lastChunkEndedHere(): SeamReading | undefined {
  if (!ownsChunks || measureOff('exitSeam') || !profileChunk.running()) return undefined;
  profileChunk.pause(); // ends it, and no chunk starts after it (a rotation that comes now answers with a reading alone)
  return profileChunk(0, 0);
}

/**
 * Records sync fs calls from any code outside module loading (which and how long), so a timed
 * call into a dependency knows it did sync I/O. The probe's own file work uses the functions it
 * captured before this wrapping.
 *
 * Each function is replaced by a Proxy of itself: to the program it looks exactly like the
 * built-in (own properties such as `fs.realpathSync.native`, `name`, `length`, `prototype`,
 * toString); only calling it is timed. One that fs loads on first read is wrapped at that read.
 */
function countSyncFsCalls(runtime: ProbeRuntime, log: ThreadLog): void {
  // The module object itself (an `import * as` namespace in this bundle is a read-only copy).
  const mutable = require('node:fs') as Record<string, unknown>;
  const names: string[] = [];
  const counting = (original: (...args: unknown[]) => unknown, index: number) => new Proxy(original, {
    apply(target, thisArg, args) {
      if (isLoadingModule()) return Reflect.apply(target, thisArg, args);
      const t0 = now();
      try { return Reflect.apply(target, thisArg, args); } finally { runtime.fsSync(index, t0); }
    },
  });
  for (const name of Object.keys(mutable)) {
    // Names first: reading fs.ReadStream or fs.promises would load their modules (streams) into every process.
    if (!name.endsWith('Sync')) continue;
    const property = Object.getOwnPropertyDescriptor(mutable, name);
    if (property?.get) {
      // Loaded on its first read (fs.opendirSync: its module, which a plain run loads only then):
      // wrapped then. Node's getter makes it a data property as it loads it; a Proxy of the getter
      // (its name, length, toString) puts ours in that property's place and hands it back.
      const index = names.push(name) - 1;
      try {
        Object.defineProperty(mutable, name, {
          ...property,
          get: new Proxy(property.get, {
            apply(target, thisArg, args) {
              const original = Reflect.apply(target, thisArg, args);
              if (typeof original !== 'function') return original;
              const counted = counting(original as (...args: unknown[]) => unknown, index);
              try { mutable[name] = counted; } catch { return original; }
              return counted;
            },
          }),
        });
      } catch { /* not configurable in some builds */ }
      continue;
    }
    const original = property?.value;
    if (typeof original !== 'function') continue;
    const index = names.push(name) - 1;
    try { mutable[name] = counting(original as (...args: unknown[]) => unknown, index); } catch { /* read-only in some builds */ }
  }
  require('node:module').syncBuiltinESMExports();
  log.write({ t: 'fsSyncNames', names });
}

/**
 * Creates the empty file `name` in the run directory: an announcement the recorder's directory
 * watch sees at once (with the fs functions captured before the probe wraps them: not the
 * program's sync I/O). Nothing happens if the run directory is gone (the recorder stopped).
 */
function touchRunFile(runDir: string, name: string): void {
  try { closeSync(openSync(path.join(runDir, name), 'w')); } catch { /* the run directory is gone */ }
}

/** Workers a worker thread started, held weakly (a main thread's end is the recorder's cue to collect every thread). */
const startedWorkers: WeakRef<{ threadId: number }>[] = [];
/** The thread id of a started worker that may still run (its 'exit' event has not reached this thread: Node sets threadId to -1 then), else 0. */
const runningId = (ref: WeakRef<{ threadId: number }>): number => { const id = ref.deref()?.threadId; return typeof id === 'number' && id > 0 ? id : 0; };
function runningStartedWorkers(): number[] {
  return startedWorkers.map(runningId).filter((id) => id > 0);
}

/**
 * Where user code created workers and child processes (first user frame of the stack), from
 * Node's diagnostics channels: nothing of worker_threads is patched, nor child_process's
 * asynchronous calls (its sync calls are wrapped for hand-overs only: handOver.ts). The
 * `child_process` channel publishes from the ChildProcess constructor, before spawn() has run:
 * the frame is taken then (and a child given an env of its own keeps the recording's variables:
 * childEnv.ts), pid and command once spawn() has returned.
 */
function recordCreations(log: ThreadLog, recording: RecordingEnv | undefined, probePath: string, runDir: string): void {
  let workers = 0;
  dc.subscribe('worker_threads', (message: any) => {
    const worker = message?.worker;
    if (!isMainThread && worker && typeof worker === 'object') {
      for (let i = startedWorkers.length - 1; i >= 0; i--) if (runningId(startedWorkers[i]) === 0) startedWorkers.splice(i, 1);
      startedWorkers.push(new WeakRef(worker));
    }
    // The recorder is told at once that the thread is starting (see workerStartFile).
    touchRunFile(runDir, workerStartFile(process.pid, threadId, ++workers));
    log.write({ t: 'spawn', kind: 'worker', threadId: worker?.threadId, at: now(), frame: userFrame(probePath) });
  });
  dc.subscribe('child_process', (message: any) => {
    const child = message?.process;
    if (!child) return;
    if (recording) keepRecordingEnv(child, recording);
    const at = now();
    const frame = userFrame(probePath);
    ownNextTick(() => {
      if (child.pid === undefined) return; // spawn failed: the program sees its 'error' event
      log.write({ t: 'spawn', kind: 'process', pid: child.pid, file: child.spawnfile, args: child.spawnargs, at, frame });
    });
  });
}

// Entry point, last: every module-level binding above is initialized by now.
if (arrival) {
  // Whatever goes wrong in the probe, the program runs on (unrecorded rather than broken), yet
  // never before the recorder announced to has started (or given up on) its profiler.
  try { start(arrival.options, arrival.launcher); } catch { /* nothing to record with */ }
  awaitRecorder();
}

/** What the loader handed this thread's probe (PROBE_LOADER), taken off the global; undefined when loaded without it. */
function takeLoaderHandoff(): ProbeLoaderHandoff | undefined {
  const g = globalThis as any;
  const handoff = g[PROBE_LOADER];
  delete g[PROBE_LOADER];
  return handoff && typeof handoff === 'object' ? handoff : undefined;
}
