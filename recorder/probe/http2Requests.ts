import * as dc from 'node:diagnostics_channel';
import { ownNextTick } from './clock';

/** How to subscribe to a channel (HttpRequests passes one that remembers it, to unsubscribe at detach). */
type Subscribe = (name: string, handler: (message: any) => void) => void;

/** What the HTTP/2 channels tell the request recorder (HttpRequests). */
export interface Http2Sink {
  served(request: object, method: string, ready: number, path?: string): void;
  servedFinished(request: object, status: number, failed: boolean): void;
  handlerRan(request: object, end: boolean, by: object): void;
  http2Listening(): void;
}

/**
 * HTTP/2 requests served by the program, from Node's `http2.server.stream.*` channels (no
 * patching): a request is a stream from `start` (its headers arrived) to `close`, named by its
 * `:path`, with the `:status` it was sent. Node publishes both from 22.18 and 24.3 (`close` came
 * last; checked: 22.23.5 and 24.22.3 publish them, 20.x has no HTTP/2 channel), so on an older Node HTTP/2 requests cannot be recorded without patching: HTTP/2 servers are still
 * seen when they listen (`tracing:net.server.listen`, Node 20.x included), and the report says
 * their requests were not recorded. Returns whether this Node publishes the stream channels.
 * Server pushes (even stream ids, started by the server) are not requests.
 *
 * The program's code for a stream runs in its 'stream' event (the compat API's 'request' too),
 * which Node emits from a process.nextTick queued right after publishing `start`: that run is
 * told to the recorder as the stream's handler run (its own CPU). A tick queued at `start` runs
 * just before it; the run ends where the next stream's such tick begins (several streams read at
 * once) or, at the latest, at a tick queued from the first one (the end of the tick queue then).
 */
export function recordHttp2(sink: Http2Sink, subscribe: Subscribe = dc.subscribe): boolean {
  /** The stream whose 'stream' event is being emitted now. */
  let emitting: object | undefined;
  const emitted = () => { if (emitting) { sink.handlerRan(emitting, true, emitting); emitting = undefined; } };
  subscribe('tracing:net.server.listen:asyncEnd', (m: any) => {
    try { if (isHttp2Server(m?.server)) sink.http2Listening(); } catch { /* never break the program */ }
  });
  subscribe('http2.server.stream.start', (m: any) => {
    try {
      const stream = m?.stream, headers = m?.headers;
      if (!stream || typeof stream !== 'object' || !headers || (typeof stream.id === 'number' && stream.id % 2 === 0)) return;
      sink.served(stream, String(headers[':method'] ?? '?'), -1, String(headers[':path'] ?? '/'));
      ownNextTick(() => {
        emitted();
        emitting = stream;
        sink.handlerRan(stream, false, stream);
        ownNextTick(emitted);
      });
    } catch { /* never break the program */ }
  });
  subscribe('http2.server.stream.close', (m: any) => {
    try {
      const stream = m?.stream;
      if (!stream || typeof stream !== 'object') return;
      const status = Number(stream.sentHeaders?.[':status'] ?? 0);
      // NGHTTP2_NO_ERROR (0): the stream ended normally.
      sink.servedFinished(stream, status, !status || (typeof stream.rstCode === 'number' && stream.rstCode !== 0));
    } catch { /* never break the program */ }
  });
  return publishesHttp2Streams(process.versions.node);
}

/** Whether this Node version publishes `http2.server.stream.start` and `.close`. */
export function publishesHttp2Streams(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major >= 25 || (major === 24 && minor >= 3) || (major === 22 && minor >= 18);
}

/** http2.createServer()/createSecureServer() servers (their classes are not exported: by name, subclasses too). */
function isHttp2Server(server: unknown): boolean {
  for (let p = server && Object.getPrototypeOf(server); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const name = p.constructor?.name;
    if (name === 'Http2Server' || name === 'Http2SecureServer') return true;
  }
  return false;
}
