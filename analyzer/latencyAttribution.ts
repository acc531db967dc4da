import type { SampleTimeline } from './cpuSamples';
import { isBusy, sampleCpu } from './cpuSamples';

/**
 * CPU of one thread over time, from its CPU samples, for splitting a request's lifetime: how
 * much of an interval the loop was on CPU, and which user lines it ran. Sample granularity
 * (~1 ms): these are estimates, and the report says so.
 */
/** A longer gap between samples ends a busy stretch (the sampler itself stalled; do not guess). */
const MAX_GAP_MS = 500;
/** busySince looks back at most this many samples. */
const MAX_STRETCH_SAMPLES = 100_000;

export class LoopCpu {
  /** prefix[i]: CPU ms of samples 0..i-1. */
  private readonly prefix: Float64Array;

  /** stretch[i], for a busy sample i: the first sample of the busy stretch it is in (see busySince). */
  private readonly stretch: Int32Array;

  constructor(readonly samples: SampleTimeline) {
    const n = samples.time.length;
    this.prefix = new Float64Array(n + 1);
    this.stretch = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const busy = isBusy(samples.kind[i]);
      this.prefix[i + 1] = this.prefix[i] + (busy ? sampleCpu(samples, i) : 0);
      this.stretch[i] = i > 0 && busy && isBusy(samples.kind[i - 1]) && samples.time[i] - samples.time[i - 1] <= MAX_GAP_MS ? this.stretch[i - 1] : i;
    }
  }

  /** Index of the first sample at or after t. */
  private at(t: number): number {
    const time = this.samples.time;
    let lo = 0, hi = time.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (time[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  /** CPU ms the thread spent in [a, b). */
  busy(a: number, b: number): number {
    if (b <= a) return 0;
    return this.prefix[this.at(b)] - this.prefix[this.at(a)];
  }

  /**
   * Start of the stretch during which the thread was busy without a break up to t (wall time;
   * t itself when it was idle just before t). The profiler takes idle samples while the loop
   * waits, so a gap between two busy samples is the thread waiting for a core, not idleness.
   * Work that arrived during that stretch (a request's bytes) could not be read before t.
   */
  busySince(t: number): number {
    const s = this.samples;
    const i = this.at(t) - 1;
    if (i < 0 || !isBusy(s.kind[i]) || t - s.time[i] > MAX_GAP_MS) return t;
    // The stretch's first sample, at most MAX_STRETCH_SAMPLES back (a saturated server's stretch
    // is most of its run: walked back sample by sample for every request, it was most of the
    // requests' analysis).
    return s.time[Math.max(this.stretch[i], i - MAX_STRETCH_SAMPLES)];
  }

  /**
   * Adds to `into` the CPU ms of each user line (url:line, with its function name) that ran in
   * [a, b) outside the intervals `skip` ([from, to) pairs, flat); work with no user frame on the
   * stack is under key ''.
   */
  linesIn(a: number, b: number, skip: readonly number[], into: Map<string, LineCpu>): void {
    const s = this.samples;
    for (let i = this.at(a), end = this.at(b); i < end; i++) {
      if (!isBusy(s.kind[i]) || skipped(s.time[i], skip)) continue;
      const f = s.frame[i];
      const key = f ? `${f.url}:${f.line}` : '';
      let e = into.get(key);
      if (!e) into.set(key, e = { url: f?.url ?? '', line: f?.line ?? 0, fnLine: f?.functionLine ?? 0, fnColumn: f?.functionColumn ?? 1, label: f?.functionName ?? '', ms: 0, samples: 0 });
      e.ms += sampleCpu(s, i);
      e.samples++;
    }
  }
}

function skipped(t: number, skip: readonly number[]): boolean {
  for (let k = 0; k < skip.length; k += 2) if (t >= skip[k] && t < skip[k + 1]) return true;
  return false;
}

/** A user line's CPU: `line` (1-based) in the function that starts at `fnLine`:`fnColumn` (1-based), in what V8 ran; `samples`: the CPU samples it is from. */
export interface LineCpu { url: string; line: number; fnLine: number; fnColumn: number; label: string; ms: number; samples: number }
