import * as dc from 'node:diagnostics_channel';

/** How to subscribe to a channel (HttpRequests passes one that remembers it, to unsubscribe at detach). */
type Subscribe = (name: string, handler: (message: any) => void) => void;

/** What a framework can tell the request recorder (HttpRequests) about a request it serves. */
export interface RouteSink {
  routeMatched(request: object, pattern: string): void;
  handlerRan(request: object, end: boolean, by: object): void;
}

/**
 * Route patterns from web frameworks that publish them on diagnostics channels (nothing is
 * patched; a framework that publishes nothing leaves its requests named by their path):
 * - Fastify 5 (tested: 5.12.8): `tracing:fastify.request.handler` start/end around the route
 *   handler's synchronous run, with the matched `route.url` (`/users/:id`, with its plugin
 *   prefix) and the Fastify request, whose `raw` is the IncomingMessage the recorder knows (or,
 *   over HTTP/2, the compat request of the stream it knows). Requests answered before a handler
 *   ran (a hook replied, 404s, a body that failed to parse) publish nothing.
 * Express is read at finish instead (its `req.route`, see httpRequests.ts).
 * Subscribing makes Fastify wrap each handler call in TracingChannel.start.runStores: its
 * documented path for tracers, with the same handler, arguments and result.
 */
export function recordFrameworkRoutes(sink: RouteSink, subscribe: Subscribe = dc.subscribe): void {
  subscribe('tracing:fastify.request.handler:start', (m: any) => {
    try {
      const raw = requestOf(m);
      if (!raw) return;
      const url = m.route?.url;
      if (typeof url === 'string') sink.routeMatched(raw, url);
      sink.handlerRan(raw, false, m);
    } catch { /* never break the program */ }
  });
  subscribe('tracing:fastify.request.handler:end', (m: any) => {
    try {
      const raw = requestOf(m);
      if (raw) sink.handlerRan(raw, true, m);
    } catch { /* never break the program */ }
  });
}

/** The object the recorder knows a Fastify request by: its raw request, or an HTTP/2 compat request's stream. */
function requestOf(m: any): object | undefined {
  const raw = m?.request?.raw;
  if (!raw || typeof raw !== 'object') return undefined;
  return raw.constructor?.name === 'Http2ServerRequest' && raw.stream && typeof raw.stream === 'object' ? raw.stream : raw;
}
