import { spawnSync, ChildProcess } from 'node:child_process';

/**
 * Signals to the program's whole process tree. POSIX: the program runs in its own process
 * group (spawned `detached`), so one kill(-pgid) reaches every process it started, as a
 * terminal's Ctrl-C would. Windows has neither process groups nor signals between processes:
 * only a forced end of the tree (`taskkill /T /F`) exists there.
 */

/** Whether this platform can deliver a catchable signal (SIGINT, SIGTERM, SIGHUP) to the program. */
export const CAN_SIGNAL_TREE = process.platform !== 'win32';

/** Spawn option: a process group of its own where there are process groups. */
export const OWN_PROCESS_GROUP = process.platform !== 'win32';

/**
 * Sends `signal` to every process of the tree rooted at `child`. On Windows any signal ends
 * the tree by force. Never throws (the tree may be gone already).
 */
export function signalTree(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (!child?.pid) return;
  if (process.platform === 'win32') {
    try { spawnSync('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true, timeout: 10_000 }); }
    catch { /* taskkill missing: the root process at least */ }
    try { child.kill('SIGKILL'); } catch { /* gone */ }
    return;
  }
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
}
