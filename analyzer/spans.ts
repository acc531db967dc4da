import type { Spans } from './report';
import { SLICE_CATEGORIES } from './report';
import type { AnalysisContext } from './context';
import { busyRuns } from './findings/blockingCpu';
import { BUCKET_MS } from './timeBuckets';
import type { PoolTimeline } from './threadpool';
import { round } from './stats';
import { numberColumn } from './numberColumn';
import { forEachSpan } from './threadModel';
import { SPAN, TICK, AWAIT_FLAG } from './raw';
import { requestSpans, requestsInFlightByLane, requestsInFlightSeries, type RequestTable } from './requests';

/**
 * The await spans' report columns (Spans['asyncSpans']), each with the typed array it is held in
 * (numberColumn.ts): indexes in 32 bits, the rejected flag in 8, times and invocation numbers
 * (which can pass 2^31) in doubles.
 */
export const ASYNC_SPAN_COLUMNS = {
  lane: Int32Array, site: Int32Array, start: Float64Array, suspend: Float64Array, end: Float64Array, invocation: Float64Array, rejected: Uint8Array,
} as const;
export type AsyncSpanColumns = { [K in keyof typeof ASYNC_SPAN_COLUMNS]: InstanceType<(typeof ASYNC_SPAN_COLUMNS)[K]> };

const MAX_SLICES = 500_000;
const MAX_ASYNC_SPANS = 1_000_000;
const MAX_LAG_POINTS = 200_000;

/**
 * Builds the timeline model: flat columns, strings and sites interned, every list bounded.
 * `concurrency`: the concurrency track, one value per BUCKET_MS bucket of the run (concurrency.ts).
 */
