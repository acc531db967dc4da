import * as dc from 'node:diagnostics_channel';
import type { ProbeRuntime } from './runtime';

/**
 * Task boundaries the CPU profile cannot see (see ProbeRuntime.mark): an HTTP request reaching
 * its handler starts a task of its own, even when the loop runs it right after the previous one
 * without turning (several connections ready at once); so does a response to an outgoing
 * request reaching the program. Request recording, when it subscribes
 * to the same channel, calls runtime.requestStarted()/requestEnded() instead (which mark too and
 * count requests in flight). Returns the unsubscription (an attached recording detaching).
 */
export function markTasks(runtime: Pick<ProbeRuntime, 'mark'>): () => void {
  const mark = () => runtime.mark();
  // A response to an outgoing request (http, fetch) arrived: the callbacks that follow (an
  // async handler resuming after its upstream call) are a task of their own.
  const channels = ['http.server.request.start', 'http.client.response.finish', 'undici:request:headers'];
  for (const name of channels) dc.subscribe(name, mark);
  return () => { for (const name of channels) dc.unsubscribe(name, mark); };
}
