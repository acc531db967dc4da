import { MAX_CHUNK_MS, BUSY_SHARE, grownChunkMs, wantedShare, type SeamReading } from '../probeOptions';

export { MAX_CHUNK_MS, BUSY_SHARE };

/**
 * How long each streamed CPU profile chunk of one thread lasts (see threadRecorder.ts). Every
 * rotation interrupts the thread to end one chunk and start the next: V8 builds the ended chunk's
 * profile and the inspector serializes it, on that thread, and the evaluated expression is
 * compiled; in a busy server that was ~5 % of its CPU at 100 ms (bench/probeCost.mjs, perf).
 * So while a thread is busy its chunks grow (not an attached process's workers': see the constructor): each chunk after a busy one lasts twice as long as
 * that one, up to MAX_CHUNK_MS; a chunk after one that was neither busy nor idle (below) lasts the base interval
 * again (~100 ms, longer when many threads are alive: profileCollector.ts). Busy: over the
 * chunk, the thread wanted a CPU (was on one or runnable, waiting for one: the probe reads
 * Linux's schedstat) at least BUSY_SHARE of the wall time. A share of wanted time, not of CPU
 * time, so that a busy thread on a crowded machine (which gets little CPU) is still busy.
 * Where it is not known (no schedstat), chunks keep the base interval.
 *
 * An idle thread's chunks grow too: each chunk after an idle one (the thread wanted a CPU less than IDLE_SHARE of the
 * wall time) lasts twice as long as that one, up to MAX_CHUNK_MS. Its samples are all idle, so a
 * longer chunk risks nothing while it stays idle, and the recorder's rotation of a thread that
 * makes no seam of its own (a pool's worker blocked in Atomics.wait between tasks, a main
 * thread waiting on I/O) costs its process and the recorder ~1–3 ms of CPU each time: a pool of
 * 4 idle piscina workers was rotated ~40 times a second. A worker's own seams (before it posts a
 * message, blocks in Atomics.wait or turns its loop: the probe's startOwnChunks) keep the base
 * interval while it is not busy: what it did before it went idle is in a chunk of its own once it
 * posts its result or waits. What grows is the chunk in progress when an idle thread turns busy: an abrupt end in
 * its first stretch of synchronous work loses up to the grown chunk (stated, as always, from
 * `current()`), where a busy main thread's loses as much.
 *
 * A worker's probe makes most of its seams itself and paces them the same way (index.ts
 * startOwnChunks: twice as long after a busy chunk, its pace otherwise); the recorder reads that
 * pace from the seams' readings (CHUNK_MS_AT).
 *
 * What a thread that ends abruptly loses is its chunk in progress: at most `current()` ms
 * (a quarter more in a worker that makes its seams itself, or its probe's pace if longer:
 * threadRecorder.ts OWN_SEAM_SLACK; more when a blocked thread delays the rotation). A worker
 * ended by `worker.terminate()` loses nothing: its chunk is collected first; nor a child process
 * ended by its parent's `kill()`: each of its threads makes a seam first (the probe's
 * beforeEnds.ts).
 */
/** A chunk over which the thread wanted a CPU for less than this share of the wall time was idle. */
export const IDLE_SHARE = 0.05;

export class ChunkPacing {
  private last: SeamReading | undefined;
  /** Whether the chunk that ended at the last seam was busy or idle, and whether a seam was made since the last next(). */
  private busy = false;
  private idle = false;
  private fresh = false;
  private ms: number | undefined;

  /**
   * `baseMs`: the base interval now (it changes with the number of threads alive). `grows`:
   * whether a busy thread's chunks grow. A worker's do: pools end their workers with terminate()
   * as a matter of course (piscina's and tinypool's destroy(), idle timeouts), and the probe has
   * the chunk in progress collected before a terminate() goes on. So do a pool's worker
   * processes': vitest's forks pool SIGTERMs each fork (fork.kill()) once it reported its file
   * done, and the probe has every thread of the fork make a seam before a kill() goes on (before
   * that, a fork's chunks kept the base interval, busy or idle: with growing chunks most forks'
   * profiles covered ~216–226 ms of a life of 370–410 ms). Not a worker's in an attached process
   * (no probe there to wait for the collection).
   * What a worker's base pace cost a pool of busy workers, when their chunks did not grow
   * (piscina, 4 workers on 2 cores; 8 alternating runs each, 2026-12-06): the whole command 1.29×
   * plain at 100 ms, 1.23× at 400 ms, 1.21× with one chunk per worker; its CPU 4.48 → 4.26 →
   * 4.21 s (plain 3.55 s). The chunks' messages pass through the process's main thread and the
   * recorder, and each wakes them.
   */
  constructor(private readonly baseMs: () => number, private readonly grows = true) {}

  /** Feeds the reading taken at a seam (the start of the chunk in progress). */
  observe(r: SeamReading): void {
    const a = this.last;
    this.last = r;
    this.fresh = true;
    const share = wantedShare(a, r);
    this.busy = share !== undefined && share >= BUSY_SHARE;
    this.idle = share !== undefined && share < IDLE_SHARE;
  }

  /**
   * How long the chunk in progress lasts: call once per rotation, when it is scheduled (a
   * rotation that made no seam: the base interval). `atBase`: this chunk lasts the base interval
   * whatever the last one was (the recorder has something to do at the next seam that should not
   * wait up to MAX_CHUNK_MS, such as a decided switch of the sampling interval).
   */
  next(atBase = false): number {
    const base = this.baseMs();
    const grow = !atBase && ((this.grows && this.busy) || this.idle) && this.fresh && this.ms !== undefined;
    this.fresh = false;
    this.ms = grow ? grownChunkMs(this.ms!, base) : base;
    return this.ms;
  }

  /** How long the chunk in progress lasts (what an abrupt end loses at most). */
  current(): number {
    return this.ms ?? this.baseMs();
  }
}
