import { WANTED_CPU_AT, type SeamReading } from '../probeOptions';
import { debugLog } from './debugLog';

/**
 * When a thread's CPU sampler competes with libuv's thread pool for the cores, it samples half
 * as often. V8's sampler is a thread of its own that interrupts the sampled thread every
 * interval; a program keeping the pool busy with fs/dns requests on a machine with fewer cores
 * than the pool has threads (4 by default) has more runnable threads than cores, and there
 * 1 ms sampling was the largest running cost on fs-heavy programs (bench/probeCost.mjs). Judged
 * per thread from the probe's seam readings (every ~100 ms): the pool had MIN_POOL_REQUESTS or
 * more of the thread's requests on average over WINDOW_MS of its run. Decided at most once
 * (never back: one switch, one seam without samples). Not judged from CPU use: on a crowded
 * machine the program gets less of it, and the switch would depend on the neighbours.
 */
export const SMALL_MACHINE_CORES = 3;
/** A window of the thread's run over which the pool's load is judged. */
const WINDOW_MS = 200;
/** fs/dns requests on the pool, on average over the window's lag ticks. */
const MIN_POOL_REQUESTS = 2;
/** The coarser interval is this many times the base one (a saturated server's: SATURATED_FACTOR). */
export const COARSER_FACTOR = 2;

/**
 * One judgement over windows of a thread's run: seam readings are taken in windows of at least
 * `windowMs` (from an anchor reading to the first one that far after it); `judge` says whether
 * the window's readings call for coarser sampling. True exactly once. `counter` is the index of a
 * cumulative field the judgement needs: a reading without it (a probe of another version) is
 * ignored, and one where it went back restarts the window.
 */
abstract class WindowedJudgement {
  private anchor: SeamReading | undefined;
  /** The reading before the one observed (the last seam's). */
  private last: SeamReading | undefined;
  private decided = false;

  constructor(private readonly cores: number, protected readonly what: string, private readonly windowMs: number, private readonly counter: number) {}

  /** Whether the window from `a` to `r` (`wallMs` long) calls for coarser sampling; `prev`: the seam's reading before `r`. */
  protected abstract judge(a: SeamReading, r: SeamReading, wallMs: number, prev: SeamReading): boolean;

  /** Feeds a seam reading; true exactly once, when the thread should be sampled less often from now on. */
  observe(r: SeamReading): boolean {
    if (this.decided || this.cores > SMALL_MACHINE_CORES || r.length <= this.counter) return false;
    const a = this.anchor, prev = this.last;
    this.last = r;
    if (!a || !prev || r[this.counter] < a[this.counter]) { this.anchor = r; return false; }
    const wallMs = (r[1] - a[1]) / 1000;
    if (wallMs < this.windowMs) return false;
    this.anchor = r;
    if (!this.judge(a, r, wallMs, prev)) return false;
    this.decided = true;
    return true;
  }
}

export class PoolPressure extends WindowedJudgement {
  constructor(cores: number, what: string) { super(cores, what, WINDOW_MS, 3); }

  protected judge(a: SeamReading, r: SeamReading, wallMs: number): boolean {
    const ticks = r[3] - a[3];
    if (ticks <= 0) return false;
    const pool = (r[2] - a[2]) / ticks;
    debugLog(`${this.what}: ${pool.toFixed(1)} pool requests on average over ${wallMs.toFixed(0)} ms`);
    return pool >= MIN_POOL_REQUESTS;
  }
}

/**
 * A thread serving HTTP requests under load (a load test, autocannon, production-like traffic) on
 * a small machine is sampled half as often too: there the server thread, its load generator and
 * V8's sampler thread (a signal to the server thread and a stack walk every interval) compete for
 * the cores, and at 1 ms the sampler was the largest running cost of a busy server
 * (bench/probeCost.mjs, server-trivial). Judged per thread from the seam readings: the thread began
 * handling BUSY_REQUESTS_PER_S or more requests a second over REQUEST_WINDOW_MS of its run. A
 * request rate, not CPU use (which depends on the neighbours). Per-request figures estimated from
 * samples (own CPU, queued) get coarser; blocks of the blocking threshold (20 ms) are still seen.
 */
export const BUSY_REQUESTS_PER_S = 500;
/** A window long enough that a burst of requests is not a busy server. */
const REQUEST_WINDOW_MS = 1000;

