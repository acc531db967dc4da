import type { AnalysisContext } from './context';
import type { LatencyBreakdown, RequestSpans, RouteStat, SourceLocation } from './report';
import { REQUEST_FIELDS, REQ_CLIENT, REQ_ERROR, REQ_SERVER } from './raw';
import { LoopCpu, type LineCpu } from './latencyAttribution';
import { maxOf, percentile, percentiles, round } from './stats';
import { formatMs } from './format';
import { shortFile } from './context';
import { BUCKET_MS } from './parallelism';
import { numberColumn } from './numberColumn';
import { TICK } from './raw';

/**
 * HTTP requests of every lane (recorded by recorder/probe/httpRequests.ts), with each server
 * request's time split three ways, estimated from the lane's CPU samples:
 * - own CPU: the CPU of the request's first callback (its handlers' synchronous run) and, when a
 *   framework said when its route handler ran (Fastify), of the handler's first synchronous run
 *   (later than the first callback when a body was read first, or async hooks ran);
 * - queued: CPU the loop spent on anything else while the request was open (the request could
 *   not run while the loop was busy: an upper bound of its queueing, since the work it waited
 *   for may not have been ready). The CPU of its own later callbacks (after an await) is in here
 *   too: the named lines show whose work it was;
 * - waiting: the rest (I/O, timers, upstreams; or the thread waiting for a core).
 * A request is seen from when Node parsed its headers. Its bytes may have waited in the socket
 * before that, behind a busy loop: `before` is an upper bound of that wait: the request arrived
 * during the loop's unbroken busy stretch that ended when it was read, after the previous
 * response on the same connection finished, and after the loop's poll before the one that read
 * it (from the lag ticks, see pollBefore).
 */
export interface RequestTable {
  /**
   * One entry per request kept in detail, in lane order. The numbers are typed arrays of the exact
   * length, written once: a loaded server's ~10⁵ requests pushed onto a dozen arrays cost ~100 ns a
   * push here, mostly the growing arrays' fresh pages' faults. Integers are Int32 and flags Uint8:
   * fewer fresh pages than Float64 (each a fault, ~10 µs on a small VM).
   */
  lane: Int32Array; kind: Int32Array;
  /**
   * Per request: its route (kind, method and route name as counted), an index into `routes`. One
   * number a request, not two strings: the table and the timeline group and name requests by it.
   */
  routeOf: Int32Array;
  routes: RouteKey[];
  /** countsKey → index into `routes`. */
  routeIndex: Map<string, number>;
  status: Int32Array;
  start: Float64Array; end: Float64Array; syncEnd: Float64Array; error: Uint8Array; own: Float64Array; queued: Float64Array; before: Float64Array;
  /** Server: the route handler's first synchronous run, as its framework told it (-1: not told). */
  handlerStart: Float64Array; handlerEnd: Float64Array;
  /** Exact counts per lane: key `kind method route` → [count, errors]. */
  counts: Map<string, { kind: number; method: string; route: string; lanes: Set<number>; count: number; errors: number }>;
  dropped: number;
  unfinished: number;
  aborted: number;
  maxInFlight: number;
  cpu: (LoopCpu | undefined)[];
}

/** A route requests are counted under: `key` is its entry's key in RequestTable.counts. */
export interface RouteKey { key: string; kind: number; method: string; route: string }

/** The key of a route's exact counts (RequestTable.counts). */
function countsKey(kind: number, method: string, route: string): string {
  return `${kind} ${method} ${route}`;
}

