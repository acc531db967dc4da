import * as dc from 'node:diagnostics_channel';
import { REQ_SERVER, REQ_CLIENT, REQ_ERROR, OTHER_ROUTE, REQUEST_FIELDS, REQUEST_TIME_FIELD, type RawRequestsChunk } from '../../analyzer/raw';
import { recordHttp2 } from './http2Requests';
import { recordFrameworkRoutes } from './frameworkRoutes';
import { now, ownNextTick } from './clock';
import { pathTemplate } from './pathTemplate';

/**
 * HTTP requests of this thread as spans, from Node's diagnostics channels (no patching):
 * server requests (`node:http`/`https`, and every framework on them: Express, Fastify, Koa)
 * from `http.server.request.start` → `http.server.response.finish`; client requests from
 * `http.client.request.start` → `http.client.response.finish` (`http.request`) and undici's
 * `undici:request:create` → `:trailers`/`:error` (`fetch`).
 *
 * Per request: a few numbers in a flat buffer (REQUEST_FIELDS each, see analyzer/raw.ts; how they are written: take()), strings interned (at most
 * MAX_NAMES distinct routes/paths; more go to OTHER_ROUTE). Detail is capped at `maxRows` per
 * thread; the per-(kind, method, route) counts are exact. Times are the probe's clock (clock.ts).
 *
 * HTTP/2 server streams come from Node's `http2.server.stream.*` channels where Node publishes
 * them (http2Requests.ts).
 *
 * Route: the pattern a framework said it matched (frameworkRoutes.ts: Fastify), else Express's
 * matched route (`req.baseUrl + req.route.path`, read at finish), else the path without its
 * query string, its ID-like segments folded (pathTemplate.ts: `/item/17` → `/item/:n`; for a
 * client request, host + path). A framework that says when its route handler ran (Fastify) gives
 * `handlerStart`/`handlerEnd` (its first synchronous run; it may come after the first callback: a
 * body to read, async hooks). Node publishes the start once it has parsed the headers: time the
 * request spent in the socket before that (a busy loop) is not in the span.
 *
 * `syncEnd` is when the server's first callback for the request (the 'request' handlers'
 * synchronous run) returned: at the latest when the next request starts (Node starts requests one
 * at a time, from its parser, never inside a handler: pipelined requests read at once each get
 * their own), else when the task that started it ended. For HTTP/1 that is a microtask queued at
 * start (it runs once the task's process.nextTick callbacks ran: those the handler queued count as
 * its own); for HTTP/2 a process.nextTick queued at start, which runs before Node's tick that
 * emits the stream (http2Requests.ts tells the handler's run).
 *
 * HTTP/1 server requests are kept per connection (Connection, by socket: one WeakMap lookup at
 * start and one at finish), not in a WeakMap entry per request (an insert, a delete and three
 * lookups per request, with V8's ephemeron barriers); with the microtask instead of a
 * process.nextTick per request, and no clock read for a first callback that ended at the finish,
 * recording a request costs 211 ns of CPU instead of 288 (bench/requestCost.mjs; README: Overhead).
 */
const MAX_NAMES = 500;
/** Paths (and client routes) remembered with their template's name; past this many the memory starts afresh. */
const MAX_PATHS = 4096;

/**
 * A request in flight. A class with every field set at construction: one shape for every request,
 * so the hot paths that read it stay monomorphic.
 */
class Open {
  declare syncEnd: number;
  declare route: number;
  /** undici: from its headers. */ declare status: number;
  /** Server: the route pattern a framework matched. */ declare pattern: string | undefined;
  /** Server: the route handler's first synchronous run (-1: not told), and who told it. */ declare handlerStart: number; declare handlerEnd: number; declare handlerBy: object | undefined;
  /** HTTP/1 server: the request started after this one on the same connection, not finished (pipelined). */ declare next: Open | undefined;
  // Fields assigned here, not declared with initializers (define semantics, one by one, on every request): see runtime.ts's Invocation.
  constructor(readonly kind: number, readonly method: number, readonly t0: number,
    /** Server: previous response on the connection finished (-1: first, or not known). */ readonly ready: number,
    /** Server: the path when known at start (HTTP/2), its query dropped. */ readonly path: string | undefined,
    /** HTTP/1 server: its IncomingMessage (the connection's list is searched by it); undefined otherwise. */ readonly request: object | undefined) {
    this.syncEnd = 0; this.route = -1; this.status = 0; this.pattern = undefined;
    this.handlerStart = -1; this.handlerEnd = -1; this.handlerBy = undefined; this.next = undefined;
  }
}

