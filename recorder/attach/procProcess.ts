import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What /proc says about one process, for attaching to it: who owns it, what it runs, whether
 * it is node, whether it catches SIGUSR1 (a process that does not dies of it), and the TCP
 * ports it listens on. Linux only; every reader returns undefined/empty when /proc is missing.
 */
export interface ProcProcess {
  pid: number;
  ppid: number;
  uid: number;
  /** /proc/<pid>/exe (undefined: unreadable). */
  exe?: string;
  argv: string[];
  cwd?: string;
  /** Short name from /proc/<pid>/stat (what `ps` shows). */
  comm: string;
  /** SigCgt has SIGUSR1: Node's inspector handler (or the program's own) is installed. */
  catchesSigusr1: boolean;
}

const SIGUSR1 = 10;

function read(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}

/** The process, or undefined when there is no such pid (or it is a thread of another process). */
export function readProcProcess(pid: number): ProcProcess | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // The command line first and the executable last: a child node forked that execs another
  // program meanwhile (a shell, grep) then reads as that program, never as node running it.
  const cmdline = read(`/proc/${pid}/cmdline`) ?? '';
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  if (Number(field('Tgid')) !== pid) return undefined;
  const sigCgt = BigInt(`0x${field('SigCgt') || '0'}`);
  let exe: string | undefined, cwd: string | undefined;
  try { cwd = fs.readlinkSync(`/proc/${pid}/cwd`); } catch { /* another user's, or a kernel thread */ }
  try { exe = fs.readlinkSync(`/proc/${pid}/exe`); } catch { /* idem */ }
  return {
    pid, ppid: Number(field('PPid')), uid: Number(field('Uid').split(/\s+/)[0]), exe, cwd,
    argv: cmdline ? cmdline.replace(/\0$/, '').split('\0') : [],
    comm: field('Name'),
    catchesSigusr1: (sigCgt & (1n << BigInt(SIGUSR1 - 1))) !== 0n,
  };
}

/**
 * Whether the process runs Node.js: its executable is named node (node, nodejs, node20…), or it
 * is an Electron/VS Code binary run as node (ELECTRON_RUN_AS_NODE), which cannot be told from
 * /proc without its environment. The short name (`comm`, read before the executable) is asked
 * only when the executable cannot be read: a forked child that has just exec'd grep still had
 * node's.
 */
export function isNodeProcess(p: ProcProcess): boolean {
  const name = path.basename(p.exe ?? p.argv[0] ?? '').replace(/ \(deleted\)$/, '');
  if (/^node(js)?[0-9.]*$/.test(name)) return true;
  if (p.exe === undefined && /^node(js)?$/.test(p.comm)) return true;
  return readEnviron(p.pid)?.ELECTRON_RUN_AS_NODE === '1';
}

/** The process's environment at its start (undefined: unreadable). */
export function readEnviron(pid: number): Record<string, string> | undefined {
  const text = read(`/proc/${pid}/environ`);
  if (text === undefined) return undefined;
  const env: Record<string, string> = {};
  for (const kv of text.split('\0')) { const eq = kv.indexOf('='); if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1); }
  return env;
}

export interface ListeningSocket { host: string; port: number; inode: number }

/** TCP sockets in LISTEN state owned by the process (its fds), from its network namespace's tables. */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<number>();
  let fds: string[];
  try { fds = fs.readdirSync(`/proc/${pid}/fd`); } catch { return []; }
  for (const fd of fds) {
    try { const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`)); if (m) inodes.add(Number(m[1])); } catch { /* closed meanwhile */ }
  }
  return listeningTcp(pid).filter((s) => inodes.has(s.inode));
}

/** Every TCP socket in LISTEN state in the network namespace of `pid` (whoever owns it). */
export function listeningTcp(pid: number | 'self' = 'self'): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const [file, v6] of [['tcp', false], ['tcp6', true]] as const) {
    const text = read(`/proc/${pid}/net/${file}`);
    if (!text) continue;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A: TCP_LISTEN
      const [hexHost, hexPort] = f[1].split(':');
      out.push({ host: v6 ? ipv6(hexHost) : ipv4(hexHost), port: parseInt(hexPort, 16), inode: Number(f[9]) });
    }
  }
  return out;
}

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit word. */
function ipv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

/** /proc/net/tcp6: four little-endian 32-bit words. Only what we need to tell: ::, ::1, v4-mapped. */
function ipv6(hex: string): string {
  const words = [0, 8, 16, 24].map((i) => { const w = hex.slice(i, i + 8); return w.match(/../g)!.reverse().join(''); });
  const all = words.join('');
  if (/^0+$/.test(all)) return '::';
  if (/^0{31}1$/.test(all)) return '::1';
  if (/^0{20}ffff/.test(all)) return ipv4(hex.slice(24));
  return all.match(/.{4}/g)!.join(':');
}

/** Addresses a listener can be reached at from this machine only (or, for wildcards, also from it). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether process `pid` has ended (gone, or a zombie waiting for its parent); false when it cannot be told. */
export function processEnded(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ESRCH'; }
  return /^State:\s*Z/m.test(read(`/proc/${pid}/status`) ?? '');
}
