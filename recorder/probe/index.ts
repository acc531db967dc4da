/**
 * The probe: preloaded with `NODE_OPTIONS=--require` into every node process the profiled
 * program starts, and (through NODE_OPTIONS) into every worker thread. Configuration comes in
 * the CONCURRENCY_LENS_OPTIONS env var (see recorder/probeOptions.ts).
 *
 * In each process's main thread it makes sure the inspector listens on 127.0.0.1 (random
 * port), announces itself by writing a rendezvous file, and waits until the recorder has
 * attached and started the CPU profiler. In every thread it instruments user files as they
 * load, samples event-loop lag, and writes what it measured to `<runDir>/<pid>-<tid>.jsonl`
 * about once a second and at exit. At exit it waits (bounded) for the recorder to collect the
 * CPU profile before the thread goes away.
 */
import * as inspector from 'node:inspector';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as wt from 'node:worker_threads';
import * as dc from 'node:diagnostics_channel';
import { performance as perf } from 'node:perf_hooks';
import { readProbeOptions, PROBE_GLOBAL, EXIT_BINDING } from '../probeOptions';
import { ProbeRuntime } from './runtime';
import { installLoadHooks } from './loadHooks';
import { userFrame } from './userFrame';
import { ThreadLog } from './threadLog';

/** Lag samples not yet written (drained by flush). */
const pendingTicks: number[] = [];
const options = readProbeOptions();
if (options && !(globalThis as any)[PROBE_GLOBAL]) start(options);

function start(opts: NonNullable<ReturnType<typeof readProbeOptions>>): void {
  const tid = wt.threadId;
  const log = new ThreadLog(path.join(opts.runDir, `${process.pid}-${tid}.jsonl`));
  const runtime = new ProbeRuntime(opts.maxSpans, () => flush(), (base, table) => log.write({ t: 'table', base, ...table }));
  (globalThis as any)[PROBE_GLOBAL] = runtime;
  (runtime as any).flush = () => flush();

  const perfAnchor = performance.now();
  const hrAnchorUs = Number(process.hrtime.bigint() / 1000n);
  log.write({
    t: 'hello', pid: process.pid, ppid: process.ppid, tid, isMainThread: wt.isMainThread,
    argv: process.argv, execArgv: process.execArgv, cwd: process.cwd(), perfAnchor, hrAnchorUs,
    threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4, nodeVersion: process.version,
  });

  installLoadHooks(opts);
  recordCreations(log, opts.probePath);

  function flush(final = false): void {
    try {
      log.write({
        t: 'chunk', at: performance.now(), spans: runtime.takeSpans(), ticks: pendingTicks.splice(0),
        agg: runtime.aggregates(), usage: process.resourceUsage(), cpu: process.cpuUsage(),
        elu: perf.eventLoopUtilization(), mainModule: require.main?.filename, final,
      });
    } catch { /* the run directory is gone: the recorder stopped */ }
  }

  let exited = false;
  process.on('exit', (code) => {
    if (exited) return;
    exited = true;
    flush(true);
    log.write({ t: 'exit', code, at: performance.now() });
    waitForCollector();
  });

  if (wt.isMainThread) {
    // Children inherit --inspect flags through execArgv; drop them so cluster does not pick ports.
    for (let i = process.execArgv.length - 1; i >= 0; i--) {
      if (/^--inspect(-brk|-port|-publish-uid)?(=|$)/.test(process.execArgv[i])) process.execArgv.splice(i, 1);
    }
    attachRecorder(opts.runDir);
  }
  startLagTicks(runtime, log, flush);
}

/**
 * Event-loop lag: an unref'd 10 ms timer whose lateness is the delay any callback would have
 * seen. Started after the recorder attached, so our own start-up wait is not counted.
 */
function startLagTicks(runtime: ProbeRuntime, log: ThreadLog, flush: () => void): void {
  const ticks = pendingTicks;
  const TICK_MS = 10;
  let expected = performance.now() + TICK_MS;
  let tickCount = 0;
  const tick = () => {
    try {
      const t = performance.now();
      ticks.push(t, Math.max(0, t - expected), runtime.inFlight);
      if (++tickCount % 100 === 0) flush();
    } finally {
      expected = performance.now() + TICK_MS;
      setTimeout(tick, TICK_MS).unref();
    }
  };
  setTimeout(tick, TICK_MS).unref();
  // The main script has finished its first synchronous run when the first immediate fires.
  setImmediate(() => log.write({ t: 'startupDone', at: performance.now() })).unref?.();
}


/** Announces this process to the recorder and blocks until it has started profiling. */
function attachRecorder(runDir: string): void {
  if (!inspector.url()) inspector.open(0, '127.0.0.1', false);
  const url = inspector.url();
  if (!url) return;
  const file = path.join(runDir, `attach-${process.pid}.json`);
  fs.writeFileSync(file + '.tmp', JSON.stringify({ pid: process.pid, ppid: process.ppid, url, argv: process.argv }));
  fs.renameSync(file + '.tmp', file);
  inspector.waitForDebugger();
}

/**
 * At exit, lets the recorder collect the CPU profile: calls the exit binding (the recorder's
 * cue) and waits for `Runtime.runIfWaitingForDebugger`. Only when the recorder installed the
 * binding, so a program whose recorder went away never blocks.
 */
function waitForCollector(): void {
  const binding = (globalThis as any)[EXIT_BINDING];
  if (typeof binding !== 'function') return;
  try {
    binding(JSON.stringify({ pid: process.pid, tid: wt.threadId }));
    inspector.waitForDebugger();
    if (wt.isMainThread) inspector.close();
  } catch { /* no inspector session: nothing to wait for */ }
}

/** Where user code created workers and child processes (first user frame of the stack). */
function recordCreations(log: ThreadLog, probePath: string): void {
  dc.subscribe('worker_threads', (message: any) => {
    const worker = message?.worker;
    log.write({ t: 'spawn', kind: 'worker', threadId: worker?.threadId, at: performance.now(), frame: userFrame(probePath) });
  });
  const { ChildProcess } = require('node:child_process');
  const original = ChildProcess.prototype.spawn;
  ChildProcess.prototype.spawn = function (this: any, spawnOptions: any) {
    const result = original.apply(this, arguments as any);
    try {
      log.write({ t: 'spawn', kind: 'process', pid: this.pid, file: spawnOptions?.file, args: spawnOptions?.args,
        at: performance.now(), frame: userFrame(probePath) });
    } catch { /* never break the program */ }
    return result;
  };
}