/**
 * An HTTP/1 server connection: when it was free for a request, and its requests in flight, oldest
 * first (HTTP/1 answers in order: one, or a few pipelined), linked through Open.next.
 */
class Connection {
  declare first: Open | undefined;
  declare last: Open | undefined;
  /** Its index in HttpRequests.busy while it has requests in flight, else -1. */
  declare busyAt: number;
  /** @param free when it was accepted or its last response finished (-1: not known). */
  constructor(readonly socket: object, public free: number) { this.first = undefined; this.last = undefined; this.busyAt = -1; }

  find(request: object): Open | undefined {
    for (let o = this.first; o !== undefined; o = o.next) if (o.request === request) return o;
    return undefined;
  }

  add(o: Open): void {
    if (this.last === undefined) this.first = o; else this.last.next = o;
    this.last = o;
  }

  /** Takes `request`'s entry out of the list (undefined: not in it). */
  remove(request: object): Open | undefined {
    let prev: Open | undefined;
    for (let o = this.first; o !== undefined; prev = o, o = o.next) {
      if (o.request !== request) continue;
      if (prev === undefined) this.first = o.next; else prev.next = o.next;
      if (this.last === o) this.last = prev;
      o.next = undefined;
      return o;
    }
    return undefined;
  }
}

/** Promise.prototype.then and a settled promise as the probe loaded (a program may replace them): what queues the syncEnd microtask. */
const promiseThen = Promise.prototype.then;
const settled = Promise.resolve();

/** What request recording tells the rest of the probe (see the HttpRequests constructor). */
export interface RequestHooks {
  started(t: number): void;
  ended(): void;
  responded(): void;
  laterHandler(): void;
}

export class HttpRequests {
  private names = new Map<string, number>();
  private newNames: string[] = [];
  /**
   * A path as requested → its template's name (internPath): a path seen before costs one lookup,
   * as interning it did, and is not templated again.
   */
  private pathNames = new Map<string, number>();
  /**
   * Detail rows not yet taken: the first `rowCount` numbers of `rows` (times in ms on the probe
   * clock), a buffer kept between takes, which doubles when full. A fresh array per take grew by
   * copies, each on pages touched for the first time (a loaded server's rows are ~300 kB a take:
   * growing them was ~1.4 % of its main thread, their page faults ~1 % more).
   */
  private rows = new Float64Array(ROWS_INITIAL);
  private rowCount = 0;
  private kept = 0;
  /** Exact counts by countKey(kind, method, route): [count, errors]. */
  private counts = new Map<number, number[]>();
  private countsChanged = false;
  /** Requests in flight but HTTP/1 server ones (clients, HTTP/2 streams, a server request told without its socket). */
  private open = new WeakMap<object, Open>();
  /** HTTP/1 server connections by socket (see Connection). */
  private connections = new WeakMap<object, Connection>();
  /**
   * Connections with requests in flight, each at its `busyAt` (an array, not a Set: no hashing on
   * every request): checked at each take() for a closed socket (sweepAborted).
   */
  private busy: Connection[] = [];
  private markBusy(c: Connection): void {
    if (c.busyAt >= 0) return;
    c.busyAt = this.busy.length;
    this.busy.push(c);
  }
  private markIdle(c: Connection): void {
    const at = c.busyAt;
    if (at < 0) return;
    const last = this.busy.pop()!;
    if (last !== c) { this.busy[at] = last; last.busyAt = at; }
    c.busyAt = -1;
  }
  /** HTTP/1 server requests so far whose connection closed before their response finished (RawRequestsChunk.aborted). */
  aborted = 0;
  private abortedChanged = false;
  dropped = 0;
  /** Server requests this thread began handling (HTTP/1 and HTTP/2): the sampling policy's measure of a busy server. */
  serverRequests = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** HTTP/2 servers the program started listening, and whether this Node tells us their requests. */
  private http2 = { servers: 0, recorded: false, changed: false };

