import { WANTED_CPU_AT as WANTED, type SeamReading } from '../probeOptions';

/**
 * How long each streamed CPU profile chunk of one thread lasts (see threadRecorder.ts). Every
 * rotation interrupts the thread to end one chunk and start the next: V8 builds the ended chunk's
 * profile and the inspector serializes it, on that thread, and the evaluated expression is
 * compiled; in a busy server that was ~5 % of its CPU at 100 ms (bench/probeCost.mjs, perf).
 * So while a process's main thread is busy its chunks grow (a worker's do not: see the constructor): each chunk after a busy one lasts twice as long as
 * that one, up to MAX_CHUNK_MS; a chunk after one that was neither busy nor idle (below) lasts the base interval
 * again (~100 ms, longer when many threads are alive: profileCollector.ts). Busy: over the
 * chunk, the thread wanted a CPU (was on one or runnable, waiting for one: the probe reads
 * Linux's schedstat) at least BUSY_SHARE of the wall time. A share of wanted time, not of CPU
 * time, so that a busy thread on a crowded machine (which gets little CPU) is still busy.
 * Where it is not known (no schedstat), chunks keep the base interval.
 *
 * An idle thread's chunks grow too, in every thread but a pool's worker process (see the
 * constructor): each chunk after an idle one (the thread wanted a CPU less than IDLE_SHARE of the
 * wall time) lasts twice as long as that one, up to MAX_CHUNK_MS. Its samples are all idle, so a
 * longer chunk risks nothing while it stays idle, and the recorder's rotation of a thread that
 * makes no seam of its own (a pool's worker blocked in Atomics.wait between tasks, a main
 * thread waiting on I/O) costs its process and the recorder ~1–3 ms of CPU each time: a pool of
 * 4 idle piscina workers was rotated ~40 times a second. A worker's own seams (before it posts a
 * message, blocks in Atomics.wait or turns its loop: the probe's startOwnChunks) keep the base
 * interval: what it did before it went idle is in a chunk of its own once it posts its result or
 * waits. What grows is the chunk in progress when an idle thread turns busy: an abrupt end in
 * its first stretch of synchronous work loses up to the grown chunk (stated, as always, from
 * `current()`), where a busy main thread's loses as much.
 *
 * What a thread that ends abruptly loses is its chunk in progress: at most `current()` ms
 * (a quarter more in a worker that makes its seams itself: threadRecorder.ts OWN_SEAM_SLACK; more
 * when a blocked thread delays the rotation).
 */
export const MAX_CHUNK_MS = 1000;
/** A chunk over which the thread wanted a CPU for at least this share of the wall time was busy. */
export const BUSY_SHARE = 0.5;
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
   * whether a busy thread's chunks grow. Not a worker's: pools end their workers with
   * terminate() as a matter of course (piscina's and tinypool's destroy(), idle timeouts),
   * which loses the chunk in progress, so a worker's stays at the base interval. Nor a pool's
   * worker process (a forked child on IPC, not a cluster worker): vitest's forks pool SIGTERMs
   * each fork once it reported its file done; with growing chunks (200–400 ms at its end) most
   * forks' profiles covered ~216–226 ms of a life of 370–410 ms, and 320–440 ms without.
   * `growsIdle`: whether an idle thread's chunks grow (see above). Not a pool's worker process:
   * a fork waits idle for its file, then runs it and is SIGTERMed, with no seam of its own between.
   * What the base pace costs a pool of busy workers (piscina, 4 workers on 2 cores; 8 alternating
   * runs each, 2026-12-06): the whole command 1.29× plain at 100 ms, 1.23× at 400 ms, 1.21×
   * with one chunk per worker; its CPU 4.48 → 4.26 → 4.21 s (plain 3.55 s). The chunks' messages
   * pass through the process's main thread and the recorder, and each wakes them.
   */
  constructor(private readonly baseMs: () => number, private readonly grows = true, private readonly growsIdle = true) {}

  /** Feeds the reading taken at a seam (the start of the chunk in progress). */
  observe(r: SeamReading): void {
    const a = this.last;
    this.last = r;
    this.fresh = true;
    const wanted = r[WANTED] as number | undefined;
    const before = a?.[WANTED] as number | undefined;
    this.busy = false;
    this.idle = false;
    if (wanted === undefined || before === undefined || wanted < 0 || before < 0) return;
    const wallMs = (r[1] - a![1]) / 1000;
    if (!(wallMs > 0)) return;
    const share = (wanted - before) / wallMs;
    this.busy = share >= BUSY_SHARE;
    this.idle = share < IDLE_SHARE;
  }

  /**
   * How long the chunk in progress lasts: call once per rotation, when it is scheduled (a
   * rotation that made no seam: the base interval). `atBase`: this chunk lasts the base interval
   * whatever the last one was (the recorder has something to do at the next seam that should not
   * wait up to MAX_CHUNK_MS, such as a decided switch of the sampling interval).
   */
  next(atBase = false): number {
    const base = this.baseMs();
    const grow = !atBase && ((this.grows && this.busy) || (this.growsIdle && this.idle)) && this.fresh && this.ms !== undefined;
    this.fresh = false;
    this.ms = grow ? Math.max(base, Math.min(MAX_CHUNK_MS, this.ms! * 2)) : base;
    return this.ms;
  }

  /** How long the chunk in progress lasts (what an abrupt end loses at most). */
  current(): number {
    return this.ms ?? this.baseMs();
  }
}