export function collectRequests(ctx: AnalysisContext): RequestTable {
  let n = 0;
  for (const { model } of ctx.threads) n += Math.floor(model.requests.rows.length / REQUEST_FIELDS);
  const column = () => new Float64Array(n);
  const t: RequestTable = { lane: new Int32Array(n), kind: new Int32Array(n), routeOf: new Int32Array(n), routes: [], routeIndex: new Map(), status: new Int32Array(n), start: column(), end: column(), syncEnd: column(), error: new Uint8Array(n),
    own: column(), queued: column(), before: column(), handlerStart: column(), handlerEnd: column(), counts: new Map(), dropped: 0, unfinished: 0, aborted: 0, maxInFlight: 0, cpu: [] };
  let j = 0;
  /** ownWindows' output, reused for every request (not an array each). */
  const windows: number[] = [];
  ctx.threads.forEach(({ model, samples }, lane) => {
    const r = model.requests;
    const cpu = samples && r.rows.length ? new LoopCpu(samples) : undefined;
    t.cpu.push(cpu);
    t.dropped += r.dropped;
    t.unfinished += r.unfinished;
    t.aborted += r.aborted;
    t.maxInFlight = Math.max(t.maxInFlight, r.maxInFlight);
    for (const [kind, method, route, count, errors] of r.counts) {
      const key = countsKey(kind, r.names[method], r.names[route]);
      let c = t.counts.get(key);
      if (!c) t.counts.set(key, c = { kind, method: r.names[method], route: r.names[route], lanes: new Set(), count: 0, errors: 0 });
      c.lanes.add(lane); c.count += count; c.errors += errors;
    }
    // This thread's (kind, method, route) name numbers → route index, by one number (names are
    // interned below 1024 by the probe; a row outside LOCAL_NAMES is looked up by its strings).
    const local = new Map<number, number>();
    const rows = r.rows;
    for (let i = 0; i + REQUEST_FIELDS <= rows.length; i += REQUEST_FIELDS, j++) {
      const kind = rows[i], t0 = rows[i + 4], syncEnd = rows[i + 5], t1 = Math.max(t0, rows[i + 6]);
      const method = rows[i + 1], name = rows[i + 2];
      const cached = method >= 0 && method < LOCAL_NAMES && name >= 0 && name < LOCAL_NAMES && Number.isInteger(method) && Number.isInteger(name) && (kind === REQ_SERVER || kind === REQ_CLIENT);
      const localKey = cached ? (kind * LOCAL_NAMES + method) * LOCAL_NAMES + name : -1;
      let route = cached ? local.get(localKey) : undefined;
      if (route === undefined) {
        route = routeNumber(t, kind, r.names[method], r.names[name] ?? '?');
        if (cached) local.set(localKey, route);
      }
      t.lane[j] = lane; t.kind[j] = kind; t.routeOf[j] = route;
      t.status[j] = rows[i + 3]; t.start[j] = t0; t.end[j] = t1; t.syncEnd[j] = syncEnd; t.error[j] = rows[i + 7] & REQ_ERROR ? 1 : 0;
      t.handlerStart[j] = rows[i + 9]; t.handlerEnd[j] = rows[i + 10];
      if (kind === REQ_SERVER && cpu) {
        const w = ownWindows(t, j, windows);
        let own = 0;
        for (let k = 0; k < w.length; k += 2) own += cpu.busy(w[k], w[k + 1]);
        t.own[j] = own;
        t.queued[j] = Math.max(0, cpu.busy(t0, t1) - own);
        // It arrived after the previous response on its connection finished, while the loop was
        // busy, and after the loop last polled before the one that read it.
        t.before[j] = t0 - Math.max(rows[i + 8], cpu.busySince(t0), pollBefore(model.ticks, t0));
      } else { t.own[j] = -1; t.queued[j] = -1; t.before[j] = 0; }
    }
  });
  return t;
}

/** Name numbers below this are cached by number in collectRequests. */
const LOCAL_NAMES = 1 << 20;

/** The index in t.routes of the route (kind, method, route), added if new. */
function routeNumber(t: RequestTable, kind: number, method: string, route: string): number {
  const key = countsKey(kind, method, route);
  let i = t.routeIndex.get(key);
  if (i === undefined) { i = t.routes.length; t.routes.push({ key, kind, method, route }); t.routeIndex.set(key, i); }
  return i;
}

/**
 * When a server request ran its own code, as disjoint [from, to] pairs: its first callback and,
 * when its framework told when its route handler ran, the part of that run outside the first. Written into `out` when given (its old contents replaced).
 */
function ownWindows(t: RequestTable, i: number, out: number[] = []): number[] {
  const t0 = t.start[i], first = Math.min(t.end[i], Math.max(t0, t.syncEnd[i]));
  out[0] = t0; out[1] = first;
  const hs = Math.max(t.handlerStart[i], first), he = Math.min(t.handlerEnd[i], t.end[i]);
  const handler = t.handlerStart[i] >= 0 && he > hs;
  if (handler) { out[2] = hs; out[3] = he; }
  out.length = handler ? 4 : 2;
  return out;
}