  /**
   * Server requests whose first callback may still be running: it ends at the next request's
   * start, at their finish, or at the microtask or tick queued for it. The first `awaitingN` slots:
   * the array is reused (setting an array's length is a call into V8's runtime).
   */
  private awaiting: (Open | undefined)[] = [];
  private awaitingN = 0;
  private syncEndMicrotask = false;
  private syncEndTick = false;
  /**
   * The awaited first callbacks end at `t` (undefined: now, read only if one is still running), but
   * those of requests already finished (at their finish: finishServed). A loaded server's fast
   * routes finish before the microtask runs: no clock read then.
   */
  private endSyncRuns(t?: number): void {
    const a = this.awaiting;
    for (let i = 0; i < this.awaitingN; i++) { const o = a[i]!; if (o.syncEnd === 0) o.syncEnd = t ??= now(); a[i] = undefined; }
    this.awaitingN = 0;
  }
  private readonly syncEndedMicrotask = () => {
    this.syncEndMicrotask = false;
    try { this.endSyncRuns(); } catch { /* never break the program (nor reject) */ }
  };
  private readonly syncEndedTick = () => {
    this.syncEndTick = false;
    this.endSyncRuns();
  };

  /**
   * @param hooks told when a served request reaches its handler (at `t`) and when its response
   * finished (ProbeRuntime.requestStarted/requestEnded: requests in flight count as concurrency);
   * when a response to an outgoing request reached the program (a task of its own:
   * ProbeRuntime.mark); and when a framework's route handler began after the request's first
   * callback (a body read first, async hooks): a task of its own too (ProbeRuntime.mark), so that
   * handlers run back to back as bodies arrive together are never read as one block. One
   * subscriber per channel does it all (each costs every request): nothing else of the probe
   * subscribes to these channels to mark tasks.
   */
  constructor(private readonly maxRows: number, private readonly hooks?: RequestHooks) {}

  /** What start() subscribed, for stop(). */
  private subscriptions: [string, (message: unknown) => void][] = [];

