import { parentPid, processGroup } from './processTree';

/** How far up from a recorded process its parents are followed (node → sh → npm → the signalled process, and a little more). */
const MAX_DEPTH = 6;

/** A recorded process as the run knows it: its announced parent, and its main thread's recorder (null: a launcher, or not connected yet). */
export interface KnownProcess<R> { announcement: { ppid: number; launcher?: string }; main: R | null }

/**
 * The recorded processes a signal sent to `pid` reaches, to be seamed before it is sent
 * (ThreadRecorder.seamBeforeSignal). `pid` is as kill(2) takes it:
 * - below -1, process group -pid (`process.kill(-pgid, 'SIGKILL')`: Playwright's end of a web
 *   server and of every process it launched, started detached): each recorded process in that
 *   group (`groupOf`: /proc/<pid>/stat; none where there is no /proc);
 * - `pid` itself, when it is recorded;
 * - else, when it is a launcher (npm, npx…: it runs no user code, and passes SIGTERM and SIGINT
 *   on to its child) or a process we do not record (a shell running a command), the recorded
 *   processes under it: each whose parents, followed through the announcements and then
 *   `parentOf` (a shell between them), reach `pid` within MAX_DEPTH steps.
 * One the signal does not reach (a launcher cannot pass SIGKILL on) is seamed for nothing: a round trip.
 */
export function signalledProcesses<R>(pid: number, processes: ReadonlyMap<number, KnownProcess<R>>, parentOf: (pid: number) => number | undefined = parentPid,
  groupOf: (pid: number) => number | undefined = processGroup): R[] {
  if (pid < -1) return [...processes].filter(([p, { main }]) => main && groupOf(p) === -pid).map(([, { main }]) => main!);
  if (pid <= 0) return []; // this process's own group, or every process: not looked into
  const own = processes.get(pid);
  if (own?.main) return [own.main];
  if (own === undefined && parentOf(pid) === undefined) return []; // gone, or not ours to look under
  const under: R[] = [];
  for (const p of processes.values()) {
    if (!p.main) continue;
    let parent: number | undefined = p.announcement.ppid;
    for (let depth = 0; parent !== undefined && parent > 1 && depth < MAX_DEPTH; depth++) {
      if (parent === pid) { under.push(p.main); break; }
      const known = processes.get(parent);
      if (known?.main) break; // a recorded node in between: the signal stops there
      parent = known ? known.announcement.ppid : parentOf(parent);
    }
  }
  return under;
}
