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
  /** Exact counts by key `kind,method,route`: [count, errors]. */
  private counts = new Map<string, number[]>();
  private countsChanged = false;
  private open = new WeakMap<object, Open>();
  /** Server connections: when they were accepted or their last response finished (a request arrives after it). */
  private connectionFree = new WeakMap<object, number>();
  dropped = 0;
  inFlight = 0;
  maxInFlight = 0;

  /**
   * @param servedHooks told when a served request reaches its handler and when its response
   * finished (ProbeRuntime.requestStarted/requestEnded: requests in flight count as concurrency).
   */
  constructor(private readonly maxRows: number, private readonly servedHooks?: { started(): void; ended(): void }) {}

  /** What start() subscribed, for stop(). */
  private subscriptions: [string, (message: unknown) => void][] = [];

  /** Subscribes to the channels. */
  start(): void {
    const on = (name: string, handler: (m: any) => void) => { dc.subscribe(name, handler); this.subscriptions.push([name, handler]); };
    // A connection's first request arrives after the connection was accepted.
    on('net.server.socket', (m: any) => { if (m?.socket) this.connectionFree.set(m.socket, performance.now()); });
    on('http.server.request.start', (m: any) => this.serverStart(m));
    on('http.server.response.finish', (m: any) => this.serverFinish(m));
    on('http.client.request.start', (m: any) => this.clientStart(m?.request, m?.request?.method, httpClientPath(m?.request)));
    on('http.client.response.finish', (m: any) => this.finish(m?.request, m?.response?.statusCode ?? 0, 0, -1));
    on('http.client.request.error', (m: any) => this.finish(m?.request, 0, REQ_ERROR, -1));
    on('undici:request:create', (m: any) => this.clientStart(m?.request, m?.request?.method, undiciPath(m?.request)));
    on('undici:request:headers', (m: any) => { const o = this.open.get(m?.request); if (o) o.status = m?.response?.statusCode ?? 0; });
    on('undici:request:trailers', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, 0, -1); });
    on('undici:request:error', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, REQ_ERROR, -1); });
  }

  /** Unsubscribes what start() subscribed (an attached recording detaching). */
  stop(): void {
    for (const [name, handler] of this.subscriptions.splice(0)) dc.unsubscribe(name, handler);
  }

  private serverStart(m: any): void {
    try {
      const req = m?.request;
      if (!req || this.open.has(req)) return;
      const socket = m.socket;
      const o: Open = { kind: REQ_SERVER, method: this.intern(req.method ?? '?'), t0: performance.now(), syncEnd: 0, route: -1, status: 0,
        ready: (socket && this.connectionFree.get(socket)) ?? -1 };
      this.open.set(req, o);
      this.began();
      this.servedHooks?.started();
      process.nextTick(() => { o.syncEnd = performance.now(); });
    } catch { /* never break the program */ }
  }

  private serverFinish(m: any): void {
    try {
      const req = m?.request;
      const o = req && this.open.get(req);
      if (!o) return;
      o.route = this.intern(serverRoute(req));
      if (m.socket) this.connectionFree.set(m.socket, performance.now());
      this.finish(req, m.response?.statusCode ?? 0, m.response?.writableFinished === false ? REQ_ERROR : 0, o.syncEnd);
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

  private finish(request: object | undefined, status: number, flags: number, syncEnd: number): void {
    const o = request && this.open.get(request);
    if (!o) return;
    this.open.delete(request!);
    this.inFlight--;
    if (o.kind === REQ_SERVER) this.servedHooks?.ended();
    const t1 = performance.now();
    const key = `${o.kind},${o.method},${o.route}`;
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
    if (this.countsChanged) out.counts = [...this.counts].map(([k, [n, e]]) => [...k.split(',').map(Number), n, e]);
    this.newNames = [];
    this.rows = [];
    this.countsChanged = false;
    return out;
  }
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
