/**
 * Which thread the probe runs in, without loading node:worker_threads in a process's main thread.
 * There that module loads internal/worker/io, and with it ~20 stream modules, early in every
 * process's start (node:inspector loads it too; what that costs: inspectorAccess.ts). A worker's
 * bootstrap has loaded both already, so there it is free.
 *
 * The rule: Node's bootstrap of a worker thread loads internal/worker/io before any preload runs
 * (the thread's ports and stdio need it); a main thread's does not. So where it is not loaded
 * (process.moduleLoadList), this is a main thread; where it is (a worker, or a main thread whose
 * earlier preload loaded it), worker_threads answers, at no cost. Checked against worker_threads
 * on Node 20, 22 and 24 (thread.test.ts, cli/nodeVersions.test.mjs).
 */
import type * as WorkerThreads from 'node:worker_threads';

/** node:worker_threads, loaded on first use (in a worker: already loaded by Node). */
export function workerThreads(): typeof WorkerThreads {
  return require('node:worker_threads');
}

/** Whether Node has loaded the built-in module `id` in this thread (undefined: Node does not say). */
export function builtinLoaded(id: string): boolean | undefined {
  const list = (process as { moduleLoadList?: unknown }).moduleLoadList;
  return Array.isArray(list) ? list.includes(`NativeModule ${id}`) : undefined;
}

export const isMainThread: boolean = builtinLoaded('internal/worker/io') === false ? true : workerThreads().isMainThread;

/** worker_threads.threadId: 0 in a process's main thread. */
export const threadId: number = isMainThread ? 0 : workerThreads().threadId;
