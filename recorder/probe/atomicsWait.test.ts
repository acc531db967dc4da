// The sliced Atomics.wait of recorded worker threads (atomicsWait.ts) answers as Atomics.wait does:
// real waits on real shared memory, woken by a real second thread.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { slicedWait, installSlicedAtomicsWait, originalAtomicsWait, type Wait } from './atomicsWait';
/** The real Atomics.wait, counting its calls (the slices). */
function counted(): { wait: Wait; calls: () => number } {
  let n = 0;
  return { wait: (...args) => { n++; return originalAtomicsWait(...args); }, calls: () => n };
}

describe('slicedWait', () => {
  it("answers 'not-equal' at once when the value differs", () => {
    const ta = new Int32Array(new SharedArrayBuffer(4));
    ta[0] = 1;
    const c = counted();
    assert.equal(slicedWait(c.wait, ta, 0, 0, undefined, 10), 'not-equal');
    assert.equal(c.calls(), 1);
  });

  it("waits out a timeout longer than a slice in several slices, then answers 'timed-out'", () => {
    const ta = new Int32Array(new SharedArrayBuffer(4));
    const c = counted();
    const t0 = performance.now();
    assert.equal(slicedWait(c.wait, ta, 0, 0, 60, 10), 'timed-out');
    assert.ok(performance.now() - t0 >= 59, 'not before the timeout');
    assert.ok(c.calls() >= 2, `${c.calls()} slices`);
  });

  it("answers 'ok' when another thread stores and notifies after several slices (an untimed wait)", async () => {
    const ta = new Int32Array(new SharedArrayBuffer(8));
    // The other thread raises ta[1] when it runs, then stores and notifies ~150 ms later.
    const w = new Worker(`
      const { workerData: ta } = require('node:worker_threads');
      Atomics.store(ta, 1, 1);
      Atomics.notify(ta, 1);
      setTimeout(() => { Atomics.store(ta, 0, 1); Atomics.notify(ta, 0); }, 150);
    `, { eval: true, workerData: ta });
    try {
      // Bounded wait for the worker to start (a loaded machine may be slow to start a thread).
      assert.notEqual(originalAtomicsWait(ta, 1, 0, 30_000), 'timed-out', 'the worker started');
      const c = counted();
      assert.equal(slicedWait(c.wait, ta, 0, 0, undefined, 10), 'ok');
      assert.equal(ta[0], 1);
      assert.ok(c.calls() >= 2, `${c.calls()} slices`);
    } finally {
      await w.terminate();
    }
  });
});

describe('installSlicedAtomicsWait', () => {
  it('leaves Atomics.wait looking as it was, and answering as it did', () => {
    const before = Object.getOwnPropertyDescriptor(Atomics, 'wait')!;
    const restore = installSlicedAtomicsWait();
    const after = Object.getOwnPropertyDescriptor(Atomics, 'wait')!;
    assert.notEqual(after.value, before.value, 'replaced');
    assert.deepEqual({ ...after, value: undefined }, { ...before, value: undefined }, 'same writable/enumerable/configurable');
    assert.equal(Atomics.wait.name, 'wait');
    assert.equal(Atomics.wait.length, 4);
    const ta = new Int32Array(new SharedArrayBuffer(4));
    assert.equal(Atomics.wait(ta, 0, 1), 'not-equal');
    assert.equal(Atomics.wait(ta, 0, 0, 5), 'timed-out');
    assert.equal(Atomics.wait(ta, 0, 0, 80), 'timed-out');
    assert.throws(() => Atomics.wait(new Int32Array(4), 0, 0, 80), TypeError, 'not shared memory: the same error');
    restore(); // attach's detach
    assert.deepEqual(Object.getOwnPropertyDescriptor(Atomics, 'wait'), before, 'the original is back');
  });
  it("the undo leaves a program's own later replacement in place", () => {
    const before = Object.getOwnPropertyDescriptor(Atomics, 'wait')!;
    const restore = installSlicedAtomicsWait();
    const programs = function wait() { return 'ok' as const; };
    Atomics.wait = programs as any;
    restore();
    assert.equal(Atomics.wait, programs);
    Object.defineProperty(Atomics, 'wait', before);
  });
});

describe('installSlicedAtomicsWait: pending records are written before a wait blocks', () => {
  /** Records that are pending until written, counting the writes. */
  function records(pending = true) {
    const r = { pending, writes: 0 };
    return { r, records: { pending: () => r.pending, write: () => { r.writes++; r.pending = false; } } };
  }
  it('writes them before a wait that blocks (untimed or timed), once', () => {
    const { r, records: rec } = records();
    const restore = installSlicedAtomicsWait(rec);
    try {
      const ta = new Int32Array(new SharedArrayBuffer(4));
      assert.equal(Atomics.wait(ta, 0, 0, 20), 'timed-out');
      assert.equal(r.writes, 1);
      assert.equal(Atomics.wait(ta, 0, 0, 80), 'timed-out', 'sliced');
      assert.equal(r.writes, 1, 'nothing pending: no write');
      r.pending = true;
      assert.equal(Atomics.wait(ta, 0, 0, 80), 'timed-out');
      assert.equal(r.writes, 2);
    } finally { restore(); }
  });
  it("writes nothing when the wait would not block: another value ('not-equal'), a timeout of 0, odd arguments", () => {
    const { r, records: rec } = records();
    const restore = installSlicedAtomicsWait(rec);
    try {
      const ta = new Int32Array(new SharedArrayBuffer(4));
      ta[0] = 7;
      assert.equal(Atomics.wait(ta, 0, 0), 'not-equal');
      assert.equal(Atomics.wait(ta, 0, 7, 0), 'timed-out');
      assert.equal(Atomics.wait(ta, 0, 7, -5), 'timed-out');
      assert.equal(Atomics.wait(ta, '0' as any, 7, 1), 'timed-out');
      assert.equal(r.writes, 0);
      assert.throws(() => Atomics.wait(new Int32Array(4), 0, 0, 80), TypeError, 'not shared memory: the same error');
      assert.equal(r.writes, 0, 'a wait that throws writes nothing');
    } finally { restore(); }
  });
});
