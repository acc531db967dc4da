import * as dc from 'node:diagnostics_channel';
import { REQ_SERVER, REQ_CLIENT, REQ_ERROR, OTHER_ROUTE, type RawRequestsChunk } from '../../analyzer/raw';

/**
 * HTTP requests of this thread as spans, from Node's diagnostics channels (no patching):
 * server requests (`node:http`/`https`, and every framework on them: Express, Fastify, Koa)
 * from `http.server.request.start` → `http.server.response.finish`; client requests from
 * `http.client.request.start` → `http.client.response.finish` (`http.request`) and undici's
 * `undici:request:create` → `:trailers`/`:error` (`fetch`).
 *
 * Per request: a few numbers in a flat array (REQUEST_FIELDS each, see analyzer/raw.ts), strings interned (at most
 * MAX_NAMES distinct routes/paths; more go to OTHER_ROUTE). Detail is capped at `maxRows` per
 * thread; the per-(kind, method, route) counts are exact. Times are this thread's performance.now().
 *
 * Route: Express's matched route (`req.baseUrl + req.route.path`, read at finish), else the
 * path without its query string. `syncEnd` is when the server's first callback for the request
 * (the 'request' handlers' synchronous run) returned: a process.nextTick queued at start runs
 * right after it. Node publishes the start once it has parsed the headers: time the request
 * spent in the socket before that (a busy loop) is not in the span.
 */
const MAX_NAMES = 500;

interface Open { kind: number; method: number; t0: number; syncEnd: number; route: number; /** Server: previous response on the connection finished (-1: first). */ ready: number; /** undici: from its headers. */ status: number }

export class HttpRequests {
  private names = new Map<string, number>();
  private newNames: string[] = [];
  private rows: number[] = [];
  private kept = 0;
  /** Exact counts by countKey(kind, method, route): [count, errors]. */
  private counts = new Map<number, number[]>();
  private countsChanged = false;
  private open = new WeakMap<object, Open>();
  /** Server connections: when they were accepted or their last response finished (a request arrives after it). */
  private connectionFree = new WeakMap<object, number>();
  dropped = 0;
  inFlight = 0;
  maxInFlight = 0;

  /** Server requests started in this synchronous run, whose handlers' run ends at the next tick. */
  private awaitingSyncEnd: Open[] = [];
  private readonly syncEnded = () => {
    const t = performance.now();
    for (const o of this.awaitingSyncEnd) o.syncEnd = t;
    this.awaitingSyncEnd.length = 0;
  };

  /**
   * @param hooks told when a served request reaches its handler (at `t`) and when its response
   * finished (ProbeRuntime.requestStarted/requestEnded: requests in flight count as concurrency),
   * and when a response to an outgoing request reached the program (a task of its own:
   * ProbeRuntime.mark). One subscriber per channel does it all: each costs every request.
   */
  constructor(private readonly maxRows: number, private readonly hooks?: { started(t: number): void; ended(): void; responded(): void }) {}

