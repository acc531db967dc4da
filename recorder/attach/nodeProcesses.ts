import * as fs from 'node:fs';
import { readProcProcess, isNodeProcess, readEnviron, type ProcProcess } from './procProcess';
import { OPTIONS_ENV } from '../probeOptions';
import { scriptArgIndex } from '../launcher/command';

/** A node process one could attach to (the attach picker's and `concurrency-lens attach`'s list). */
export interface NodeProcessInfo {
  pid: number;
  argv: string[];
  /** Working directory (undefined: unreadable). */
  cwd?: string;
}

/**
 * Running Node.js processes of this user that one may want to attach to, newest first: not
 * this process or its ancestors, not a process Concurrency Lens is already recording (its probe's
 * env var), and not the editor's own node processes where recognisable (VS Code, code-server,
 * their extension hosts, language servers and helpers). Linux (/proc) only: empty elsewhere.
 */
export function listNodeProcesses(options: { excludePids?: number[] } = {}): NodeProcessInfo[] {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try { names = fs.readdirSync('/proc'); } catch { return []; }
  const me = process.getuid?.();
  const excluded = new Set([...ancestors(process.pid), ...(options.excludePids ?? [])]);
  const out: NodeProcessInfo[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!(pid > 0) || excluded.has(pid)) continue;
    const p = readProcProcess(pid);
    if (!p || (me !== undefined && p.uid !== me) || !isNodeProcess(p) || isEditorProcess(p)) continue;
    if (readEnviron(pid)?.[OPTIONS_ENV] !== undefined) continue; // started under Concurrency Lens
    out.push({ pid, argv: p.argv, cwd: p.cwd });
  }
  return out.sort((a, b) => b.pid - a.pid);
}

/** The process and its ancestors up to init. */
function ancestors(pid: number): number[] {
  const out: number[] = [];
  for (let p: number | undefined = pid; p && p > 1 && out.length < 64; p = readProcProcess(p)?.ppid) out.push(p);
  return out;
}

/**
 * VS Code's, code-server's and their extensions' own node processes: the server and its helpers
 * (bootstrap-fork, extension host, file watcher, pty host), language servers (tsserver, eslint
 * server…) and Concurrency Lens's own CLI.
 */
export function isEditorProcess(p: Pick<ProcProcess, 'argv' | 'exe'>): boolean {
  const text = [p.exe ?? '', ...p.argv].join(' ');
  return /code-server|\.vscode-server|\.vscode\/extensions|\/vscode\/|bootstrap-fork|--type=(extensionHost|ptyHost|fileWatcher)|tsserver\.js|typingsInstaller\.js|\/resources\/app\/|\/dist\/cli\.js (profile|attach|matrix)\b|concurrency-lens[^ ]*\/dist\/extension\.js/i.test(text);
}

/** `node server.js --port 3000`, shortened for a one-line list. */
export function describeCommand(argv: string[], max = 120): string {
  const text = argv.join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `server.js` of `node --import tsx server.js`, else the executable's name: what a list calls the process. */
export function scriptName(argv: string[]): string {
  const i = scriptArgIndex(argv.slice(1));
  return ((i >= 0 ? argv[i + 1] : argv[0]) ?? 'node').split(/[\\/]/).pop()!;
}
