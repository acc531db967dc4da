import { PROFILE_CHUNK_PREFIX, FIRST_CHUNK_TITLE, CHUNK_MS_AT, type SeamReading } from '../probeOptions';
import { threadRunMs, threadWantedMs } from './threadCpuClock';
import { now, monotonicUs } from './clock';
import { asOwnWork } from './ownTime';
import type { ProbeRuntime } from './runtime';
import type { Chunker } from './loopSwitch';
import type { PausableChunks } from './handOver';

/**
 * What a recorded thread reads about itself on every lag tick and profile chunk seam, shared by
 * the preloaded probe (index.ts) and the agent injected into a running process (attachAgent.ts).
 */

/**
 * fs and dns requests of this thread waiting for or running on libuv's thread pool, from
 * process.getActiveResourcesInfo() (all code, no per-request cost). With a huge number of
 * active resources (timers), looked at only every 10th tick.
 */
let resourcesSkipped = 0;
let lastPoolRequests = 0;
/** Σ pool requests over the lag ticks so far, and the ticks counted: the pool's load, read at each profile chunk seam. */
let poolRequestTicks = 0;
let poolTicks = 0;
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
 * keeps running). Each ended chunk reaches the recorder as Profiler.consoleProfileFinished
 * (titled PROFILE_CHUNK_PREFIX and the chunk's number in this thread).
 * Chunk 1 is a console profile the recorder started (FIRST_CHUNK_START_EXPRESSION): in a worker
 * before Node's bootstrap, in a process's main thread as the probe loads. The probe takes it
 * over (`firstChunkRunning`); a worker's probe rotates its chunks itself when they grow old
 * before the thread may be ended (index.ts: startOwnChunks). (Where the recorder's console
 * profile failed it falls back to its own Profiler.start, chunk 0, which it stops itself after
 * chunk 1 started; so does an attached process, which has no probe.) Starting a chunk always
 * ends the one running, whoever asked. Ending a title V8 does not run (a worker the recorder did not profile) does nothing.
 * `pause` ends the running chunk and starts none (a thread about to block in a hand-over to
 * another program: handOver.ts); `resume` then starts the next. A rotation between the two starts
 * no chunk (it returns the reading only): it can run only in the sync call's own JavaScript,
 * before the wait, where its chunk sampled the whole wait (seen once in CI: 445 samples inside a
 * 514 ms wait the report said was not sampled), or after it, where `resume` starts one at once.
 *
 * `announced` is the same for a seam the probe makes itself, which no answer carries back: the
 * reading also goes in the next chunk's title, which the recorder gets as Profiler.consoleProfileStarted.
 *
 * The chunker returns the SeamReading (recorder/probeOptions.ts) read at the seam: on-CPU ms of
 * this thread (-1: unknown) and CLOCK_MONOTONIC µs (a thread that ends abruptly has no final
 * probe chunk to say how much CPU it really got), then the pool's load so far over the lag
 * ticks and the HTTP requests this thread's servers began handling so far (`requestsServed`; the
 * recorder's sampling policy, recorder/launcher/samplingPolicy.ts), and the time this thread has
 * wanted a CPU (how long its next chunk lasts: recorder/launcher/chunkPacing.ts).
 */
export function profileChunker(v8Console: { profile(label: string): void; profileEnd(label: string): void }, requestsServed: () => number, firstChunkRunning = false): Chunker & PausableChunks & { announced(start: number, end: number): SeamReading; pacedBy(nextChunkMs: (reading: SeamReading) => number): void } {
  // The probe's own work, which the lag ticks leave out (ownTime.ts): ending a chunk makes V8
  // build and serialize its profile on this thread, for milliseconds in a wide profile.
  const v8Start = v8Console.profile.bind(v8Console);
  const v8End = v8Console.profileEnd.bind(v8Console);
  const profile = (title: string) => asOwnWork(() => v8Start(title), 'chunks');
  const profileEnd = (title: string) => asOwnWork(() => v8End(title), 'chunks');
  /** Chunks this thread started, and the title of the one running (the recorder's expressions carry no numbers: profileChunkExpression). */
  let started = firstChunkRunning ? 1 : 0;
  let running: string | undefined = firstChunkRunning ? FIRST_CHUNK_TITLE : undefined;
  /** now() as the running chunk was started (no sample of it is older). */
  let startedAt = 0;
  /** Starts the next chunk; `announced`: its title carries that reading after the number (titleReading). */
  const startNext = (announced?: SeamReading) => {
    startedAt = now();
    profile(running = `${PROFILE_CHUNK_PREFIX}${++started}${announced ? ` ${JSON.stringify(announced)}` : ''}`);
  };
  const read = (): SeamReading => [threadRunMs(), monotonicUs(), poolRequestTicks, poolTicks, requestsServed(), threadWantedMs()];
  /** From pause() to resume(): no chunk starts (see above). */
  let paused = false;
  /** How long the chunk a seam starts lasts, from that seam's reading (a worker's own pace: index.ts startOwnChunks), put in the reading (CHUNK_MS_AT). */
  let nextChunkMs: ((reading: SeamReading) => number) | undefined;
  const paced = (reading: SeamReading): SeamReading => {
    if (nextChunkMs && reading.length === CHUNK_MS_AT) reading.push(nextChunkMs(reading));
    return reading;
  };
  const seam = (start: number, end: number, announce: boolean): SeamReading => {
    const ending = end > 0 || start > 0 ? running : undefined;
    if (ending !== undefined) running = undefined;
    let reading: SeamReading | undefined;
    const starts = start > 0 && !paused;
    if (starts) {
      if (announce) reading = paced(read());
      startNext(reading);
    }
    reading ??= starts ? paced(read()) : read();
    if (ending !== undefined) profileEnd(ending);
    return reading;
  };
  const pause = (): boolean => {
    if (running === undefined) return false;
    const ending = running;
    running = undefined;
    paused = true;
    profileEnd(ending);
    return true;
  };
  const resume = (): number => {
    paused = false;
    if (running === undefined) startNext();
    return startedAt;
  };
  const chunk = (start: number, end: number): SeamReading => seam(start, end, false);
  return Object.assign(chunk, {
    running: () => running !== undefined, pause, resume, announced: (start: number, end: number) => seam(start, end, true),
    pacedBy: (f: (reading: SeamReading) => number) => { nextChunkMs = f; },
  });
}

/**
 * The lag timer ran (due at `expected`, on the probe's clock): the loop turned, so whatever ran
 * before it was another task (a task mark); pushes one tick in the order of TICK (analyzer/raw.ts):
 * t, lag, operations in flight, pool requests, thread CPU ms.
 */
export function lagTick(runtime: Pick<ProbeRuntime, 'loopTurns' | 'mark' | 'concurrencyNow'>, ticks: number[], expected: number): void {
  const t = now();
  const cpu = threadRunMs();
  runtime.loopTurns++;
  runtime.mark(t, cpu);
  const pool = poolRequests();
  poolRequestTicks += pool;
  poolTicks++;
  ticks.push(t, Math.max(0, t - expected), runtime.concurrencyNow(), pool, cpu);
}
