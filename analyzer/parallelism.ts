import type { ThreadLane } from './context';
import { isBusy, sampleCpu, sampleDuration, capAt } from './cpuSamples';

import { BUCKET_MS } from './timeBuckets';

/** Re-exported for the findings that import it from here. */
export { BUCKET_MS };

/**
 * Per lane, the fraction (0–1) of each BUCKET_MS bucket the thread was on CPU, from CPU samples
 * scaled to the CPU time it really got. With `runnable`, the fraction it was running or wanted
 * to (uncapped samples: descheduled time counts), which is what oversubscription is about.
 */
export function busyBuckets(threads: ThreadLane[], wallMs: number, runnable = false): Float32Array[] {
  const n = Math.max(1, Math.ceil(wallMs / BUCKET_MS));
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
      // A runnable thread waits its turn on a crowded machine (gaps of a few time slices):
      // count up to 15 ms (or 10 intervals) per sample, not a pause of any length.
      const to = from + (runnable ? Math.min(sampleDuration(samples, i), Math.max(15, capAt(samples, i) * 2.5)) : sampleCpu(samples, i));
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
