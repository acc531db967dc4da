import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PromptAcks } from './promptAcks';

/** A promise with its resolve/reject, settled by the test. */
function pending<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void, reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
const turn = () => new Promise((r) => setImmediate(r));

describe('PromptAcks', () => {
  it('answers a batch of messages that arrives while an answer is awaited with one no-op', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => noOps++);
    const a = pending();
    acks.hold(a.promise);
    acks.received(); acks.received(); acks.received(); // three messages read together
    await turn();
    assert.equal(noOps, 1);
    acks.received(); // the next batch
    await turn();
    assert.equal(noOps, 2);
    a.resolve();
    await turn();
  });

  it('sends nothing when no answer is awaited, nor once the last awaited answer has come', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => noOps++);
    acks.received();
    await turn();
    assert.equal(noOps, 0, 'nothing awaited');
    const a = pending();
    acks.hold(a.promise);
    a.resolve(); // its message is the last one awaited
    await turn();
    acks.received(); // e.g. the no-op's own answer, or an event after the exchange
    await turn();
    assert.equal(noOps, 0);
  });

  it('an answer that comes while another is still awaited sends a no-op (what the program wrote after it is held for our ACK)', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => noOps++);
    const a = pending(), b = pending();
    acks.hold(a.promise);
    acks.hold(b.promise);
    a.resolve();
    await turn();
    assert.equal(noOps, 1);
    b.resolve();
    await turn();
    assert.equal(noOps, 1, 'the last answer sends nothing');
  });

  it('counts a rejected answer as settled, returns the answer unchanged and leaves no unhandled rejection', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => noOps++);
    const a = pending<number>();
    const held = acks.hold(a.promise);
    assert.equal(held, a.promise);
    a.reject(new Error('connection closed'));
    await assert.rejects(held, /connection closed/);
    acks.received();
    await turn();
    assert.equal(noOps, 0);
  });
});
