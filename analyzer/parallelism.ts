import type { ThreadLane } from './context';
import { isBusy, sampleCpu, sampleDuration, capAt, type SampleTimeline } from './cpuSamples';

import { BUCKET_MS, bucketCount } from './timeBuckets';

/** Re-exported for the findings that import it from here. */
export { BUCKET_MS };

/** The longest wait for a core counted between two busy samples (see runnableMs). */
const RUNNABLE_GAP_MAX_MS = 100;

/**
 * How long busy sample i says its thread was running or runnable (waiting for a core): up to the
 * next sample, which on a crowded machine comes a few time slices later. When the next sample
 * is busy too, the thread never went idle in between (V8 samples an idle thread as idle), so the
 * whole gap counts, up to RUNNABLE_GAP_MAX_MS: with more runnable threads than cores (the
 * program's and others'), waits of 15–50 ms between a worker's samples were common, and counting
 * 15 ms of each left six busy workers under the half a bucket that counts as wanting. Else up to
 * 15 ms (or 2.5 intervals): the thread stopped somewhere in the gap. Never into a pause of its
 * profile (`holes`: a hand-over to another program).
 */
function runnableMs(s: SampleTimeline, i: number): number {
  const gap = sampleDuration(s, i);
  const short = Math.max(15, capAt(s, i) * 2.5);
  if (gap <= short) return gap;
  const next = i + 1;
  const nextBusy = next < s.time.length && isBusy(s.kind[next]) && !(s.kind[next] === 'native' && !s.frame[next]);
  let ms = Math.min(gap, nextBusy ? RUNNABLE_GAP_MAX_MS : short);
  if (s.holes) for (let h = 0; h < s.holes.length; h += 2) if (s.holes[h] >= s.time[i] && s.holes[h] < s.time[i] + ms) ms = s.holes[h] - s.time[i];
  return ms;
}

/**
 * Per lane, the fraction (0–1) of each BUCKET_MS bucket the thread was on CPU, from CPU samples
 * scaled to the CPU time it really got. With `runnable`, the fraction it was running or wanted
 * to (descheduled time counts: see runnableMs), which is what oversubscription is about.
 */
export function busyBuckets(threads: ThreadLane[], wallMs: number, runnable = false): Float32Array[] {
  const n = bucketCount(wallMs);
  return threads.map(({ samples, lane }) => {
    const b = new Float32Array(n);
    if (!samples) return b;
    // lane.busyMs is bounded by the thread's real CPU time: scale the sampled picture to it.
    const scale = runnable ? 1 : samples.busyMs > 0 ? Math.min(1, lane.busyMs / samples.busyMs) : 1;
    for (let i = 0; i < samples.time.length; i++) {
      if (!isBusy(samples.kind[i])) continue;
      // Demand for CPU is the program's and Node's JS work (booting a worker is real work);
      // V8's native "(program)" time, which the profiler itself inflates, does not count.
      if (runnable && samples.kind[i] === 'native' && !samples.frame[i]) continue;
      let from = samples.time[i];
      const to = from + (runnable ? runnableMs(samples, i) : sampleCpu(samples, i));
      while (from < to) {
        const k = Math.floor(from / BUCKET_MS);
        const edge = Math.min(to, (k + 1) * BUCKET_MS);
        if (k >= 0 && k < n) b[k] += ((edge - from) / BUCKET_MS) * scale;
        from = edge;
      }
    }
    for (let k = 0; k < n; k++) b[k] = Math.min(1, b[k]);
    return b;
  });
}