  /** Subscribes to the channels. */
  start(): void {
    const on = (name: string, handler: (m: any) => void) => { dc.subscribe(name, handler); this.subscriptions.push([name, handler]); };
    // A connection's first request arrives after the connection was accepted.
    on('net.server.socket', (m: any) => { if (m?.socket && typeof m.socket === 'object') this.connections.set(m.socket, new Connection(m.socket, now())); });
    on('http.server.request.start', (m: any) => this.serverStart(m));
    on('http.server.response.finish', (m: any) => this.serverFinish(m));
    on('http.client.request.start', (m: any) => this.clientStart(m?.request, m?.request?.method, httpClientPath(m?.request)));
    on('http.client.response.finish', (m: any) => { this.hooks?.responded(); this.finish(m?.request, m?.response?.statusCode ?? 0, 0); });
    on('http.client.request.error', (m: any) => this.finish(m?.request, 0, REQ_ERROR));
    on('undici:request:create', (m: any) => this.clientStart(m?.request, m?.request?.method, undiciPath(m?.request)));
    on('undici:request:headers', (m: any) => { this.hooks?.responded(); const o = this.open.get(m?.request); if (o) o.status = m?.response?.statusCode ?? 0; });
    on('undici:request:trailers', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, 0, o); });
    on('undici:request:error', (m: any) => { const o = this.open.get(m?.request); if (o) this.finish(m.request, o.status, REQ_ERROR, o); });
    this.http2.recorded = recordHttp2(this, on);
    recordFrameworkRoutes(this, on);
  }

  /** Unsubscribes what start() subscribed (an attached recording detaching). */
  stop(): void {
    for (const [name, handler] of this.subscriptions.splice(0)) dc.unsubscribe(name, handler);
  }

  private serverStart(m: any): void {
    try {
      const req = m?.request;
      if (!req || typeof req !== 'object') return;
      const socket = m.socket;
      if (!socket || typeof socket !== 'object') { this.served(req, String(req.method ?? '?'), -1); return; }
      let c = this.connections.get(socket);
      // Accepted before the recorder subscribed (an attached recording).
      if (c === undefined) this.connections.set(socket, c = new Connection(socket, -1));
      else if (c.find(req) !== undefined) return;
      const t0 = now();
      const o = new Open(REQ_SERVER, this.intern(String(req.method ?? '?')), t0, c.free, undefined, req);
      c.add(o);
      this.markBusy(c);
      this.began(o, false);
    } catch { /* never break the program */ }
  }

  /**
   * A request a server of this thread began handling (`request`: the object that identifies it
   * until `servedFinished`): HTTP/1's IncomingMessage, an HTTP/2 stream. `path` (its query is
   * dropped): when the route cannot be read at finish (HTTP/2: from the request's headers).
   */
  served(request: object, method: string, ready: number, path?: string): void {
    try {
      if (this.open.has(request)) return;
      const o = new Open(REQ_SERVER, this.intern(method), now(), ready, path === undefined ? undefined : withoutQuery(path), undefined);
      this.open.set(request, o);
      this.began(o, true);
    } catch { /* never break the program */ }
  }

  /** A served request `o` began: counted, told to the runtime, and its first callback's end awaited (by a tick, or a microtask). */
  private began(o: Open, tick: boolean): void {
    this.serverRequests++;
    this.inFlightBegan();
    this.hooks?.started(o.t0);
    // A request starting now: the first callbacks of those before it have returned.
    if (this.awaitingN > 0) this.endSyncRuns(o.t0);
    this.awaiting[this.awaitingN++] = o;
    if (tick) {
      if (!this.syncEndTick) { this.syncEndTick = true; ownNextTick(this.syncEndedTick); }
    } else if (!this.syncEndMicrotask) {
      this.syncEndMicrotask = true;
      promiseThen.call(settled, this.syncEndedMicrotask);
    }
  }

  private serverFinish(m: any): void {
    try {
      const req = m?.request;
      if (!req || typeof req !== 'object') return;
      const t1 = now();
      const socket = m.socket;
      const c = socket && typeof socket === 'object' ? this.connections.get(socket) : undefined;
      const status = m.response?.statusCode ?? 0, failed = m.response?.writableFinished === false;
      if (c === undefined) {
        if (socket && typeof socket === 'object') this.connections.set(socket, new Connection(socket, t1));
        this.servedFinished(req, status, failed, t1);
        return;
      }
      c.free = t1;
      const o = c.remove(req);
      if (c.first === undefined) this.markIdle(c);
      if (o !== undefined) this.finishServed(req, o, status, failed, t1);
      else this.servedFinished(req, status, failed, t1);
    } catch { /* never break the program */ }
  }

  /** The response to a served request finished at `t1` (`failed`: it did not finish normally). */
  servedFinished(request: object, status: number, failed: boolean, t1 = now()): void {
    try {
      const o = this.open.get(request);
      if (!o || o.kind !== REQ_SERVER) return;
      this.open.delete(request);
      this.finishServed(request, o, status, failed, t1);
    } catch { /* never break the program */ }
  }

  private finishServed(request: object, o: Open, status: number, failed: boolean, t1: number): void {
    // Finished within its first task (a route that answers at once): its first callback ended by now.
    if (o.syncEnd === 0) o.syncEnd = t1;
    o.route = o.pattern !== undefined ? this.intern(o.pattern) : o.path !== undefined ? this.internPath(o.path, 0) : this.serverRoute(request);
    this.finishOpen(o, status, failed ? REQ_ERROR : 0, t1);
  }

  /** A served request in flight: an HTTP/1 one by its connection (its socket), others by the request. */
  private find(request: object): Open | undefined {
    let c: Connection | undefined;
    try {
      const socket = (request as any).socket;
      if (socket && typeof socket === 'object') c = this.connections.get(socket);
    } catch { /* an object whose `socket` throws: not an IncomingMessage */ }
    return c?.find(request) ?? this.open.get(request);
  }

  /** A framework matched a served request to its route `pattern` (`/users/:id`): the request's name. */
  routeMatched(request: object, pattern: string): void {
    const o = this.find(request);
    if (o && o.kind === REQ_SERVER) o.pattern = pattern;
  }

  /**
   * A route handler for a served request began (`end` false) or returned (`end` true) its
   * synchronous run; `by` pairs the two (the teller's own object for that run). A run told after
   * an earlier one ended (Fastify's handler after the HTTP/2 'stream' event that routed it, once
   * the body was read) replaces it: the framework's handler is the request's own code.
   */
  handlerRan(request: object, end: boolean, by: object): void {
    const o = this.find(request);
    if (!o || o.kind !== REQ_SERVER) return;
    const t = now();
    if (!end && (o.handlerStart < 0 || (o.handlerEnd >= 0 && o.handlerBy !== by))) {
      o.handlerStart = t;
      o.handlerEnd = -1;
      o.handlerBy = by;
      // syncEnd is set once the first callback returned.
      if (o.syncEnd > 0) this.hooks?.laterHandler();
    } else if (end && o.handlerBy === by && o.handlerEnd < 0) o.handlerEnd = t;
  }

  /** The program started an HTTP/2 server listening. */
  http2Listening(): void {
    this.http2.servers++;
    this.http2.changed = true;
  }

  private clientStart(request: object | undefined, method: string | undefined, route: string): void {
    try {
      if (!request || this.open.has(request)) return;
      const o = new Open(REQ_CLIENT, this.intern(method ?? 'GET'), now(), -1, undefined, undefined);
      o.syncEnd = -1;
      o.route = this.internPath(route, route.indexOf('/'));
      this.open.set(request, o);
      this.inFlightBegan();
    } catch { /* never break the program */ }
  }

  private inFlightBegan(): void {
    if (++this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
  }

  /** A client request ended (`o`: its entry, when the caller looked it up already). */
  private finish(request: object | undefined, status: number, flags: number, o = request && this.open.get(request)): void {
    if (!o) return;
    this.open.delete(request!);
    this.finishOpen(o, status, flags, now());
  }

  /** A request's row and counts; a served one's `syncEnd` is set (finishServed). */
  private finishOpen(o: Open, status: number, flags: number, t1: number): void {
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
    const server = o.kind === REQ_SERVER;
    const handled = server && o.handlerStart >= 0;
    let k = this.rowCount;
    if (k + REQUEST_FIELDS > this.rows.length) {
      const grown = new Float64Array(this.rows.length * 2);
      grown.set(this.rows.subarray(0, k));
      this.rows = grown;
    }
    const r = this.rows;
    r[k++] = o.kind; r[k++] = o.method; r[k++] = o.route; r[k++] = status; r[k++] = o.t0;
    r[k++] = server ? o.syncEnd : -1; r[k++] = t1; r[k++] = flags;
    r[k++] = o.ready >= 0 ? o.ready : -1; r[k++] = handled ? o.handlerStart : -1;
    r[k++] = handled ? (o.handlerEnd >= 0 ? o.handlerEnd : t1) : -1;
    this.rowCount = k;
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

  /**
   * The name of a route that is a path, its ID-like segments folded from `from` on (pathTemplate;
   * -1: no path, nothing folded).
   */
  private internPath(path: string, from: number): number {
    let i = this.pathNames.get(path);
    if (i !== undefined) return i;
    i = this.intern(from < 0 ? path : pathTemplate(path, from));
    if (this.pathNames.size >= MAX_PATHS) this.pathNames.clear();
    this.pathNames.set(path, i);
    return i;
  }

  /** Express's matched route pattern if there is one, else the request's path (templated). */
  private serverRoute(req: any): number {
    const pattern = req.route?.path;
    if (typeof pattern === 'string') return this.intern((typeof req.baseUrl === 'string' ? req.baseUrl : '') + pattern);
    // Without a framework that said (frameworkRoutes.ts): the path it is.
    return this.internPath(withoutQuery(String(req.originalUrl ?? req.url ?? '/')), 0);
  }

  /** Something that take() would return is waiting. */
  pending(): boolean {
    return this.rowCount > 0 || this.newNames.length > 0 || this.countsChanged || this.http2.changed || this.abortedChanged;
  }

  /**
   * Ends the requests whose connection closed before their response finished: Node publishes no
   * finish for them (the client went away: a timeout, a load generator stopping; or the program
   * destroyed the socket), and they would count as in flight (concurrency) until the thread ends.
   * Called at each take (~100 ms apart): only connections with requests in flight are looked at.
   */
  private sweepAborted(): void {
    for (let i = this.busy.length - 1; i >= 0; i--) {
      const c = this.busy[i];
      let closed = false;
      try { closed = (c.socket as { destroyed?: unknown }).destroyed === true; } catch { /* not a net.Socket: never closed here */ }
      if (!closed) continue;
      for (let o = c.first; o !== undefined; o = o.next) {
        this.inFlight--;
        this.hooks?.ended();
        this.aborted++;
      }
      c.first = undefined;
      c.last = undefined;
      this.markIdle(c);
      this.abortedChanged = true;
    }
  }

  /**
   * What happened since the last take, for the probe's chunk (undefined: nothing). With
   * `writeRows`, the rows go to it as raw float64s (times in ms), synchronously, and the chunk
   * says how many (`rowsInFile`; the preloaded probe's `.requests` file, see RawRequestsChunk):
   * JSON cost a loaded server ~0.6 µs of its main thread per request, and the recorder as much
   * again to parse. Without, they are in the chunk as JSON numbers (an attached recording's,
   * which travel over the inspector), times in whole hundredths of a ms.
   */
  take(writeRows?: (bytes: Uint8Array) => void): RawRequestsChunk | undefined {
    this.sweepAborted();
    if (!this.pending()) return undefined;
    const n = this.rowCount;
    const rows: number[] = [];
    if (writeRows) {
      if (n > 0) writeRows(new Uint8Array(this.rows.buffer, 0, n * 8));
    } else {
      for (let i = 0; i < n; i++) rows.push(REQUEST_TIME_FIELD[i % REQUEST_FIELDS] && this.rows[i] >= 0 ? round(this.rows[i]) : this.rows[i]);
    }
    const out: RawRequestsChunk = { names: this.newNames, rows, inFlight: this.inFlight, maxInFlight: this.maxInFlight, dropped: this.dropped };
    if (writeRows) out.rowsInFile = n / REQUEST_FIELDS;
    else out.hundredths = true;
    if (this.countsChanged) out.counts = [...this.counts].map(([k, [n, e]]) => [...countFields(k), n, e]);
    if (this.http2.servers > 0) out.http2 = { servers: this.http2.servers, recorded: this.http2.recorded };
    if (this.aborted > 0) out.aborted = this.aborted;
    this.abortedChanged = false;
    this.http2.changed = false;
    this.newNames = [];
    // The buffer is kept, unless a burst left it far larger than what takes now carry.
    if (this.rows.length > ROWS_KEPT && this.rowCount * 4 < this.rows.length) this.rows = new Float64Array(ROWS_INITIAL);
    this.rowCount = 0;
    this.countsChanged = false;
    return out;
  }
}

/** A row buffer longer than this (numbers: 512 kB) is dropped after a take that used under a quarter of it. */
const ROWS_KEPT = 65536;
/** The row buffer's first length (numbers): 256 requests. */
const ROWS_INITIAL = 256 * REQUEST_FIELDS;

/** Names are interned below 1024 (MAX_NAMES + OTHER_ROUTE): a count's key packs kind, method and route in one number. */
function countKey(kind: number, method: number, route: number): number {
  return (kind * 1024 + method) * 1024 + route;
}

function countFields(key: number): [kind: number, method: number, route: number] {
  return [Math.floor(key / 1048576), Math.floor(key / 1024) % 1024, key % 1024];
}

/** A time in whole hundredths of a ms (RawRequestsChunk.hundredths): an integer serializes ~2× faster than a decimal, at the same precision. */
function round(t: number): number {
  return Math.round(t * 100);
}

function withoutQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
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
