import type { SeamReading } from '../probeOptions';
import { debugLog } from './debugLog';

/**
 * When a thread's CPU sampler competes with libuv's thread pool for the cores, it samples half
 * as often. V8's sampler is a thread of its own that interrupts the sampled thread every
 * interval; a program keeping the pool busy with fs/dns requests on a machine with fewer cores
 * than the pool has threads (4 by default) already has more runnable threads than cores, and
 * there 1 ms sampling costs it ~15–40% of its run time (bench/probeCost.mjs). Decided per thread
 * from the probe's seam readings (every ~100 ms), at most once (never back: one switch, one
 * seam without samples), and only once the pressure has lasted WINDOW_MS.
 */
export const SMALL_MACHINE_CORES = 3;
/** A window of the thread's run over which the pressure is judged. */
const WINDOW_MS = 200;
/** fs/dns requests on the pool, on average over the window's lag ticks. */
const MIN_POOL_REQUESTS = 2;
/** The process's CPU time (every thread), as a share of the machine's cores over the window. */
const MIN_CORES_SHARE = 0.4;
/** The coarser interval is this many times the base one. */
export const COARSER_FACTOR = 2;

export class PoolPressure {
  private anchor: SeamReading | undefined;
  private decided = false;

  constructor(private readonly cores: number, private readonly what: string) {}

  /** Feeds a seam reading; true exactly once, when the thread should be sampled less often from now on. */
  observe(r: SeamReading): boolean {
    if (this.decided || this.cores > SMALL_MACHINE_CORES || r.length < 5) return false;
    const a = this.anchor;
    if (!a || r[4] < a[4]) { this.anchor = r; return false; }
    const wallMs = (r[1] - a[1]) / 1000;
    if (wallMs < WINDOW_MS) return false;
    this.anchor = r;
    const ticks = r[4] - a[4];
    if (ticks <= 0) return false;
    const pool = (r[3] - a[3]) / ticks;
    const coresShare = (r[2] - a[2]) / wallMs / this.cores;
    debugLog(`${this.what}: pool requests ${pool.toFixed(1)} on average, process CPU ${(coresShare * 100).toFixed(0)}% of ${this.cores} cores over ${wallMs.toFixed(0)} ms`);
    if (pool < MIN_POOL_REQUESTS || coresShare < MIN_CORES_SHARE) return false;
    this.decided = true;
    return true;
  }
}