/** What the report must say of HTTP/2 servers whose requests this Node could not tell us (see recorder/probe/http2Requests.ts). */
export function unrecordedHttp2(ctx: AnalysisContext): string[] {
  const out: string[] = [];
  for (const { model } of ctx.threads) {
    const h = model.requests.http2;
    if (!h || h.recorded) continue;
    out.push(`pid ${model.pid}: HTTP/2 requests not recorded: the program started ${h.servers} HTTP/2 server${h.servers > 1 ? 's' : ''} `
      + `(http2.createServer/createSecureServer), and Node ${model.hello?.nodeVersion ?? ''} publishes no HTTP/2 request events (Node 22.18+ and 24.3+ do). `
      + 'They are missing from the routes table and the timeline; their CPU is still in the profile and findings.');
  }
  return out;
}

/** Server requests whose blocker is named in the timeline: the slowest ones. */
const NAMED_BLOCKERS = 200;
const MAX_REQUEST_SPANS = 500_000;

/** The requests section of the timeline model (bounded; `dropped` counts the rest). */
export function requestSpans(t: RequestTable, ctx: AnalysisContext, str: (s: string) => number,
  site: (file: string, line: number, column: number, label: string) => number): { spans: RequestSpans; dropped: number } {
  const n = Math.min(t.lane.length, MAX_REQUEST_SPANS);
  // Columns of the exact size, filled by index in one pass: a loaded server's 170k requests
  // pushed a dozen arrays a number at a time (~100–150 ns a push here, most of it the growing
  // arrays' fresh pages); a pass per column through one function calling a closure per value
  // cost ~40 ns a value more (a call site that saw a dozen closures). Typed columns of each one's
  // width (numberColumn.ts): a number[] of 170k was written once as holes, then copied whole at
  // its first double; on a small VM those fresh pages' faults were most of the time. JSON
  // outputs write such columns digit by digit (jsonFile.ts).
  const f64 = () => numberColumn(new Float64Array(n)), i32 = () => numberColumn(new Int32Array(n)), u8 = () => numberColumn(new Uint8Array(n));
  // Strings interned in the order the columns name them: every method by its first request, then
  // every route by its first request.
  const firstSeen: number[] = [];
  const seen = new Uint8Array(t.routes.length);
  for (let i = 0; i < n; i++) { const g = t.routeOf[i]; if (!seen[g]) { seen[g] = 1; firstSeen.push(g); } }
  const methodString = new Int32Array(t.routes.length), routeString = new Int32Array(t.routes.length);
  for (const g of firstSeen) methodString[g] = str(t.routes[g].method);
  for (const g of firstSeen) routeString[g] = str(t.routes[g].route);
  const spans = {
    lane: i32(), kind: u8(), method: i32(), route: i32(), status: i32(), start: f64(), end: f64(),
    error: u8(), ownMs: f64(), queuedMs: f64(), queuedBeforeMs: f64(), blocker: i32(),
  } satisfies RequestSpans;
  for (let i = 0; i < n; i++) {
    const g = t.routeOf[i];
    spans.lane[i] = t.lane[i]; spans.kind[i] = t.kind[i]; spans.method[i] = methodString[g]; spans.route[i] = routeString[g];
    spans.status[i] = t.status[i]; spans.start[i] = round(t.start[i], 3); spans.end[i] = round(t.end[i], 3); spans.error[i] = t.error[i];
    spans.ownMs[i] = t.own[i] < 0 ? -1 : round(t.own[i], 2); spans.queuedMs[i] = t.queued[i] < 0 ? -1 : round(t.queued[i], 2);
    spans.queuedBeforeMs[i] = round(t.before[i], 2); spans.blocker[i] = -1;
  }
  const slowest = highest(n, NAMED_BLOCKERS, (i) => t.kind[i] === REQ_SERVER && t.queued[i] + t.before[i] > 0, (i) => seenLatency(t, i));
  for (const i of slowest) {
    const top = queuedBehind(t, ctx, [i], 1)[0];
    if (top) spans.blocker[i] = site(top.location.file, top.location.line, top.location.column, top.label);
  }
  return { spans, dropped: t.dropped + (t.lane.length - n) };
}

/** Mean requests in flight per BUCKET_MS bucket, per lane (index into ctx.threads), those of `kind` only when given: for concurrency measures. */
export function requestsInFlightByLane(t: RequestTable, lanes: number, buckets: number, kind?: number): Float64Array[] {
  const out = Array.from({ length: lanes }, () => new Float64Array(buckets));
  for (let i = 0; i < t.lane.length; i++) {
    if (kind !== undefined && t.kind[i] !== kind) continue;
    const b = out[t.lane[i]];
    for (let k = Math.max(0, Math.floor(t.start[i] / BUCKET_MS)); k < buckets && k * BUCKET_MS < t.end[i]; k++) {
      const from = Math.max(t.start[i], k * BUCKET_MS), to = Math.min(t.end[i], (k + 1) * BUCKET_MS);
      if (to > from) b[k] += (to - from) / BUCKET_MS;
    }
  }
  return out;
}

