import * as wt from 'node:worker_threads';
import type { PendingRecords } from './atomicsWait';

/**
 * In a worker thread, the probe writes what it recorded before the thread posts a message
 * (`MessagePort.prototype.postMessage`: parentPort, a pool's own port, any channel).
 *
 * Why: a pool ends its workers with terminate() once they said they are done, and a message is
 * how a worker says so: vitest's threads pool posts "stopped" and is terminate()d a moment later,
 * with its event loop idle (the probe's periodic write, every ~100 ms, may not have come); a
 * piscina or tinypool worker posts its result, then blocks in Atomics.wait (atomicsWait.ts). What
 * the thread recorded before the message is written before anyone can act on it, so a terminate()
 * the message led to loses none of it. Nothing is written when nothing is pending (a few field
 * reads per message).
 *
 * What the program sees is unchanged: postMessage is a Proxy of itself (name, length,
 * properties); it is called with the same `this` and arguments and its result or exception is
 * the program's. Returns the undo (attach's detach).
 */
export function writeBeforePostMessage(records: PendingRecords): () => void {
  const proto = (wt as any).MessagePort?.prototype;
  const descriptor = proto && Object.getOwnPropertyDescriptor(proto, 'postMessage');
  const original = descriptor?.value;
  if (typeof original !== 'function' || (!descriptor.writable && !descriptor.configurable)) return () => undefined;
  const wrapped = new Proxy(original, {
    apply(target, thisArg, args) {
      if (records.pending()) records.write();
      return Reflect.apply(target, thisArg, args);
    },
  });
  Object.defineProperty(proto, 'postMessage', { ...descriptor, value: wrapped });
  return () => {
    if (proto.postMessage === wrapped) Object.defineProperty(proto, 'postMessage', { ...descriptor, value: original });
  };
}
