import type { AnalysisContext } from './context';
import type { ThreadModel } from './threadModel';
import { BUCKET_MS, bucketCount } from './timeBuckets';
import { TICK, REQUEST_FIELDS, REQ_SERVER } from './raw';
import { requestsInFlightByLane, type RequestTable } from './requests';

/**
 * Buckets over which a thread's awaits and requests are matched for their overlap (100 ms): a few
 * of a busy loop's lag ticks. The same server's six runs read 1.04–1.26× its requests' time as
 * the ticks were, matched per bucket; 0.92–1.18× matched per 100 ms; 1.00–1.08× with the ticks
 * scaled too (its truth: 1×).
 */
const OVERLAP_BUCKETS = 10;

/**
 * The concurrency track, and how much of what the mean sums is counted twice.
 *
 * A thread's operations in flight are its awaits on I/O (and pending combinator elements: the
 * probe's lag ticks, `TICK.awaits`) and the HTTP requests its servers are handling. A request
 * whose handler awaits a query is one operation, not two: the awaits already stand for it. Only
 * a request with no await of its own pending (a synchronous handler, a response being written)
 * adds to them. Which request an await is for is not recorded, so a thread counts the larger of
 * the two at each time, never their sum (which read "concurrency max 16" for a server handling 8
 * connections, each waiting on one query, beside "HTTP requests: max 8 in flight"). Awaits of
 * other work (a poller beside a server of synchronous handlers) are undercounted by up to the
 * smaller of the two: a measure that errs low, never one that doubles.
 *
 * Per thread and BUCKET_MS bucket: the awaits are the mean of the bucket's ticks (a bucket with
 * none keeps the last reading); the requests are exact (their spans' time in the bucket, scaled
 * up by the server requests counted but not kept in detail: serverRequestScale).
 * `overlapMs` is Σ over threads and buckets of min(awaits, requests) × BUCKET_MS: what the mean
 * (Σ await time + Σ request time, over the wall) takes off to count each once. There the ticks'
 * awaits are scaled so that their time adds up to the thread's exact await time (awaitMs): the
 * ticks say when awaits were in flight, the probe's sums how long they were. A busy loop's lag
 * ticks come late and few (~1 per 30 ms serving 8 connections on a slow machine), each held
 * until the next, and summed to 0.80–1.18× the exact time over six runs of one server: the mean
 * concurrency of a server whose requests each waited on one await at a time read up to 1.35×
 * its requests' time. And the two are matched over OVERLAP_BUCKETS buckets at a time, not each
 * bucket alone: a reading held from before a request ended, beside one that came late, put awaits
 * in buckets next to their requests', and each such pair counted both. The track itself keeps
 * the ticks' readings.
 */
export function concurrencySeries(ctx: AnalysisContext, requests?: RequestTable): { series: number[]; overlapMs: number } {
  const n = bucketCount(ctx.wallMs);
  const series = new Float64Array(n);
  const handling = requests ? serverRequestsByLane(requests, ctx, n) : [];
  let overlapMs = 0;
  ctx.threads.forEach(({ model }, lane) => {
    const sum = new Float64Array(n), cnt = new Float64Array(n);
    for (let i = 0; i < model.ticks.length; i += TICK.size) {
      const k = Math.floor(model.ticks[i + TICK.t] / BUCKET_MS);
      if (k >= 0 && k < n) { sum[k] += model.ticks[i + TICK.awaits]; cnt[k]++; }
    }
    const held = new Float64Array(n);
    let awaits = 0, heldMs = 0;
    for (let k = 0; k < n; k++) {
      if (cnt[k] > 0) awaits = sum[k] / cnt[k];
      held[k] = awaits;
      heldMs += awaits * BUCKET_MS;
    }
    const served = handling[lane];
    const exactMs = served ? awaitMs(model) : 0;
    const scale = heldMs > 0 && exactMs > 0 ? exactMs / heldMs : 1;
    let wa = 0, wr = 0;
    for (let k = 0; k < n; k++) {
      const r = served?.[k] ?? 0;
      series[k] += Math.max(held[k], r);
      wa += held[k] * scale; wr += r;
      if ((k + 1) % OVERLAP_BUCKETS === 0 || k === n - 1) { overlapMs += Math.min(wa, wr) * BUCKET_MS; wa = 0; wr = 0; }
    }
  });
  return { series: Array.from(series), overlapMs };
}

/**
 * Σ time the thread's awaits were in flight: leaf awaits on I/O (their sampled waits scaled up to
 * all of them) and pending combinator elements (runtime.ts). Not those still pending at its end.
 */
export function awaitMs(m: ThreadModel): number {
  if (!m.agg) return 0;
  let ms = 0;
  const { count, sampled, leafSum } = m.agg.site;
  for (let i = 0; i < leafSum.length; i++) if (leafSum[i] > 0 && sampled[i] > 0) ms += leafSum[i] * (count[i] / sampled[i]);
  return ms + (m.agg.elementWaitMs ?? 0);
}

/** Mean server requests being handled per bucket, per lane (index into ctx.threads), scaled for those not kept in detail. */
function serverRequestsByLane(t: RequestTable, ctx: AnalysisContext, n: number): Float64Array[] {
  const out = requestsInFlightByLane(t, ctx.threads.length, n, REQ_SERVER);
  out.forEach((b, lane) => {
    const scale = serverRequestScale(ctx.threads[lane].model);
    if (scale !== 1) for (let k = 0; k < n; k++) b[k] *= scale;
  });
  return out;
}

/** A thread's server requests counted, over those kept in detail (1 when all were kept, or none). */
export function serverRequestScale(m: ThreadModel): number {
  const rows = m.requests.rows;
  let kept = 0;
  for (let i = 0; i + REQUEST_FIELDS <= rows.length; i += REQUEST_FIELDS) if (rows[i] === REQ_SERVER) kept++;
  if (kept === 0) return 1;
  let all = 0;
  for (const c of m.requests.counts) if (c[0] === REQ_SERVER) all += c[3];
  return all > kept ? all / kept : 1;
}

/**
 * Σ time the thread's servers spent handling the requests they finished (from reaching the
 * server to the response's end, as collectRequests reads a row), those beyond the detail cap
 * counted at the mean of those kept.
 */
export function serverRequestMs(m: ThreadModel): number {
  const rows = m.requests.rows;
  let ms = 0;
  for (let i = 0; i + REQUEST_FIELDS <= rows.length; i += REQUEST_FIELDS) if (rows[i] === REQ_SERVER) ms += Math.max(0, rows[i + 6] - rows[i + 4]);
  return ms * serverRequestScale(m);
}
