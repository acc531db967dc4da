/**
 * The agent the attach recorder (recorder/attach/attach.ts) injects over the inspector into
 * every thread of a process that is already running (no preload, no instrumentation: its code
 * is loaded). It records what needs no load-time hooks: event-loop lag (a 10 ms timer, as the
 * probe's), libuv pool requests in flight, task marks, HTTP requests (diagnostics_channel), and
 * CPU profile chunk seams; and hands its records to the recorder through a CDP binding instead
 * of a log file. Everything it adds to the program is reachable from one global symbol
 * (PROBE_GLOBAL) and undone by `dispose()`: the timer, the channel subscriptions, the bindings.
 *
 * Evaluated as `(function (require, config) { <this bundle> })(process.getBuiltinModule, {...})`
 * (see agentExpression): `require` gives only Node's built-in modules.
 */
import * as wt from 'node:worker_threads';
import * as inspector from 'node:inspector';
import { PROBE_GLOBAL, EXIT_BINDING } from '../probeOptions';
import { TICK_MS, type ProbeRecord, type ResourceUsage } from '../../analyzer/raw';
import { ProbeRuntime } from './runtime';
import { HttpRequests } from './httpRequests';
import { lagTick, profileChunker } from './threadGauges';
import { ownChunkMs, ownWorkDeadline } from './ownTime';
import { threadRunMs, closeThreadCpuClock } from './threadCpuClock';
import { now, clockAnchors, ownSetTimeout } from './clock';
import { installSlicedAtomicsWait } from './atomicsWait';
import type { AgentConfig } from '../probeOptions';

declare const config: AgentConfig;

/** HTTP requests kept in detail per thread (counts stay exact beyond it), as the probe. */
const MAX_REQUEST_ROWS = 200_000;
/** Lag ticks between two hand-overs (~100 ms, as the probe's flushes). */
const FLUSH_EVERY_TICKS = 10;

function install(): void {
  const global = globalThis as any;
  if (global[PROBE_GLOBAL]) throw new Error('this thread is already recorded by Concurrency Lens');
  const send = global[config.binding] as (payload: string) => void;
  if (typeof send !== 'function') throw new Error('the recorder binding is missing');
  const push = (record: ProbeRecord) => send(JSON.stringify(record));

  const runtime = new ProbeRuntime(1, () => undefined, () => undefined);
  runtime.threadCpu = threadRunMs;
  // Request recording also marks tasks (see ProbeRuntime.mark and HttpRequests): its channel
  // subscriptions are all there is to undo (requests.stop()).
  const requests = new HttpRequests(MAX_REQUEST_ROWS, { started: (t) => runtime.requestStarted(t), ended: () => runtime.requestEnded(), responded: () => runtime.mark(), laterHandler: () => runtime.mark() });
  requests.start();

  // Resource usage and CPU counted from now: what the process did before attach is not the run's.
  const usage0 = process.resourceUsage() as unknown as Record<string, number>;
  const cpu0 = process.cpuUsage();
  const usageSince = (): ResourceUsage => {
    const now = process.resourceUsage() as unknown as Record<string, number>;
    const out: Record<string, number> = {};
    for (const k of Object.keys(now)) out[k] = k === 'maxRSS' ? now[k] : now[k] - (usage0[k] ?? 0);
    return out as unknown as ResourceUsage;
  };

  push({
    t: 'hello', pid: process.pid, ppid: process.ppid, tid: wt.threadId, isMainThread: wt.isMainThread,
    argv: process.argv, execArgv: process.execArgv, cwd: process.cwd(), ...clockAnchors(), threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4,
    nodeVersion: process.version,
  });

  const ticks: number[] = [];
  let lastContact = now();
  let disposed = false;
  const flush = (final = false) => {
    if (disposed) return;
    push({
      t: 'chunk', at: now(), ticks: ticks.splice(0), marks: runtime.taskMarks.splice(0), agg: runtime.aggregates(),
      usage: usageSince(), cpu: process.cpuUsage(cpu0), threadCpuMs: threadRunMs(), final, requests: requests.take(),
      ownChunkMs: ownChunkMs(),
    });
  };

  // The next tick's deadline, moved by the agent's own work since it was set (ending the profile
  // chunks the recorder rotates: ownTime.ts), as a profiled run's lag ticks are.
  const deadline = ownWorkDeadline(TICK_MS);
  deadline.set();
  let tickCount = 0;
  const tick = () => {
    // Detached: this last firing ends the timer (see dispose), and closes the CPU clock again in
    // case a dispose() that interrupted a tick was followed by that tick reopening it.
    if (disposed) { closeThreadCpuClock(); return; }
    try {
      lagTick(runtime, ticks, deadline.due());
      if (++tickCount % FLUSH_EVERY_TICKS === 0) {
        // A recorder that went away without detaching (killed) leaves nothing running here.
        if (abandoned(now())) { dispose(config.closeInspectorIfAbandoned); return; }
        flush();
      }
    } catch { /* never break the program */ }
    deadline.set();
    ownSetTimeout(tick, TICK_MS).unref();
  };
  ownSetTimeout(tick, TICK_MS).unref();

  const abandoned = (t: number) => {
    if (t - lastContact > config.abandonAfterMs) return true;
    try { process.kill(config.recorderPid, 0); return false; } catch (e) { return (e as NodeJS.ErrnoException).code !== 'EPERM'; }
  };

  // The recorder's chunk rotation runs inside a worker's Atomics.wait, as in a profiled run: see atomicsWait.ts.
  const restoreAtomicsWait = wt.isMainThread ? () => undefined : installSlicedAtomicsWait();
  const chunk = profileChunker(inspector.console as any, () => requests.serverRequests);
  function dispose(closeInspector = false): void {
    if (disposed) return;
    disposed = true;
    // No clearTimeout: dispose() runs from the recorder's Runtime.evaluate, which V8 may run as an
    // interrupt in the middle of Node's listOnTimeout, between its check of this very timer's
    // _onTimeout and its call (emitBefore runs JS there): clearing it then set _onTimeout to null
    // and crashed the program ("timer._onTimeout is not a function"). The timer is unref'd and
    // its next firing, ≤ 10 ms on, sees `disposed` and does not come back.
    requests.stop();
    closeThreadCpuClock();
    restoreAtomicsWait();
    delete global[PROBE_GLOBAL];
    delete global[config.binding];
    delete global[EXIT_BINDING];
    if (closeInspector && wt.isMainThread) { try { inspector.close(); } catch { /* already closed */ } }
  }

  global[PROBE_GLOBAL] = {
    /** The recorder's profile chunk rotation (see ThreadRecorder.rotate); also its keep-alive. */
    profileChunk: (start: number, end: number) => { lastContact = now(); return chunk(start, end); },
    /** Hands over what was recorded since the last chunk (the recorder's flushProbes before it collects). */
    flush: () => flush(true),
    dispose: () => dispose(false),
  };
}

install();
