import * as http from 'node:http';
import { readProcProcess, isNodeProcess, readEnviron, listeningSockets, listeningTcp, isLoopbackHost, type ProcProcess } from './procProcess';

/** Bad input for attach (no such process, not node, another user's, not loopback): the message says what to do. */
export class AttachError extends Error {}

/** Where a process's inspector listens, and whether we opened it (then detaching closes it). */
export interface InspectorEndpoint {
  host: string;
  port: number;
  /** ws://… of the process's main thread. */
  webSocketUrl: string;
  openedByUs: boolean;
  /** /proc's view of the process (undefined when attached by host:port to a process /proc does not show). */
  process?: ProcProcess;
}

/** Node's default inspector port: SIGUSR1 opens the inspector there unless --inspect-port says otherwise. */
const DEFAULT_DEBUG_PORT = 9229;

/**
 * GET /json/list of an inspector: its targets, or undefined when host:port is not an inspector
 * (or did not answer within `timeoutMs`).
 */
export function inspectorTargets(host: string, port: number, timeoutMs: number): Promise<{ type?: string; webSocketDebuggerUrl?: string; url?: string }[] | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/json/list', timeout: timeoutMs, headers: { host: `${host.includes(':') ? `[${host}]` : host}:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => {
        try { const list = JSON.parse(body); resolve(Array.isArray(list) ? list : undefined); } catch { resolve(undefined); }
      }).on('error', () => resolve(undefined));
    });
    req.on('timeout', () => { req.destroy(); resolve(undefined); });
    req.on('error', () => resolve(undefined));
  });
}

/** The main thread's ws URL of the inspector at host:port, or undefined. */
async function nodeTarget(host: string, port: number, timeoutMs = 3000): Promise<string | undefined> {
  const list = await inspectorTargets(host, port, timeoutMs);
  return list?.find((t) => t.type === 'node' && t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
}

/**
 * The inspector at host:port (a process started with --inspect, or one the user opened): it
 * must be on loopback; it stays open after detach.
 */
export async function endpointAt(host: string, port: number): Promise<InspectorEndpoint> {
  if (!isLoopbackHost(host)) throw new AttachError(`${host} is not a loopback address: Concurrency Lens attaches only to inspectors on this machine's loopback (127.0.0.1, ::1, localhost)`);
  if (!(port > 0 && port < 65536)) throw new AttachError(`invalid port ${port}`);
  const connectHost = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, '');
  const url = await nodeTarget(connectHost, port);
  if (!url) throw new AttachError(`no Node.js inspector answers at ${host}:${port} (is the process running with --inspect=${host}:${port}?)`);
  return { host: connectHost, port, webSocketUrl: url, openedByUs: false };
}

/** The inspector host and port Node would use for SIGUSR1, from its command line and NODE_OPTIONS. */
export function debugAddress(p: ProcProcess): { host: string; port: number; openAtStart: boolean } {
  let host = '127.0.0.1', port = DEFAULT_DEBUG_PORT, openAtStart = false;
  // Node's own flags come before the script; NODE_OPTIONS' are read first, the command line's win.
  const flags = [...(readEnviron(p.pid)?.NODE_OPTIONS ?? '').split(/\s+/), ...nodeFlags(p.argv)];
  for (const f of flags) {
    const m = /^--(?:inspect|inspect-brk|inspect-wait|inspect-port|debug-port)=(?:(.*):)?(\d+)$/.exec(f);
    if (m) { if (m[1] !== undefined) host = m[1].replace(/^\[|\]$/g, ''); port = Number(m[2]); }
    if (/^--inspect(-brk|-wait)?(=|$)/.test(f)) openAtStart = true;
  }
  return { host, port, openAtStart };
}

function nodeFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (const a of argv.slice(1)) { if (!a.startsWith('-')) break; out.push(a); }
  return out;
}

