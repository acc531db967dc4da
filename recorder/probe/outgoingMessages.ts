import { workerThreads } from './thread';
import { beforeCalls } from './beforeCalls';
import type { PendingRecords } from './atomicsWait';

/**
 * The probe writes what it recorded before a worker thread posts a message
 * (`MessagePort.prototype.postMessage`: parentPort, a pool's own port, any channel) and before a
 * forked child sends one to its parent over IPC (`process.send`).
 *
 * Why: a pool ends its workers abruptly once they said they are done, and a message is how a
 * worker says so: vitest's threads pool terminate()s a worker a moment after its "stopped", its
 * forks pool (the default) SIGTERMs the child, with their event loops idle (the probe's periodic
 * write, every ~100 ms, may not have come); a piscina or tinypool worker posts its result, then
 * blocks in Atomics.wait (atomicsWait.ts). What the thread recorded before the message is written
 * before anyone can act on it, so an end the message led to loses none of it. Nothing is written
 * when nothing is pending (a few field reads per message).
 *
 * What the program sees is unchanged: postMessage is a Proxy of itself (name, length,
 * properties); it is called with the same `this` and arguments and its result or exception is
 * the program's. Returns the undo (attach's detach).
 */
export function writeBeforePostMessage(records: PendingRecords): () => void {
  return writeBeforeCalls((workerThreads() as any).MessagePort?.prototype, 'postMessage', records);
}

/** The same for `process.send` of a child process with an IPC channel (none: nothing to do). */
export function writeBeforeProcessSend(records: PendingRecords): () => void {
  return writeBeforeCalls(process, 'send', records);
}

/** Before each call of `owner[name]`: the pending records, written (beforeCalls.ts). */
function writeBeforeCalls(owner: any, name: string, records: PendingRecords): () => void {
  return beforeCalls(owner, name, () => { if (records.pending()) records.write(); });
}
