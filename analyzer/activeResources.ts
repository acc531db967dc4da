/**
 * What kept a program's event loop running when it was stopped, from
 * process.getActiveResourcesInfo() (Node's names for libuv handles and requests), in words.
 * A program with none of these left exits by itself: for one that "never exits", this is why.
 */
const WORDS: Record<string, [one: string, many: string]> = {
  TCPServerWrap: ['listening TCP server', 'listening TCP servers'],
  TCPSocketWrap: ['open TCP connection', 'open TCP connections'],
  PipeServerWrap: ['listening pipe server', 'listening pipe servers'],
  PipeWrap: ['pipe', 'pipes'],
  TTYWrap: ['terminal stream', 'terminal streams'],
  UDPWrap: ['UDP socket', 'UDP sockets'],
  Timeout: ['timer', 'timers'],
  Immediate: ['setImmediate callback', 'setImmediate callbacks'],
  ProcessWrap: ['child process', 'child processes'],
  FSReqCallback: ['file system request', 'file system requests'],
  FSReqPromise: ['file system request', 'file system requests'],
  FSEventWrap: ['fs.watch watcher', 'fs.watch watchers'],
  StatWatcher: ['fs.watchFile watcher', 'fs.watchFile watchers'],
  GetAddrInfoReqWrap: ['DNS lookup', 'DNS lookups'],
  MessagePort: ['MessagePort', 'MessagePorts'],
  Worker: ['worker thread', 'worker threads'],
};

/** Counts by Node's name, in the order first seen. */
export function countResources(names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) out[n] = (out[n] ?? 0) + 1;
  return out;
}

/** "1 listening TCP server, 2 timers (TCPServerWrap, Timeout ×2)"; '' for none. */
export function describeResources(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  if (entries.length === 0) return '';
  const words = new Map<string, number>();
  for (const [name, n] of entries) {
    const [one, many] = WORDS[name] ?? [name, name];
    const key = `${one}\u0000${many}`;
    words.set(key, (words.get(key) ?? 0) + n);
  }
  const text = [...words].map(([key, n]) => { const [one, many] = key.split('\u0000'); return `${n} ${n === 1 ? one : many}`; }).join(', ');
  // Node lists stdout and stderr once written to, though only a stream being read keeps the loop running.
  const stdio = counts.PipeWrap || counts.TTYWrap ? '; stdout and stderr, once written to, are listed as pipes or terminal streams and keep nothing running: one being read does' : '';
  return `${text} (${entries.map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ')}${stdio})`;
}
