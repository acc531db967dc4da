import { PromptAcks, NO_OP_COMMAND } from './promptAcks';
import { frameCarrier } from './frameCarrier';
import { measureOff } from '../measureOff';

/**
 * A CDP target: a process's main thread (a chrome-remote-interface client) or a worker
 * thread reached through its parent's NodeWorker domain, as js-debug's WorkerTransport does.
 * Every command is bounded in time so a stuck thread can never hang the recorder.
 */
export interface Target {
  /** `lazy`: nothing waits for the answer until `hurry` (see PromptAcks): it may come up to 40 ms late. */
  send(method: string, params?: object, timeoutMs?: number, lazy?: boolean): Promise<any>;
  on(event: string, handler: (params: any) => void): void;
  /** Drops the connection (a process's main thread only: the probe's inspector.close() waits for it). */
  close?(): void;
  /** Resolves when the connection is gone (a process's main thread only). */
  readonly closed?: Promise<void>;
  /** Counts `answer` as awaited on this target's connection until it settles (see PromptAcks); returns it. */
  hold?<T>(answer: Promise<T>): Promise<T>;
  /** The same for an answer nothing waits for yet (PromptAcks.lazy). */
  holdLazily?<T>(answer: Promise<T>): Promise<T>;
  /** Lazy answers still to come on this target's connection are awaited from now on (PromptAcks.hurry). */
  hurry?(): void;
  /** An event about to come on this target's connection is awaited until it does (PromptAcks.expect). */
  expect?<T>(event: Promise<T>): Promise<T>;
}

const DEFAULT_TIMEOUT = 15000;

const NO_DOMAINS = { version: { major: '1', minor: '3' }, domains: [] };

let cdp: any;
/**
 * chrome-remote-interface (and with it ws, http, https, tls, zlib), loaded on first use, not at
 * start-up: the launcher calls this once the program is spawned, so the load overlaps the
 * program's own start instead of delaying it.
 */
export function loadCdpClient(): any {
  return (cdp ??= require('chrome-remote-interface'));
}

/** ws, the WebSocket client chrome-remote-interface connects with (the same module). */
export function loadWebSocket(): any {
  return require('ws');
}

/**
 * Runs the client's connection code once, against a Unix socket that does not exist: nothing is
 * sent anywhere (the connect fails with ENOENT, ignored). The program's first process waits for
 * its profiler to start: cold, ws's client set-up and Node's HTTP client and net code made the
 * first connection 10–14 ms from `new WebSocket` to open against a local inspector, once run ~4
 * ms (the run's fixed cost 195 → 190 ms, 11 rounds). Called while the program boots, with the ws
 * module chrome-remote-interface uses (one copy, the same options); `nowhere` is a path in the
 * run's own folder. Never throws.
 */
export function warmCdpClient(nowhere: string): void {
  if (process.platform === 'win32') return; // ws+unix: takes no drive letter
  try {
    const WebSocket = loadWebSocket();
    const ws = new WebSocket(`ws+unix:${nowhere}:/`, [], { maxPayload: 256 * 1024 * 1024, perMessageDeflate: false, followRedirects: true });
    ws.on('error', () => undefined);
  } catch { /* only a warm-up */ }
}

/**
 * A chrome-remote-interface client of the inspector target at `url` (ws://host:port/id). We only
 * use client.send()/client.on(): an empty protocol descriptor spares building the API of every
 * domain on each connection (~40 ms per process).
 */
export function connectClient(host: string, port: number, url: string): Promise<any> {
  return loadCdpClient()({ host, port, target: url, protocol: NO_DOMAINS });
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

/** Resolves with what `work` resolves to, or undefined after `limitMs` or if it rejects, whichever comes first (never rejects). */
export function bounded<T>(work: Promise<T>, limitMs: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), limitMs);
    work.then((value) => { clearTimeout(timer); resolve(value); }, () => { clearTimeout(timer); resolve(undefined); });
  });
}

