/**
 * Every per-time series of the analysis (CPU per lane, thread-pool occupancy, concurrency) is
 * cut into buckets this long, so the series line up. A module of its own: threadpool.ts needs it
 * without depending on parallelism.ts (which depends on context.ts, which names the pool type).
 */
export const BUCKET_MS = 10;

/** How many BUCKET_MS buckets a run of `wallMs` has (at least one): every per-bucket series' length. */
export function bucketCount(wallMs: number): number {
  return Math.max(1, Math.ceil(wallMs / BUCKET_MS));
}
