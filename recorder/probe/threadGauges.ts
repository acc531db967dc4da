import * as fs from 'node:fs';
import * as wt from 'node:worker_threads';
import { procReadable } from '../procFs';
import { PROFILE_CHUNK_PREFIX } from '../probeOptions';
import type { ProbeRuntime } from './runtime';

/**
 * What a recorded thread reads about itself on every lag tick and profile chunk seam, shared by
 * the preloaded probe (index.ts) and the agent injected into a running process (attachAgent.ts).
 */

/** Before the probe wraps fs.*Sync (countSyncFsCalls): the probe's reads are not the program's sync I/O. */
const readFileSyncOriginal = fs.readFileSync;

/**
 * Where this thread's CPU time comes from, decided once so that its readings stay comparable:
 * Linux's /proc/thread-self/schedstat; else, in a main thread, the whole process's CPU time
 * (process.cpuUsage(): an upper bound, it includes the other threads'); else unknown. A source
 * that fails midway gives unknown from then on. The recorder marks the estimates (THREAD_CPU_ESTIMATED).
 */
let threadCpuSource: 'schedstat' | 'process' | 'none' = procReadable() ? 'schedstat' : wt.isMainThread ? 'process' : 'none';

/** Time this thread has spent on a CPU, in ms (ns precision with schedstat), or -1 if unknown. Tells CPU work from a thread that was only waiting for a core. */
export function threadRunMs(): number {
  if (threadCpuSource === 'schedstat') {
    try { return Number(readFileSyncOriginal('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6; } catch { threadCpuSource = 'none'; }
  }
  if (threadCpuSource === 'process') { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  return -1;
}

/**
 * fs and dns requests of this thread waiting for or running on libuv's thread pool, from
 * process.getActiveResourcesInfo() (all code, no per-request cost). With a huge number of
 * active resources (timers), looked at only every 10th tick.
 */
let resourcesSkipped = 0;
let lastPoolRequests = 0;
export function poolRequests(): number {
  if (resourcesSkipped > 0) { resourcesSkipped--; return lastPoolRequests; }
  const active = process.getActiveResourcesInfo();
  let n = 0;
  for (const r of active) if (r === 'FSReqPromise' || r === 'FSReqCallback' || r === 'GetAddrInfoReqWrap') n++;
  if (active.length > 10000) resourcesSkipped = 9;
  lastPoolRequests = n;
  return n;
}

/**
 * The V8 console's profile functions, captured before the program can replace `console` (the
 * probe is preloaded; an injected agent takes `inspector.console`, V8's own). The recorder
 * streams CPU profiles in chunks: it calls profileChunk over the inspector every ~100 ms, so
 * that chunk n+1 starts before chunk n ends (no sample is lost at the seam, and the profiler
 * keeps running). Each ended chunk reaches the recorder as Profiler.consoleProfileFinished.
 * Chunk 0 is the recorder's own Profiler.start, which it stops itself after chunk 1 started.
 *
 * The chunker returns [on-CPU ms of this thread (-1: unknown), CLOCK_MONOTONIC µs] read at the
 * seam: a thread that ends abruptly has no final probe chunk to say how much CPU it really got.
 */
export function profileChunker(v8Console: { profile(label: string): void; profileEnd(label: string): void }): (start: number, end: number) => [number, number] {
  const profile = v8Console.profile.bind(v8Console);
  const profileEnd = v8Console.profileEnd.bind(v8Console);
  return (start, end) => {
    if (start > 0) profile(`${PROFILE_CHUNK_PREFIX}${start}`);
    const reading: [number, number] = [threadRunMs(), Number(process.hrtime.bigint() / 1000n)];
    if (end > 0) profileEnd(`${PROFILE_CHUNK_PREFIX}${end}`);
    return reading;
  };
}

/**
 * The lag timer ran (due at `expected`, performance.now()): the loop turned, so whatever ran
 * before it was another task (a task mark); pushes one tick in the order of TICK (analyzer/raw.ts):
 * t, lag, operations in flight, pool requests, thread CPU ms.
 */
export function lagTick(runtime: Pick<ProbeRuntime, 'loopTurns' | 'mark' | 'concurrencyNow'>, ticks: number[], expected: number): void {
  const t = performance.now();
  const cpu = threadRunMs();
  runtime.loopTurns++;
  runtime.mark(t, cpu);
  ticks.push(t, Math.max(0, t - expected), runtime.concurrencyNow(), poolRequests(), cpu);
}