export class BusyServer extends WindowedJudgement {
  constructor(cores: number, what: string) { super(cores, what, REQUEST_WINDOW_MS, 4); }

  protected judge(a: SeamReading, r: SeamReading, wallMs: number, prev: SeamReading): boolean {
    const perS = ((r[4] - a[4]) * 1000) / wallMs;
    if (perS > 0) debugLog(`${this.what}: ${perS.toFixed(0)} requests/s over ${wallMs.toFixed(0)} ms`);
    return perS >= BUSY_REQUESTS_PER_S && stillServing(prev, r);
  }
}

/**
 * Whether the thread began a request since the last seam: a window that held a short burst and
 * ended idle (the load over) is no busy server. Switched then, it held its loop for nothing and
 * its notes spoke of sparser samples for requests that never came.
 */
function stillServing(prev: SeamReading, r: SeamReading): boolean {
  return r[4] > prev[4];
}

/**
 * A busy server that is also saturated is judged sooner and sampled 4× less often: over
 * SATURATED_WINDOW_MS of its run the thread began BUSY_REQUESTS_PER_S or more requests a second
 * and wanted a CPU (was on one, or runnable and waiting for one: Linux's schedstat, as
 * chunkPacing.ts) at least SATURATED_SHARE of the wall time. There every sample is taken from the
 * requests (a signal to the thread and a stack walk on it, and V8's sampler thread processing the
 * sample competes with the server and its load generator for the cores): with the server at 1 or
 * 2 ms, the sampler was the largest share of what profiling cost it (bench/serverCpuSplit.mjs). A
 * saturated server's requests are each far shorter than any interval (their own CPU is estimated
 * from samples either way); a CPU block of the blocking threshold (20 ms) still holds ~5 samples.
 * Judged from the wanted share, not CPU use (which depends on the neighbours); where it is not
 * known (no schedstat), only BusyServer judges.
 */
export const SATURATED_SHARE = 0.8;
const SATURATED_WINDOW_MS = 300;
export const SATURATED_FACTOR = 4;

export class SaturatedServer extends WindowedJudgement {
  constructor(cores: number, what: string) { super(cores, what, SATURATED_WINDOW_MS, WANTED_CPU_AT); }

  protected judge(a: SeamReading, r: SeamReading, wallMs: number, prev: SeamReading): boolean {
    const wanted = r[WANTED_CPU_AT] as number, before = a[WANTED_CPU_AT] as number;
    if (wanted < 0 || before < 0) return false;
    const perS = ((r[4] - a[4]) * 1000) / wallMs;
    const share = (wanted - before) / wallMs;
    if (perS > 0) debugLog(`${this.what}: ${perS.toFixed(0)} requests/s, wanted a CPU ${(share * 100).toFixed(0)} % of ${wallMs.toFixed(0)} ms`);
    return perS >= BUSY_REQUESTS_PER_S && share >= SATURATED_SHARE && stillServing(prev, r);
  }
}

/** Why a thread's sampling was made coarser mid-run. */
export type CoarserReason = 'pool' | 'requests' | 'saturated';

/** How many times the base interval a thread made coarser for `why` is sampled at. */
export function coarserFactor(why: CoarserReason): number {
  return why === 'saturated' ? SATURATED_FACTOR : COARSER_FACTOR;
}

/** The judgements of one thread; the first that fires decides, once (a thread is made coarser at most once). */
export class SamplingPolicy {
  private readonly pool: PoolPressure;
  private readonly requests: BusyServer;
  private readonly saturated: SaturatedServer;
  private decided = false;

  constructor(cores: number, what: string) {
    this.pool = new PoolPressure(cores, what);
    this.requests = new BusyServer(cores, what);
    this.saturated = new SaturatedServer(cores, what);
  }

  /** Feeds a seam reading; a reason exactly once, when the thread should be sampled less often from now on. */
  observe(r: SeamReading): CoarserReason | undefined {
    if (this.decided) return undefined;
    // All see every reading (each keeps its own window).
    const pool = this.pool.observe(r);
    const saturated = this.saturated.observe(r);
    const requests = this.requests.observe(r);
    const why = pool ? 'pool' : saturated ? 'saturated' : requests ? 'requests' : undefined;
    if (why) this.decided = true;
    return why;
  }
}
