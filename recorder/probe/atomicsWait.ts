import { now } from './clock';

/**
 * Atomics.wait in a recorded worker thread waits in slices of at most SLICE_MS, so that a
 * `worker.terminate()` the recorder's own inspector calls swallowed still ends the worker.
 *
 * Why (V8 11.3, Node 20; same code in later V8): a thread blocked in Atomics.wait still runs
 * interrupts (FutexEmulation::WaitSync calls StackGuard::HandleInterrupts when woken for one), and
 * Node dispatches inspector messages from an interrupt. So every ~100–125 ms the recorder's
 * Runtime.evaluate (the profile chunk rotation of a worker that made no seam itself: recorder/launcher/threadRecorder.ts) runs JS
 * *inside* the program's wait: piscina's, tinypool's or any idle worker's. When
 * `worker.terminate()` (Node: TerminateExecution) lands while that JS runs, the JS's own stack
 * check takes the termination: the evaluation ends ("Execution was terminated") and the
 * termination is left as the isolate's scheduled exception, but WaitSync sees no exception from
 * HandleInterrupts and goes back to sleep. The scheduled termination is acted on only when the
 * wait returns (notified or timed out): an untimed wait nobody notifies never returns, so
 * terminate() never completes (piscina's `destroy()` hangs, the program never exits), and a second
 * termination while the first is pending (process exit) aborts Node (`Check failed:
 * callback_result != AtomicsWaitEvent::kTerminatedExecution`). A wait in slices returns within
 * SLICE_MS, and the pending termination then ends the worker as the program asked.
 *
 * What the program sees is unchanged except where a slice boundary shows: `Atomics.wait` keeps its
 * name, length and properties (a Proxy of itself); a wait that is notified, finds another value or
 * times out returns 'ok', 'not-equal' or 'timed-out' as before. Two differences, in the few
 * microseconds between slices: an Atomics.notify then finds no waiter (returns 0; a change of the
 * value that came with it wakes the wait at the next slice, as 'ok'), and a value changed without
 * a notify wakes the wait at the next slice ('ok'), where Atomics.wait would sleep on. Waits with
 * arguments that are not plain numbers (or BigInts) are passed through unchanged (their
 * conversions must run once).
 */

/** Longest slice (ms): what a swallowed terminate() is delayed by at most. A waiting thread wakes this often (~µs each). */
export const SLICE_MS = 50;

/** Atomics.wait's shape, both element types in one signature. */
export type Wait = (typedArray: Int32Array | BigInt64Array, index: number, value: number | bigint, timeout?: number) => 'ok' | 'not-equal' | 'timed-out';

/**
 * Waits like `wait` (the original Atomics.wait) in slices of at most `sliceMs`: 'ok' when
 * notified (or when the value changed after the first slice), 'not-equal' when the value differs
 * at the start, 'timed-out' once `timeout` has passed.
 */
export function slicedWait(wait: Wait, typedArray: Int32Array | BigInt64Array, index: number, value: number | bigint, timeout: number | undefined, sliceMs = SLICE_MS): ReturnType<Wait> {
  let remaining = timeout === undefined || Number.isNaN(timeout) ? Infinity : Math.max(0, timeout);
  for (let first = true; ; first = false) {
    const t0 = now();
    const r = wait(typedArray, index, value, Math.min(remaining, sliceMs));
    if (r === 'ok') return r;
    if (r === 'not-equal') return first ? r : 'ok'; // changed while between slices: it was woken
    remaining -= now() - t0;
    if (remaining <= 0) return r;
  }
}

/** The original Atomics.wait, for the probe's own waits. */
export const originalAtomicsWait = Atomics.wait as unknown as Wait;

/**
 * What the probe has recorded and not yet written, for the safe points where a worker that may be
 * terminate()d next writes it: before it blocks in Atomics.wait (here) and before it posts a
 * message (outgoingMessages.ts). A pool's idle worker (piscina, tinypool) waits in Atomics.wait for
 * its next task without its event loop turning, and the pool's terminate() (destroy()) may end it
 * there. Both are ordinary JS calls (not inspector interrupts): the probe's buffers are whole.
 */
export interface PendingRecords {
  /** Something is waiting to be written (a few field reads: asked at every wait). */
  pending(): boolean;
  /** Writes it; never throws. */
  write(): void;
}

/**
 * Makes `Atomics.wait` of this thread wait in slices (see above). For worker threads: they are the
 * ones terminate() ends. Before a wait with a timeout that would block (the value is still the
 * expected one, checked with a wait of timeout 0), `beforeBlocking` writes what is pending: a
 * wait that finds another value returns 'not-equal' at once, as before, and costs no write. To
 * the program this is the same as calling Atomics.wait a little later. Returns the undo
 * (attach's detach): the original comes back unless the program has replaced Atomics.wait since
 * (then its own stays).
 */
export function installSlicedAtomicsWait(beforeBlocking?: PendingRecords): () => void {
  const original = Atomics.wait as unknown as Wait;
  const sliced = new Proxy(original, {
    apply(target, thisArg, args: unknown[]) {
      const [typedArray, index, value, timeout] = args;
      const plain = typeof index === 'number' && (typeof value === 'number' || typeof value === 'bigint') && (timeout === undefined || typeof timeout === 'number');
      if (plain && beforeBlocking && !(typeof timeout === 'number' && timeout <= 0) && beforeBlocking.pending()) {
        // A wrong argument throws here, as the program's own call would have.
        if (Reflect.apply(target, thisArg, [typedArray, index, value, 0]) === 'not-equal') return 'not-equal';
        beforeBlocking.write();
      }
      // Short or unusual waits as they are: one call, the arguments converted once, by V8.
      if (!plain || (typeof timeout === 'number' && timeout <= SLICE_MS)) return Reflect.apply(target, thisArg, args);
      return slicedWait((...a) => Reflect.apply(target, thisArg, a), typedArray as Int32Array, index, value, timeout);
    },
  });
  const descriptor = Object.getOwnPropertyDescriptor(Atomics, 'wait');
  if (!descriptor?.writable && !descriptor?.configurable) return () => undefined;
  Object.defineProperty(Atomics, 'wait', { ...descriptor, value: sliced });
  return () => {
    if (Atomics.wait === (sliced as unknown)) Object.defineProperty(Atomics, 'wait', { ...descriptor, value: original });
  };
}
