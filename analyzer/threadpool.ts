import { BUCKET_MS, bucketCount } from './timeBuckets';
import { TICK, type TraceEvent } from './raw';

/**
 * libuv thread-pool occupancy of one process, per BUCKET_MS bucket of the run. Two sources:
 * crypto/zlib jobs from trace events (node.threadpoolwork.async: exact begin/end), and fs/dns
 * requests counted by each thread's probe on its lag ticks (~10 ms). With `size` threads,
 * requests beyond `size` wait in the queue.
 */
export interface PoolTimeline {
  pid: number;
  size: number;
  /** Mean requests in flight (running + queued) per bucket. */
  inFlight: Float64Array;
  maxInFlight: number;
  maxQueued: number;
  /** Σ over requests of time spent waiting for a thread (∫ queued dt). */
  queuedMs: number;
  /** Time during which requests were queued, and those intervals. */
  saturatedMs: number;
  saturated: [number, number][];
  /**
   * Each crypto/zlib job's interval, flat [begin0, end0, begin1, …] (run ms, in trace order):
   * CPU work on the pool's threads, which no CPU profile samples. A job's interval runs from its
   * scheduling to its callback on the loop, its wait for a free pool thread included.
   */
  cpuJobs: number[];
}

const JOBS = /node\.threadpoolwork\.async/;

/** `ticks`: per thread of the process, its flat lag ticks (TICK layout, raw.ts). */
export function poolTimeline(pid: number, size: number, events: TraceEvent[], startHrUs: number,
  ticks: number[][], wallMs: number): PoolTimeline {
  const n = bucketCount(wallMs);
  const inFlight = new Float64Array(n);
  // Crypto/zlib jobs: exact intervals, integrated per bucket.
  const changes: [number, number][] = [];
  const cpuJobs: number[] = [];
  const open = new Map<string, number[]>();
  for (const e of events) {
    if (!JOBS.test(e.cat) || (e.ph !== 'b' && e.ph !== 'e')) continue;
    const key = `${e.name}|${e.id ?? e.id2?.local ?? ''}`;
    const t = (e.ts - startHrUs) / 1000;
    const begins = open.get(key);
    if (e.ph === 'b') { if (begins) begins.push(t); else open.set(key, [t]); changes.push([t, 1]); }
    else if (begins?.length) { cpuJobs.push(begins.pop()!, t); changes.push([t, -1]); }
  }
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  for (let i = 0; i < changes.length; i++) {
    cur += changes[i][1];
    const from = changes[i][0];
    const to = i + 1 < changes.length ? changes[i + 1][0] : from;
    for (let a = from; a < to;) {
      const k = Math.floor(a / BUCKET_MS);
      const b = Math.min(to, (k + 1) * BUCKET_MS);
      if (k >= 0 && k < n) inFlight[k] += (cur * (b - a)) / BUCKET_MS;
      a = b;
    }
  }
  // fs/dns requests: each thread's samples, carried forward between its ticks.
  for (const t of ticks) {
    const last = t.length - TICK.size;
    for (let i = 0; i <= last; i += TICK.size) {
      const count = t[i + TICK.poolRequests];
      if (!count) continue;
      const until = i + TICK.size <= last ? t[i + TICK.size + TICK.t] : t[i + TICK.t] + BUCKET_MS;
      for (let a = Math.max(0, t[i + TICK.t]); a < until;) {
        const k = Math.floor(a / BUCKET_MS);
        const b = Math.min(until, (k + 1) * BUCKET_MS);
        if (k >= n) break;
        inFlight[k] += (count * (b - a)) / BUCKET_MS;
        a = b;
      }
    }
  }
  const p: PoolTimeline = { pid, size, inFlight, maxInFlight: 0, maxQueued: 0, queuedMs: 0, saturatedMs: 0, saturated: [], cpuJobs };
  for (let k = 0; k < n; k++) {
    const q = Math.max(0, inFlight[k] - size);
    p.maxInFlight = Math.max(p.maxInFlight, Math.round(inFlight[k]));
    p.maxQueued = Math.max(p.maxQueued, Math.round(q));
    p.queuedMs += q * BUCKET_MS;
    if (q >= 1) {
      p.saturatedMs += BUCKET_MS;
      const lastIv = p.saturated[p.saturated.length - 1];
      if (lastIv && lastIv[1] === k * BUCKET_MS) lastIv[1] += BUCKET_MS; else p.saturated.push([k * BUCKET_MS, (k + 1) * BUCKET_MS]);
    }
  }
  return p;
}