/** Whole-run requests-in-flight series (all lanes), rounded for the report. */
export function requestsInFlightSeries(byLane: Float64Array[], buckets: number): number[] {
  const sum = new Float64Array(buckets);
  for (const b of byLane) for (let k = 0; k < buckets; k++) sum[k] += b[k];
  return Array.from(sum, (v) => round(v, 2));
}

const MAX_BLOCKERS = 3;

/** Per-route table: exact counts, percentiles of the detailed requests, and the p99 breakdown. */
export function routeTable(t: RequestTable, ctx: AnalysisContext): RouteStat[] {
  // Each route's requests in order: one array, cut by route (a counting sort).
  const starts = new Int32Array(t.routes.length + 1);
  for (let i = 0; i < t.lane.length; i++) starts[t.routeOf[i] + 1]++;
  for (let g = 0; g < t.routes.length; g++) starts[g + 1] += starts[g];
  const order = new Int32Array(t.lane.length), next = starts.slice(0, t.routes.length);
  for (let i = 0; i < t.lane.length; i++) order[next[t.routeOf[i]]++] = i;
  const requestsOf = (g: number | undefined): Int32Array => (g === undefined ? new Int32Array(0) : order.subarray(starts[g], starts[g + 1]));
  const out: RouteStat[] = [];
  const pending: { stat: RouteStat; tail: number[]; title: string }[] = [];
  const ownLines: { stat: RouteStat; lines: Map<string, LineCpu> }[] = [];
  for (const [key, c] of t.counts) {
    const idx = requestsOf(t.routeIndex.get(key));
    const durations = new Float64Array(idx.length);
    for (let k = 0; k < idx.length; k++) durations[k] = t.end[idx[k]] - t.start[idx[k]];
    // Counted by runs of one status (most requests of a route share theirs); the map's order is still each status's first request's.
    const statuses = new Map<number, number>();
    let status = NaN, run = 0;
    for (let k = 0; k < idx.length; k++) {
      const st = t.status[idx[k]];
      if (st === status) { run++; continue; }
      if (run > 0) statuses.set(status, (statuses.get(status) ?? 0) + run);
      status = st; run = 1;
    }
    if (run > 0) statuses.set(status, (statuses.get(status) ?? 0) + run);
    // Both percentiles from one copy (percentiles()); the mean sums in request order.
    const [p50, p99] = percentiles(durations, [50, 99]);
    const stat: RouteStat = {
      kind: c.kind === REQ_CLIENT ? 'client' : 'server', method: c.method, route: c.route,
      laneIds: [...c.lanes].map((l) => ctx.threads[l].lane.id), count: c.count, errors: c.errors,
      statuses: [...statuses].sort((a, b) => b[1] - a[1]).map(([status, count]) => ({ status, count })),
      detailed: idx.length, p50Ms: round(p50, 2), p99Ms: round(p99, 2),
      maxMs: round(maxOf(durations), 2),
      meanMs: round(durations.length ? sumOf(durations) / durations.length : 0, 2),
    };
    if (c.kind === REQ_SERVER && idx.length) {
      const seen = new Float64Array(idx.length);
      for (let k = 0; k < idx.length; k++) seen[k] = seenLatency(t, idx[k]);
      const seenP99 = percentile(seen, 99);
      const tail = Array.from(idx.filter((i, k) => seen[k] >= seenP99 && t.own[i] >= 0));
      const title = `${c.method} ${c.route} p99 ${formatMs(p99)}` + (seenP99 > p99 + 0.5 ? ` (≤ ${formatMs(seenP99)} counted from when the request could arrive)` : '')
        + ` · slowest 1% (${tail.length} request${tail.length > 1 ? 's' : ''}, mean ${formatMs(tail.reduce((a, i) => a + seenLatency(t, i), 0) / Math.max(1, tail.length))})`;
      if (tail.length) pending.push({ stat, tail, title });
      ownLines.push({ stat, lines: ownLinesOf(t, idx) });
    }
    out.push(stat);
  }
  // A route's handler: the user line its own CPU ran in most, of those no other route's CPU ran
  // in. A line that runs for several routes (a middleware calling next(), which runs the
  // router) is no one route's handler: a route whose own CPU ran in no line of its own has none.
  const routesOfLine = new Map<string, number>();
  for (const o of ownLines) for (const [key, l] of o.lines) if (l.url && l.ms > 0) routesOfLine.set(key, (routesOfLine.get(key) ?? 0) + 1);
  const handlerOf = new Map<string, string>();
  for (const { stat, lines } of ownLines) {
    const own = handlerLine(lines, routesOfLine);
    if (!own) continue;
    stat.handler = locateLineCpu(ctx, own);
    // An anonymous function that is a route's handler is named after its route.
    handlerOf.set(`${stat.handler.file}:${stat.handler.line}`, `${stat.method} ${stat.route} handler`);
  }
  const name = (loc: SourceLocation, label: string) => (label === '(anonymous)' ? handlerOf.get(`${loc.file}:${loc.line}`) ?? label : label);
  for (const p of pending) p.stat.p99 = breakdown(t, ctx, p.tail, p.title, name);
  return out.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'server' ? -1 : 1) || b.p99Ms - a.p99Ms);
}

