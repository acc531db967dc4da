/**
 * The thread id of a worker the NodeWorker domain attached to (its `worker_threads.threadId`,
 * the tid its probe writes its records and exit announcement under), read from the title Node
 * gives it: `[worker 3]`, `[worker 3] <name>` (Node 20–22), `<prefix>Worker 3` (later). NodeWorker's
 * own `workerId` is not the thread id: it is the parent session's attach counter, in the order the
 * workers' inspectors came up, so workers started together (a pool), a worker terminated before it
 * started, or Node's own loader thread make the two differ. Undefined when the title says no id.
 */
export function workerThreadId(title: string): number | undefined {
  const m = /^\[worker (\d+)\]/.exec(title) ?? /\bWorker (\d+)$/.exec(title);
  return m ? Number(m[1]) : undefined;
}