/**
 * The inspector of process `pid`: the one it already has open (found on its debug port), or
 * one opened now with SIGUSR1 (Node's documented way: the inspector starts listening on the
 * process's debug port, 127.0.0.1:9229 unless --inspect-port set another; port 0 picks a free
 * one, found as the new listening socket among the process's file descriptors).
 * Throws AttachError for a pid that does not exist, is another user's, is not node, or whose
 * inspector cannot be opened (its debug port taken by another process, not on loopback, no SIGUSR1 handler).
 */
export async function openInspector(pid: number, timeoutMs = 15_000): Promise<InspectorEndpoint> {
  const p = checkAttachable(pid);
  const { host, port, openAtStart } = debugAddress(p);
  const before = listeningSockets(pid);
  const reachable = (h: string) => (h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '::1' : h);
  // Already open (--inspect, or opened by SIGUSR1, a debugger or the program) on its debug port;
  // started with --inspect, on any of its loopback ports (the others are asked for /json/list too).
  const candidates = before.filter((s) => s.port === port || (openAtStart && (isLoopbackHost(s.host) || s.host === '0.0.0.0' || s.host === '::')));
  for (const s of candidates) {
    const url = await nodeTarget(reachable(s.host), s.port);
    if (url) return { host: reachable(s.host), port: s.port, webSocketUrl: url, openedByUs: false, process: p };
  }
  if (openAtStart) throw new AttachError(`pid ${pid} was started with --inspect but no inspector of it answers on loopback (it closed it, or listens elsewhere): attach to 127.0.0.1:<port> of its inspector`);
  if (!isLoopbackHost(host)) throw new AttachError(`pid ${pid} would open its inspector on ${host}:${port} (its --inspect-port), which is not loopback: not opened. Start it with --inspect-port=127.0.0.1:0, or attach to 127.0.0.1:<port> of an inspector you opened`);
  if (port !== 0) {
    const holder = listeningTcp(pid).find((s) => s.port === port);
    if (holder) {
      throw new AttachError(`port ${port}, where pid ${pid} would open its inspector on SIGUSR1, is already in use by another process: `
        + `free it, or start the program with --inspect-port=0 (any free port)`);
    }
  }
  if (!p.catchesSigusr1) throw new AttachError(`pid ${pid} does not handle SIGUSR1 (a Node.js without the inspector, or one that disabled it): the signal would kill it, so it was not sent`);
  process.kill(pid, 'SIGUSR1');
  const known = new Set(before.map((s) => s.inode));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    if (!readProcProcess(pid)) throw new AttachError(`pid ${pid} exited while its inspector was being opened`);
    for (const s of listeningSockets(pid)) {
      if (known.has(s.inode) || (port !== 0 && s.port !== port)) continue;
      const url = await nodeTarget(reachable(s.host), s.port);
      if (url) return { host: reachable(s.host), port: s.port, webSocketUrl: url, openedByUs: true, process: p };
    }
  }
  throw new AttachError(`pid ${pid} did not open its inspector within ${Math.round(timeoutMs / 1000)} s of SIGUSR1 (it handles SIGUSR1 itself, or its inspector is already open on another port: then attach to 127.0.0.1:<that port>)`);
}

/** The process, if we may attach to it: it exists, is ours, runs node, and is not this recorder. */
export function checkAttachable(pid: number): ProcProcess {
  if (process.platform !== 'linux') throw new AttachError(`attaching by pid needs Linux's /proc; on ${process.platform}, start the program with --inspect=127.0.0.1:<port> and attach to 127.0.0.1:<port>`);
  const p = readProcProcess(pid);
  if (!p) throw new AttachError(`no process with pid ${pid}`);
  const me = process.getuid?.();
  if (me !== undefined && p.uid !== me) throw new AttachError(`pid ${pid} belongs to another user (uid ${p.uid}; you are uid ${me}): Concurrency Lens attaches only to your own processes`);
  if (pid === process.pid) throw new AttachError(`pid ${pid} is this recorder`);
  if (!isNodeProcess(p)) throw new AttachError(`pid ${pid} (${p.comm}) is not a Node.js process`);
  return p;
}