/**
 * Fewer CPU samples than this on a route's hottest line of its own are too few to name it the
 * route's handler: an async handler that only awaits left 1–3 samples over 2,700 requests, which
 * fell on the handler's line in one run, on a function it calls in the next (the hover then said
 * "GET /user/:id: 2689 requests…" on `getUser`), on nothing in a third.
 */
export const HANDLER_MIN_SAMPLES = 5;

/** The user line a route's own CPU (`lines`) ran in most, of those no other route's ran in (`routesOfLine`: routes per line key), if it has HANDLER_MIN_SAMPLES samples. */
export function handlerLine(lines: ReadonlyMap<string, LineCpu>, routesOfLine: ReadonlyMap<string, number>): LineCpu | undefined {
  let own: LineCpu | undefined;
  for (const [key, l] of lines) if (l.url && routesOfLine.get(key) === 1 && (!own || l.ms > own.ms)) own = l;
  return own && own.samples >= HANDLER_MIN_SAMPLES ? own : undefined;
}

/** The mean split of some server requests' time, with the lines the loop ran while they were queued. */
export function breakdown(t: RequestTable, ctx: AnalysisContext, requests: number[], title: string,
  name: (loc: SourceLocation, label: string) => string = (_, label) => label): LatencyBreakdown {
  let total = 0, own = 0, queued = 0, before = 0;
  for (const i of requests) { total += seenLatency(t, i); own += t.own[i]; queued += t.queued[i] + t.before[i]; before += t.before[i]; }
  const n = Math.max(1, requests.length);
  total /= n; own /= n; queued /= n; before /= n;
  const waiting = Math.max(0, total - own - queued);
  const behind = queuedBehind(t, ctx, requests, n).map((b) => ({ ...b, label: name(b.location, b.label) }));
  const parts = [
    { ms: queued, text: `${formatMs(queued)} queued behind other work on the loop${behind.length ? ` (most: ${shortFile(behind[0].location.file)}:${behind[0].location.line} ${behind[0].label})` : ''}`
      + (before >= 0.5 ? ` (≤ ${formatMs(before)} of it before Node read the request)` : '') },
    { ms: own, text: `${formatMs(own)} own CPU` },
    { ms: waiting, text: `${formatMs(waiting)} waiting (off the CPU: I/O, timers, upstreams, or no free core)` },
  ].sort((a, b) => b.ms - a.ms);
  return {
    requests: requests.length, totalMs: round(total, 2), ownCpuMs: round(own, 2), queuedMs: round(queued, 2), queuedBeforeMs: round(before, 2), waitingMs: round(waiting, 2),
    queuedBehind: behind, text: `${title}: ${parts.map((p) => p.text).join(', ')} (estimated from CPU samples)`,
  };
}

/** User lines the loop ran while these requests were open, outside their own first callback; per request (÷ n). */
function queuedBehind(t: RequestTable, ctx: AnalysisContext, requests: number[], n: number): LatencyBreakdown['queuedBehind'] {
  const lines = new Map<string, LineCpu>();
  for (const i of requests) t.cpu[t.lane[i]]?.linesIn(t.start[i] - t.before[i], t.end[i], ownWindows(t, i), lines);
  return [...lines.values()].filter((l) => l.url && l.ms / n >= 0.05).sort((a, b) => b.ms - a.ms).slice(0, MAX_BLOCKERS)
    .map((l) => ({ location: locateLineCpu(ctx, l), label: l.label, ms: round(l.ms / n, 2) }));
}