  /** Subscribes to the channels. */
  start(): void {
    // A connection's first request arrives after the connection was accepted.
    dc.subscribe('net.server.socket', (m: any) => { if (m?.socket) this.connectionFree.set(m.socket, performance.now()); });
    dc.subscribe('http.server.request.start', (m: any) => this.serverStart(m));
    dc.subscribe('http.server.response.finish', (m: any) => this.serverFinish(m));
    dc.subscribe('http.client.request.start', (m: any) => this.clientStart(m?.request, m?.request?.method, httpClientPath(m?.request)));
    dc.subscribe('http.client.response.finish', (m: any) => { this.hooks?.responded(); this.finish(m?.request, m?.response?.statusCode ?? 0, 0, -1); });
    dc.subscribe('http.client.request.error', (m: any) => this.finish(m?.request, 0, REQ_ERROR, -1));
    dc.subscribe('undici:request:create', (m: any) => this.clientStart(m?.request, m?.request?.method, undiciPath(m?.request)));
    dc.subscribe('undici:request:headers', (m: any) => { this.hooks?.responded(); const o = this.open.get(m?.request); if (o) o.status = m?.response?.statusCode ?? 0; });
    dc.subscribe('undici:request:trailers', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, 0, -1); });
    dc.subscribe('undici:request:error', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, REQ_ERROR, -1); });
  }

  private serverStart(m: any): void {
    try {
      const req = m?.request;
      if (!req || this.open.has(req)) return;
      const socket = m.socket;
      const t0 = performance.now();
      const o: Open = { kind: REQ_SERVER, method: this.intern(req.method ?? '?'), t0, syncEnd: 0, route: -1, status: 0,
        ready: (socket && this.connectionFree.get(socket)) ?? -1 };
      this.open.set(req, o);
      this.began();
      this.hooks?.started(t0);
      // One tick for every request started in this run (a pipelined batch): it runs once their handlers returned.
      if (this.awaitingSyncEnd.push(o) === 1) process.nextTick(this.syncEnded);
    } catch { /* never break the program */ }
  }

  private serverFinish(m: any): void {
    try {
      const req = m?.request;
      const o = req && this.open.get(req);
      if (!o) return;
      o.route = this.intern(serverRoute(req));
      const t1 = performance.now();
      if (m.socket) this.connectionFree.set(m.socket, t1);
      this.finish(req, m.response?.statusCode ?? 0, m.response?.writableFinished === false ? REQ_ERROR : 0, o.syncEnd, t1);
    } catch { /* never break the program */ }
  }

  private clientStart(request: object | undefined, method: string | undefined, route: string): void {
    try {
      if (!request || this.open.has(request)) return;
      this.open.set(request, { kind: REQ_CLIENT, method: this.intern(method ?? 'GET'), t0: performance.now(), syncEnd: -1, route: this.intern(route), status: 0, ready: -1 });
      this.began();
    } catch { /* never break the program */ }
  }

  private began(): void {
    if (++this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  private finish(request: object | undefined, status: number, flags: number, syncEnd: number, t1 = performance.now()): void {
    const o = request && this.open.get(request);
    if (!o) return;
    this.open.delete(request!);
    this.inFlight--;
    if (o.kind === REQ_SERVER) this.hooks?.ended();
    const key = countKey(o.kind, o.method, o.route);
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, c = [0, 0]);
    c[0]++;
    if (flags & REQ_ERROR || status >= 500) c[1]++;
    this.countsChanged = true;
    if (this.kept >= this.maxRows) { this.dropped++; return; }
    this.kept++;
    this.rows.push(o.kind, o.method, o.route, status, round(o.t0), o.kind === REQ_SERVER ? round(syncEnd > 0 ? syncEnd : t1) : -1, round(t1), flags, o.ready >= 0 ? round(o.ready) : -1);
  }

  private intern(s: string): number {
    let i = this.names.get(s);
    if (i !== undefined) return i;
    // Past the cap, one more name: OTHER_ROUTE, for every further one.
    if (this.names.size >= MAX_NAMES && s !== OTHER_ROUTE) return this.intern(OTHER_ROUTE);
    i = this.names.size;
    this.names.set(s, i);
    this.newNames.push(s);
    return i;
  }

  /** What happened since the last take, for the probe's chunk (undefined: nothing). */
  take(): RawRequestsChunk | undefined {
    if (this.rows.length === 0 && this.newNames.length === 0 && !this.countsChanged) return undefined;
    const out: RawRequestsChunk = { names: this.newNames, rows: this.rows, inFlight: this.inFlight, maxInFlight: this.maxInFlight, dropped: this.dropped };
    if (this.countsChanged) out.counts = [...this.counts].map(([k, [n, e]]) => [...countFields(k), n, e]);
    this.newNames = [];
    this.rows = [];
    this.countsChanged = false;
    return out;
  }
}

/** Names are interned below 1024 (MAX_NAMES + OTHER_ROUTE): a count's key packs kind, method and route in one number. */
function countKey(kind: number, method: number, route: number): number {
  return (kind * 1024 + method) * 1024 + route;
}

function countFields(key: number): [kind: number, method: number, route: number] {
  return [Math.floor(key / 1048576), Math.floor(key / 1024) % 1024, key % 1024];
}

function round(t: number): number {
  return Math.round(t * 100) / 100;
}

function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Express's matched route pattern if there is one, else the request's path. */
function serverRoute(req: any): string {
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return (typeof req.baseUrl === 'string' ? req.baseUrl : '') + pattern;
  // Fastify's raw request carries no route; Koa's neither: the path it is.
  return withoutQuery(String(req.originalUrl ?? req.url ?? '/'));
}

function httpClientPath(request: any): string {
  // The Host header carries the port (request.host does not).
  const header = request?.getHeader?.('host');
  const host = typeof header === 'string' ? header : request?.host ?? '';
  return `${host}${withoutQuery(String(request?.path ?? '/'))}`;
}

function undiciPath(request: any): string {
  const origin = String(request?.origin ?? '').replace(/^https?:\/\//, '');
  return `${origin}${withoutQuery(String(request?.path ?? '/'))}`;
}
