import type { ThreadLane } from './context';
import { isBusy, sampleCpu } from './cpuSamples';

export const BUCKET_MS = 10;

/** Per lane, the busy fraction (0–1) of each BUCKET_MS bucket of the run, from CPU samples. */
export function busyBuckets(threads: ThreadLane[], wallMs: number): Float32Array[] {
  const n = Math.max(1, Math.ceil(wallMs / BUCKET_MS));
  return threads.map(({ samples, lane }) => {
    const b = new Float32Array(n);
    if (!samples) return b;
    // lane.busyMs is bounded by the thread's real CPU time: scale the sampled picture to it.
    const scale = samples.busyMs > 0 ? Math.min(1, lane.busyMs / samples.busyMs) : 1;
    for (let i = 0; i < samples.time.length; i++) {
      if (!isBusy(samples.kind[i])) continue;
      let from = samples.time[i];
      const to = from + sampleCpu(samples, i);
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
