import type { RawRun, RawTreeProcess } from './raw';
import type { ThreadModel } from './threadModel';
import { launcherName } from './launchers';

/** What is known of one process of the run, from any source. */
export interface ProcessInfo {
  pid: number;
  /** Parent pid (undefined for the root or when unknown). */
  ppid?: number;
  argv: string[];
  isNode: boolean;
  /** Launcher name ("npm", "sh") when it only starts other processes. */
  launcher?: string;
  /** True for a shell (a launcher that is not node): lanes' parents skip it. */
  shell: boolean;
  /** Sampled from /proc (a non-node process with its own lane, or a node process). */
  tree?: RawTreeProcess;
}

/**
 * The process tree of a run, joined from three sources: the probe's hello of each node process
 * (pid, ppid, argv), the spawn records of node processes (pid and argv of each child, even one
 * that runs no probe: how a shell between npm and node is known without /proc), and the /proc
 * sampler (every descendant). Pure.
 */
export class ProcessGraph {
  readonly info = new Map<number, ProcessInfo>();

  constructor(run: RawRun, models: ThreadModel[]) {
    const nodePids = new Set(run.processes.map((p) => p.pid));
    for (const m of models) if (m.tid === 0) nodePids.add(m.pid);
    const add = (pid: number, ppid: number | undefined, argv: string[], isNode: boolean) => {
      const launcher = launcherName(argv, isNode);
      this.info.set(pid, { pid, ppid: pid === run.rootPid ? undefined : ppid, argv, isNode, launcher, shell: !!launcher && !isNode });
    };
    for (const p of run.processTree?.processes ?? []) add(p.pid, p.ppid, p.argv, nodePids.has(p.pid) || isNodeArgv(p.argv));
    for (const p of run.processes) {
      const known = this.info.get(p.pid);
      add(p.pid, p.ppid, p.argv.length ? p.argv : known?.argv ?? [], true);
    }
    for (const m of models) {
      if (m.tid === 0 && m.hello && !this.info.has(m.pid)) add(m.pid, m.hello.ppid, m.hello.argv, true);
    }
    for (const m of models) {
      for (const s of m.spawns) {
        if (s.kind !== 'process' || !s.pid || this.info.has(s.pid)) continue;
        const argv = s.args?.length ? s.args : s.file ? [s.file] : [];
        add(s.pid, m.pid, argv, isNodeArgv(argv));
      }
    }
    for (const p of run.processTree?.processes ?? []) { const i = this.info.get(p.pid); if (i) i.tree = p; }
  }

  /** Ancestors of pid, nearest first (stops at the root, an unknown parent, or a cycle of reused pids). */
  ancestors(pid: number): ProcessInfo[] {
    const out: ProcessInfo[] = [];
    const seen = new Set([pid]);
    for (let p = this.info.get(pid)?.ppid; p !== undefined && !seen.has(p); p = this.info.get(p)?.ppid) {
      const i = this.info.get(p);
      if (!i) break;
      seen.add(p);
      out.push(i);
    }
    return out;
  }

  /**
   * The process that runs the user's code: among node processes with a lane that are not
   * launchers, the one with the fewest non-launcher ancestors, then the earliest. Undefined
   * when every candidate is a launcher (`npm --version`).
   */
  mainPid(candidates: { pid: number; startMs: number }[]): number | undefined {
    let best: { pid: number; depth: number; startMs: number } | undefined;
    for (const c of candidates) {
      if (this.info.get(c.pid)?.launcher) continue;
      const depth = this.ancestors(c.pid).filter((a) => !a.launcher).length;
      if (!best || depth < best.depth || (depth === best.depth && c.startMs < best.startMs)) best = { pid: c.pid, depth, startMs: c.startMs };
    }
    return best?.pid;
  }

  /**
   * The lane parent of a process: its nearest ancestor that has a lane and is not a shell, and
   * the last process on the way there (the one that ancestor spawned itself).
   */
  laneParent(pid: number, hasLane: (pid: number) => boolean): { pid: number; via: number } | undefined {
    let via = pid;
    for (const a of this.ancestors(pid)) {
      if (!a.shell && hasLane(a.pid)) return { pid: a.pid, via };
      via = a.pid;
    }
    return undefined;
  }

  /** Launcher names from the root down to pid ("npm", "sh"), for "via npm → sh → node app.js". */
  launchersAbove(pid: number): string[] {
    const chain = this.ancestors(pid).reverse();
    return chain.filter((a) => a.launcher).map((a) => a.launcher!);
  }
}

/** argv of a node executable (`node`, `/usr/bin/node`, `node.exe`, `nodejs`). */
export function isNodeArgv(argv: readonly string[]): boolean {
  const exe = (argv[0] ?? '').split(/[\\/]/).pop()?.toLowerCase() ?? '';
  return exe === 'node' || exe === 'node.exe' || exe === 'nodejs';
}