export function buildSpans(ctx: AnalysisContext, buckets: Float32Array[], concurrency: number[], requests?: RequestTable): Spans {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (s: string) => { let i = stringIndex.get(s); if (i === undefined) { i = strings.length; strings.push(s); stringIndex.set(s, i); } return i; };
  const sites: Spans['sites'] = { file: [], line: [], column: [], label: [] };
  const siteIndex = new Map<string, number>();
  const site = (file: string, line: number, column: number, label: string) => {
    const key = `${file}:${line}:${column}:${label}`;
    let i = siteIndex.get(key);
    if (i === undefined) {
      i = sites.file.length; siteIndex.set(key, i);
      sites.file.push(str(file)); sites.line.push(line); sites.column.push(column); sites.label.push(str(label));
    }
    return i;
  };

  const slices: Spans['slices'] = { lane: [], start: [], end: [], category: [], site: [] };
  // Await spans, a column each: sized once for every thread's spans (a storm's 200k per thread),
  // filled by index, cut to what was filled at the end. Growing seven arrays by push copied each
  // several times over: most of the analysis of a promise storm. Typed arrays of each column's
  // width (numberColumn.ts): a storm's seven columns took 12.7 MB of fresh pages as number[]
  // (made as holes, the times then filled with doubles), 9.3 MB this way.
  let awaitSpans = 0;
  for (const { model } of ctx.threads) forEachSpan(model.spans, 'await', () => { awaitSpans++; });
  const rows = Math.min(awaitSpans, MAX_ASYNC_SPANS);
  const asyncSpans = Object.fromEntries(Object.entries(ASYNC_SPAN_COLUMNS).map(([k, Column]) => [k, new Column(rows)])) as AsyncSpanColumns;
  let asyncLen = 0;
  const lag: Spans['lag'] = { lane: [], t: [], ms: [] };
  const dropped = { asyncSpans: 0, slices: 0, lag: 0, note: undefined as string | undefined };

  ctx.threads.forEach(({ model, samples }, laneIndex) => {
    if (samples) {
      for (const run of busyRuns(samples)) {
        if (slices.lane.length >= MAX_SLICES) { dropped.slices++; continue; }
        const votes = new Map<string, number>();
        const frames = new Map<string, { url: string; line: number; column: number; fn: string; n: number }>();
        for (let i = run.from; i <= run.to; i++) {
          const k = samples.kind[i];
          votes.set(k, (votes.get(k) ?? 0) + 1);
          const f = samples.frame[i];
          if (f) { const key = `${f.url}:${f.functionLine}`; const e = frames.get(key) ?? { url: f.url, line: f.functionLine, column: f.functionColumn, fn: f.functionName, n: 0 }; e.n++; frames.set(key, e); }
        }
        const category = [...votes.entries()].sort((a, b) => b[1] - a[1])[0][0];
        const top = [...frames.values()].sort((a, b) => b.n - a.n)[0];
        slices.lane.push(laneIndex);
        slices.start.push(round(run.start, 3));
        slices.end.push(round(run.end, 3));
        slices.category.push(Math.max(0, SLICE_CATEGORIES.indexOf(category as never)));
        // The function's start, with its column: a file compiled to one line (tsx) maps by column alone.
        if (top) { const loc = ctx.mapper.locate(top.url, top.line, top.column - 1); slices.site.push(site(loc.file, loc.line, loc.column, top.fn)); }
        else slices.site.push(-1);
      }
    }
    const s = model.spans;
    let kept = 0;
    const siteOf = new Map<number, number>(); // thread site id → index in `sites`
    forEachSpan(s, 'await', (o) => {
      kept++;
      if (asyncLen >= MAX_ASYNC_SPANS) { dropped.asyncSpans++; return; }
      let siteIndex = siteOf.get(s[o + SPAN.site]);
      if (siteIndex === undefined) {
        const info = model.sites.get(s[o + SPAN.site]);
        if (!info) return;
        const loc = ctx.mapper.locate(info.file, info.line, info.column);
        siteIndex = site(loc.file, loc.line, loc.column, info.label);
        siteOf.set(s[o + SPAN.site], siteIndex);
      }
      const i = asyncLen++;
      asyncSpans.lane[i] = laneIndex;
      asyncSpans.site[i] = siteIndex;
      asyncSpans.start[i] = round(s[o + SPAN.t0], 3);
      asyncSpans.suspend[i] = round(s[o + SPAN.t1], 3);
      asyncSpans.end[i] = round(s[o + SPAN.t2], 3);
      asyncSpans.invocation[i] = s[o + SPAN.invocation];
      asyncSpans.rejected[i] = s[o + SPAN.flags] & AWAIT_FLAG.rejected ? 1 : 0;
    });
    for (let i = 0; i < model.ticks.length; i += TICK.size) {
      if (lag.lane.length >= MAX_LAG_POINTS) { dropped.lag++; continue; }
      lag.lane.push(laneIndex); lag.t.push(round(model.ticks[i + TICK.t], 2)); lag.ms.push(round(model.ticks[i + TICK.lagMs], 2));
    }
    // Every await that ran but is not in the timeline: sampled out, or over the caps.
    if (model.agg) {
      let executed = 0;
      for (const info of model.sites.values()) if (info.kind === 'await' || info.kind === 'combinator') executed += model.agg.site.count[info.gid] ?? 0;
      dropped.asyncSpans += Math.max(0, executed - kept);
    }
  });
  // Cut to what was filled (spans of unknown sites were skipped): views, no copy.
  const asyncColumns = Object.fromEntries(Object.entries(asyncSpans).map(([k, c]) => [k, numberColumn(asyncLen === c.length ? c : c.subarray(0, asyncLen))])) as AsyncSpanColumns;
  if (dropped.asyncSpans > 0) dropped.note = 'Await spans are sampled per function (all of the first 1024 calls, then 1 in 16, and 1 in 256 past 65,536 calls) and capped per thread; counts are exact, totals are estimated from the timed calls, each standing for the calls of its stride.';

  const n = concurrency.length;
  const parallelism = new Array<number>(n).fill(0);
  for (const b of buckets) for (let k = 0; k < n && k < b.length; k++) parallelism[k] += b[k];
  const { running, queued } = poolSeries([...ctx.pools.values()], n);
  const out: Spans = {
    strings, sites, slices, asyncSpans: asyncColumns, lag,
    series: {
      bucketMs: BUCKET_MS,
      concurrency: concurrency.map((v) => round(v, 2)),
      parallelism: parallelism.map((v) => round(v, 2)),
      threadpoolRunning: running, threadpoolQueued: queued,
    },
    dropped,
  };
  if (requests && requests.counts.size > 0) {
    const r = requestSpans(requests, ctx, str, site);
    out.requests = r.spans;
    if (r.dropped > 0) out.dropped.requests = r.dropped;
    out.series.requestsInFlight = requestsInFlightSeries(requestsInFlightByLane(requests, ctx.threads.length, n), n);
  }
  return out;
}

/** Mean running/queued pool requests per bucket, summed over processes. */
function poolSeries(pools: PoolTimeline[], n: number): { running: number[]; queued: number[] } {
  const running = new Float64Array(n), queued = new Float64Array(n);
  for (const p of pools) {
    for (let k = 0; k < n && k < p.inFlight.length; k++) {
      running[k] += Math.min(p.inFlight[k], p.size);
      queued[k] += Math.max(0, p.inFlight[k] - p.size);
    }
  }
  return { running: Array.from(running, (v) => round(v, 2)), queued: Array.from(queued, (v) => round(v, 2)) };
}