/** The main thread of a process, over chrome-remote-interface. */
export class ClientTarget implements Target {
  /** Resolves when the connection is gone: the process exited, or we hung up. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;
  private readonly acks: PromptAcks;

  constructor(private readonly client: any) {
    this.closed = new Promise((resolve) => { this.markClosed = resolve; });
    client.on('disconnect', () => this.markClosed());
    // chrome-remote-interface's WebSocket (ws): our ACKs ride on carriers where it allows them.
    const carrier = measureOff('carriers') ? undefined : frameCarrier(client._ws);
    this.acks = new PromptAcks(() => client.send(NO_OP_COMMAND), carrier);
    // With a carrier every message is acknowledged (answers nothing awaits too); without, events
    // (an awaited answer tells PromptAcks itself).
    if (carrier) client._ws.on('message', () => this.acks.received());
    else client.on('event', () => this.acks.received());
  }
  send(method: string, params: object = {}, timeoutMs = DEFAULT_TIMEOUT, lazy = false): Promise<any> {
    const answer = this.client.send(method, params);
    return withTimeout(lazy ? this.holdLazily(answer) : this.hold(answer), timeoutMs, method);
  }
  hold<T>(answer: Promise<T>): Promise<T> {
    return this.acks.hold(answer);
  }
  holdLazily<T>(answer: Promise<T>): Promise<T> {
    return this.acks.lazy(answer);
  }
  hurry(): void {
    this.acks.hurry();
  }
  expect<T>(event: Promise<T>): Promise<T> {
    return this.acks.expect(event);
  }
  on(event: string, handler: (params: any) => void): void {
    this.client.on(event, handler);
  }
  close(): void {
    Promise.resolve(this.client.close()).catch(() => undefined).finally(() => this.markClosed());
  }
}

/** A worker thread: commands and events tunnelled through the parent target. */
export class WorkerTarget implements Target {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, ((params: any) => void)[]>();
  private gone = false;

  constructor(private readonly parent: Target, readonly sessionId: string) {}

  /** Called by the parent for every message from this worker. */
  receive(raw: string): void {
    const message = JSON.parse(raw);
    if (message.id !== undefined) {
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) p?.reject(new Error(message.error.message)); else p?.resolve(message.result);
      return;
    }
    for (const h of this.handlers.get(message.method) ?? []) h(message.params);
  }

  /** True once the worker is gone (detached). */
  get isGone(): boolean {
    return this.gone;
  }

  /** Called once when the worker is gone. */
  onDetached: () => void = () => undefined;

  detached(): void {
    if (!this.gone) this.onDetached();
    this.gone = true;
    for (const p of this.pending.values()) p.reject(new Error('worker exited'));
    this.pending.clear();
  }

  send(method: string, params: object = {}, timeoutMs = DEFAULT_TIMEOUT, lazy = false): Promise<any> {
    if (this.gone) return Promise.reject(new Error('worker exited'));
    const id = this.nextId++;
    // The reply comes as an event of the parent's connection: awaited there too (PromptAcks).
    const reply = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    (lazy ? this.holdLazily(reply) : this.hold(reply)).catch(() => undefined);
    this.parent.send('NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) }, timeoutMs, lazy)
      .catch((e) => { this.pending.get(id)?.reject(e); this.pending.delete(id); });
    return withTimeout(reply, timeoutMs, `${method} (worker)`);
  }

  hold<T>(answer: Promise<T>): Promise<T> {
    return this.parent.hold ? this.parent.hold(answer) : answer;
  }

  holdLazily<T>(answer: Promise<T>): Promise<T> {
    return this.parent.holdLazily ? this.parent.holdLazily(answer) : answer;
  }

  hurry(): void {
    this.parent.hurry?.();
  }

  expect<T>(event: Promise<T>): Promise<T> {
    return this.parent.expect ? this.parent.expect(event) : event;
  }

  on(event: string, handler: (params: any) => void): void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler);
    this.handlers.set(event, list);
  }
}
