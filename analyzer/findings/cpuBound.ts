import type { AnalysisContext, ThreadLane } from '../context';
import { sampleCpu, isBusy, firstAtOrAfter, type SampleTimeline } from '../cpuSamples';
import { SPAN } from '../raw';
import { forEachSpan } from '../threadModel';
import { formatMs } from '../format';

/**
 * What awaits that ran one after another would save at most if started together, given the CPU
 * their waits held. The probe measures Σ waits − the longest (`saveMs`): right when the awaited
 * work overlaps freely (network, timers, disk). Work that needs a CPU does not: run together,
 * the waits take at least their own thread's CPU (one thread runs one thing at a time) and at
 * least all the CPU they held, this thread's and other threads' and processes', spread over the
 * machine's cores. Work on libuv's pool (crypto, zlib: `pbkdf2` in a loop) is CPU no profile
 * samples; it runs on at most the pool's size of threads at once. So the saving is at most
 *   waited − max(own CPU, pool CPU / pool size, (own CPU + others' CPU + pool CPU) / cores).
 * CPU is read from the profiles during the await spans of `siteIds` (the detail spans the probe
 * kept; their union, so that concurrent calls share the CPU of the time they overlap; scaled to
 * all of `waitedMs`), and the pool's from its crypto/zlib jobs' traced intervals in those
 * windows (threadpool.ts: a job counts from its scheduling, so a queued job's wait counts as
 * CPU). Others' CPU in those windows may include work unrelated to the awaits: the bound then
 * errs low, never high. Without spans, profiles or traced jobs, nothing is bounded.
 */
export interface BoundedSaving {
  /** The saving to report: min(saveMs, the CPU bound). */
  saveMs: number;
  /** Whether the CPU bound lowered it. */
  bounded: boolean;
  /** CPU (ms, scaled to all of waitedMs) of the awaiting thread and of all others during the waits. */
  ownCpuMs: number;
  otherCpuMs: number;
  /** The awaiting process's crypto/zlib pool jobs during the waits (ms, scaled alike), and its pool's size. */
  poolCpuMs: number;
  poolSize: number;
}

export function cpuBoundedSaving(ctx: AnalysisContext, thread: ThreadLane, siteIds: ReadonlySet<number>, waitedMs: number, saveMs: number): BoundedSaving {
  const spans = thread.model.spans;
  const windows: number[] = [];
  let spanMs = 0;
  forEachSpan(spans, 'await', (o) => {
    if (!siteIds.has(spans[o + SPAN.site])) return;
    const a = spans[o + SPAN.t0], b = spans[o + SPAN.t2];
    if (b > a) { windows.push(a, b); spanMs += b - a; }
  });
  const pool = ctx.pools.get(thread.lane.pid);
  const poolSize = Math.max(1, pool?.size ?? 1);
  const none: BoundedSaving = { saveMs, bounded: false, ownCpuMs: 0, otherCpuMs: 0, poolCpuMs: 0, poolSize };
  if (spanMs === 0) return none;
  const union = unionSegments(windows);
  let own = 0, other = 0;
  for (const t of ctx.threads) {
    if (!t.samples) continue;
    const cpu = cpuInSegments(t.samples, union);
    if (t === thread) own += cpu; else other += cpu;
  }
  const scale = waitedMs / spanMs;
  const ownCpuMs = own * scale, otherCpuMs = other * scale;
  const poolCpuMs = (pool ? overlapInSegments(pool.cpuJobs, union) : 0) * scale;
  const together = Math.max(ownCpuMs, poolCpuMs / poolSize, (ownCpuMs + otherCpuMs + poolCpuMs) / Math.max(1, ctx.cores));
  const bound = Math.max(0, waitedMs - together);
  const cpu = { ownCpuMs, otherCpuMs, poolCpuMs, poolSize };
  return bound < saveMs ? { saveMs: bound, bounded: true, ...cpu } : { ...none, ...cpu };
}

/**
 * Σ over the intervals [a0, b0, a1, b1, …] (in any order, overlapping one another: each a job of
 * its own) of their time inside the sorted, disjoint segments `bounds`.
 */
export function overlapInSegments(intervals: readonly number[], bounds: readonly number[]): number {
  let total = 0;
  for (let j = 0; j < intervals.length; j += 2) {
    const a = intervals[j], b = intervals[j + 1];
    // The first segment that ends after a, then on while segments start before b.
    let lo = 0, hi = bounds.length / 2;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (bounds[2 * mid + 1] <= a) lo = mid + 1; else hi = mid; }
    for (let w = lo; w < bounds.length / 2 && bounds[2 * w] < b; w++) {
      const overlap = Math.min(b, bounds[2 * w + 1]) - Math.max(a, bounds[2 * w]);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/**
 * The union of the windows as sorted segments [a0, b0, a1, b1, …]. Overlapping windows
 * (concurrent calls of the same code, such as a server's requests) share the CPU of the time
 * they overlap: it is counted once, never once per window.
 */
export function unionSegments(windows: readonly number[]): number[] {
  const pairs: [number, number][] = [];
  for (let w = 0; w < windows.length; w += 2) pairs.push([windows[w], windows[w + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const last = out.length - 1;
    if (last > 0 && a < out[last]) out[last] = Math.max(out[last], b);
    else out.push(a, b);
  }
  return out;
}

/** Busy CPU time (ms) of a thread's samples inside the sorted, disjoint segments [a0, b0, …]. */
export function cpuInSegments(s: SampleTimeline, bounds: readonly number[]): number {
  const n = s.time.length;
  let total = 0;
  for (let w = 0; w < bounds.length; w += 2) {
    const a = bounds[w], b = bounds[w + 1];
    // From the sample before the first at or after a (it may cover a), on to b.
    for (let i = Math.max(0, firstAtOrAfter(s.time, a) - 1); i < n && s.time[i] < b; i++) {
      if (!isBusy(s.kind[i])) continue;
      const t0 = s.time[i], t1 = t0 + sampleCpu(s, i);
      const overlap = Math.min(b, t1) - Math.max(a, t0);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** The sentence a finding's detail adds when the CPU bound lowered its saving ('' when it did not). */
export function cpuBoundNote(ctx: AnalysisContext, b: BoundedSaving, unboundedMs: number): string {
  if (!b.bounded) return '';
  const pool = b.poolCpuMs > 0 ? `, ${formatMs(b.poolCpuMs)} on libuv's thread pool (crypto, zlib; ${b.poolSize} thread${b.poolSize === 1 ? '' : 's'})` : '';
  return ` The waits held CPU work: ${formatMs(b.ownCpuMs)} on this thread and ${formatMs(b.otherCpuMs)} on other threads and processes${pool}, `
    + `on ${ctx.cores} core${ctx.cores === 1 ? '' : 's'}. Run together they still need that CPU, so the saving is at most ${formatMs(b.saveMs)} `
    + `(the waits alone would suggest ${formatMs(unboundedMs)}).`;
}
