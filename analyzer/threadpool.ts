import type { TraceEvent } from './raw';

/**
 * libuv thread-pool occupancy of one process from trace events: every fs request
 * (node.fs.async), crypto/zlib job (node.threadpoolwork.async) and DNS lookup is in flight
 * from its begin to its end event; with `size` threads, requests beyond `size` are queued.
 */
export interface PoolTimeline {
  pid: number;
  size: number;
  /** Change points: time (report ms) and in-flight count from then on. */
  t: number[];
  inFlight: number[];
  maxInFlight: number;
  maxQueued: number;
  /** Σ over requests of time spent waiting for a thread (∫ queued dt). */
  queuedMs: number;
  /** Time during which at least one request was queued. */
  saturatedMs: number;
  /** Intervals where requests were queued. */
  saturated: [number, number][];
}

const POOL_CATEGORIES = /node\.threadpoolwork\.async|node\.fs\.async|node\.dns\.native/;

export function poolTimeline(pid: number, size: number, events: TraceEvent[], startHrUs: number): PoolTimeline {
  const changes: [number, number][] = [];
  const open = new Map<string, number>();
  for (const e of events) {
    if (!POOL_CATEGORIES.test(e.cat) || (e.ph !== 'b' && e.ph !== 'e')) continue;
    const key = `${e.cat}|${e.name}|${e.id ?? e.id2?.local ?? ''}`;
    const t = (e.ts - startHrUs) / 1000;
    if (e.ph === 'b') { open.set(key, (open.get(key) ?? 0) + 1); changes.push([t, 1]); }
    else if ((open.get(key) ?? 0) > 0) { open.set(key, open.get(key)! - 1); changes.push([t, -1]); }
  }
  changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const p: PoolTimeline = { pid, size, t: [], inFlight: [], maxInFlight: 0, maxQueued: 0, queuedMs: 0, saturatedMs: 0, saturated: [] };
  let cur = 0;
  let last = 0;
  let satStart = -1;
  for (const [t, d] of changes) {
    const queued = Math.max(0, cur - size);
    p.queuedMs += queued * (t - last);
    cur += d;
    last = t;
    p.t.push(t); p.inFlight.push(cur);
    p.maxInFlight = Math.max(p.maxInFlight, cur);
    p.maxQueued = Math.max(p.maxQueued, cur - size);
    if (cur > size && satStart < 0) satStart = t;
    if (cur <= size && satStart >= 0) { p.saturated.push([satStart, t]); p.saturatedMs += t - satStart; satStart = -1; }
  }
  p.maxQueued = Math.max(0, p.maxQueued);
  return p;
}
