/**
 * How many event loops a finding's lanes are, in words: "3 processes", "2 worker threads",
 * "1 main thread and 2 worker threads". Lane ids are `pid:threadId` (thread 0: a process's main
 * thread). Worker threads are not processes: jest's `--workerThreads`, vitest's threads pool and
 * piscina run the same line in threads of one process.
 */
export function laneCount(laneIds: readonly string[]): string {
  const pids = new Set<string>();
  let mains = 0;
  let workers = 0;
  for (const id of new Set(laneIds)) {
    const [pid, tid] = id.split(':');
    pids.add(pid);
    if (Number(tid) === 0) mains++; else workers++;
  }
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  if (workers === 0) return n(mains, 'process', 'processes');
  const threads = n(workers, 'worker thread', 'worker threads');
  if (mains === 0) return pids.size > 1 ? `${threads} of ${n(pids.size, 'process', 'processes')}` : threads;
  return `${n(mains, 'main thread', 'main threads')} and ${threads}`;
}