/** Where a user line's CPU goes in the report: the line, or its function's start where the compiled line is not one of the user's (SourceMapper.locateLine). */
function locateLineCpu(ctx: AnalysisContext, l: LineCpu): SourceLocation {
  return ctx.mapper.locateLine(l.url, l.line, { line: l.fnLine, column0: l.fnColumn - 1 }).location;
}

/** The user lines (url:line) the requests' own CPU ran in, with their CPU ms (a sample of at most ~2,000 requests). */
function ownLinesOf(t: RequestTable, requests: ArrayLike<number>): Map<string, LineCpu> {
  const lines = new Map<string, LineCpu>();
  const step = Math.max(1, Math.floor(requests.length / 2000));
  for (let k = 0; k < requests.length; k += step) {
    const i = requests[k];
    const windows = ownWindows(t, i);
    for (let w = 0; w < windows.length; w += 2) if (windows[w + 1] > windows[w]) t.cpu[t.lane[i]]?.linesIn(windows[w], windows[w + 1], [], lines);
  }
  return lines;
}

/**
 * A time before which a request read at t cannot have arrived, from the loop's lag ticks (a
 * timer: one per loop iteration at most). The iteration of the last tick before t polled
 * before reading the request, or read it; the iteration of the tick before that one polled
 * after that tick and had not seen the request: it arrived after that tick. -Infinity if unknown.
 */
function pollBefore(ticks: number[], t: number): number {
  let lo = 0, hi = Math.floor(ticks.length / TICK.size);
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ticks[mid * TICK.size + TICK.t] < t) lo = mid + 1; else hi = mid; }
  // lo: ticks before t; the second-to-last of them is lo - 2.
  return lo >= 2 ? ticks[(lo - 2) * TICK.size + TICK.t] : -Infinity;
}

/**
 * The `k` indices below `n` that `include` takes with the highest `score`, highest first, ties in
 * index order: what a stable sort of them all would begin with, without sorting them all or
 * keeping them (a loaded server's ~10⁵ requests: a comparator sort of them all took ~1 µs a
 * request here; collecting them and sorting their scores, ~0.4 µs, most of it fresh memory). One
 * pass keeps the best k so far in a heap whose root is the worst of them. A NaN score is never
 * taken.
 */
export function highest(n: number, k: number, include: (i: number) => boolean, score: (i: number) => number): number[] {
  if (k <= 0) return [];
  const index: number[] = [], value: number[] = [];
  // a is worse than b: a lower score, or the same score at a later index.
  const worse = (a: number, b: number) => value[a] < value[b] || (value[a] === value[b] && index[a] > index[b]);
  const swap = (a: number, b: number) => {
    const i = index[a]; index[a] = index[b]; index[b] = i;
    const v = value[a]; value[a] = value[b]; value[b] = v;
  };
  for (let i = 0; i < n; i++) {
    if (!include(i)) continue;
    const v = score(i);
    if (Number.isNaN(v)) continue;
    if (index.length < k) {
      // Up from the new last leaf while it is worse than its parent.
      index.push(i); value.push(v);
      for (let c = index.length - 1, p = (c - 1) >> 1; c > 0 && worse(c, p); c = p, p = (c - 1) >> 1) swap(c, p);
    } else if (v > value[0]) {
      // Better than the worst kept (a tie is not: its index is later): it takes the root's place, then down.
      index[0] = i; value[0] = v;
      for (let c = 0; ;) {
        const l = 2 * c + 1, r = l + 1;
        let m = c;
        if (l < k && worse(l, m)) m = l;
        if (r < k && worse(r, m)) m = r;
        if (m === c) break;
        swap(c, m); c = m;
      }
    }
  }
  return index.map((_, j) => j).sort((a, b) => value[b] - value[a] || index[a] - index[b]).map((j) => index[j]);
}

/** The sum of `values` in order (what reduce((a, b) => a + b, 0) gives, without a call per value). */
function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/** A server request's latency including the upper bound of its wait before Node read it. */
function seenLatency(t: RequestTable, i: number): number {
  return t.end[i] - t.start[i] + t.before[i];
}
