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

/** PromptAcks whose no-ops the test answers: `noOpAnswers[i]()` answers the i-th no-op sent. */
function answeredNoOps(): { acks: PromptAcks; noOpAnswers: (() => void)[] } {
  const noOpAnswers: (() => void)[] = [];
  const acks = new PromptAcks(() => { const p = pending(); noOpAnswers.push(() => p.resolve()); return p.promise; });
  return { acks, noOpAnswers };
}

/** Answers the last no-op `count` times, each time measuring (mocked ms, at most 100) until the next one is sent. */
async function followUpGaps(t: { mock: { timers: { tick(ms: number): void } } }, noOpAnswers: (() => void)[], count: number): Promise<number[]> {
  const gaps: number[] = [];
  for (let i = 0; i < count; i++) {
    noOpAnswers[noOpAnswers.length - 1](); // the no-op's answer: only that came
    await turn();
    let ms = 0;
    const sent: number = noOpAnswers.length;
    while (noOpAnswers.length === sent && ms < 100) { t.mock.timers.tick(1); ms++; }
    gaps.push(ms);
  }
  return gaps;
}

describe('PromptAcks', () => {
  it('answers a batch of messages that arrives while an answer is awaited with one no-op', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
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
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
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
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
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

  it("a no-op's answer that comes while an answer is still awaited is followed by another no-op, 1 ms later, then 2, 4… up to 16 ms (a worker's reply waits behind it)", async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { acks, noOpAnswers } = answeredNoOps();
    const reply = pending();
    acks.hold(reply.promise); // a worker's reply: comes long after the relay's answer
    acks.received(); // the relay's answer, say
    await turn();
    assert.equal(noOpAnswers.length, 1);
    assert.deepEqual(await followUpGaps(t, noOpAnswers, 7), [1, 2, 4, 8, 16, 16, 16]);
    acks.received(); // a real message: answered at once, and the follow-ups start over
    await turn();
    const n: number = noOpAnswers.length;
    assert.equal(n, 9, "answered at once");
    noOpAnswers[n - 1]();
    await turn();
    t.mock.timers.tick(1);
    assert.equal(noOpAnswers.length, n + 1);
    reply.resolve();
    await turn();
    noOpAnswers[n]();
    await turn();
    t.mock.timers.tick(100);
    assert.equal(noOpAnswers.length, n + 1, 'nothing awaited: no follow-up');
  });

  it('a follow-up is not sent once the awaited answer came meanwhile', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { acks, noOpAnswers } = answeredNoOps();
    const reply = pending();
    acks.hold(reply.promise);
    acks.received();
    await turn();
    noOpAnswers[0]();
    await turn(); // a follow-up is due in 1 ms
    reply.resolve();
    await turn();
    t.mock.timers.tick(50);
    assert.equal(noOpAnswers.length, 1);
  });

  it('counts a rejected answer as settled, returns the answer unchanged and leaves no unhandled rejection', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
    const a = pending<number>();
    const held = acks.hold(a.promise);
    assert.equal(held, a.promise);
    a.reject(new Error('connection closed'));
    await assert.rejects(held, /connection closed/);
    acks.received();
    await turn();
    assert.equal(noOps, 0);
  });

  it('a lazy answer is not awaited: what arrives meanwhile sends no no-op, and the answer is returned unchanged', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
    const rotation = pending<number>();
    assert.equal(acks.lazy(rotation.promise), rotation.promise);
    acks.received(); acks.received(); // the chunk's event, the relay's answer…
    await turn();
    rotation.resolve(1);
    await turn();
    acks.received();
    await turn();
    assert.equal(noOps, 0);
  });

  it('hurry: a lazy answer still to come is awaited from then on (a no-op at once, then every batch answered) until it comes', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
    const rotation = pending();
    const came = pending();
    acks.lazy(rotation.promise);
    acks.lazy(came.promise);
    came.resolve(); // came before the hurry: not awaited
    await turn();
    acks.hurry();
    assert.equal(noOps, 1, 'a no-op at once');
    acks.received();
    await turn();
    assert.equal(noOps, 2, 'a batch while the hurried answer is awaited');
    rotation.resolve();
    await turn();
    acks.received();
    await turn();
    assert.equal(noOps, 2, 'nothing awaited any more');
    acks.hurry();
    assert.equal(noOps, 2, 'nothing lazy to hurry: nothing sent');
  });

  it('a lazy answer that is rejected leaves no unhandled rejection, hurried or not', async () => {
    let noOps = 0;
    const acks = new PromptAcks(() => { noOps++; return new Promise(() => undefined); });
    const a = pending(), b = pending();
    const lazyA = acks.lazy(a.promise);
    acks.lazy(b.promise).catch(() => undefined);
    acks.hurry();
    a.reject(new Error('worker exited'));
    b.reject(new Error('worker exited'));
    await assert.rejects(lazyA, /worker exited/);
    await turn();
    acks.received();
    await turn();
    assert.equal(noOps, 1, 'only the hurry sent one');
  });

  it('an expected event (an announced worker\'s attachment) sends a no-op at once, then follow-ups at most 4 ms apart until it comes, then nothing', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const { acks, noOpAnswers } = answeredNoOps();
    const attached = pending();
    acks.expect(attached.promise);
    assert.equal(noOpAnswers.length, 1, 'at once: nothing else would carry our ACK');
    assert.deepEqual(await followUpGaps(t, noOpAnswers, 6), [1, 2, 4, 4, 4, 4]);
    attached.resolve();
    await turn();
    noOpAnswers[noOpAnswers.length - 1]();
    await turn();
    const n: number = noOpAnswers.length;
    t.mock.timers.tick(100);
    await turn();
    assert.equal(noOpAnswers.length, n, 'no follow-up once it came');
  });

  it('with a carrier: every batch is answered with one carrier, awaited or not (a lazy answer too); an expectation or a hurry carries at once; never a no-op, never a follow-up', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let noOps = 0, carried = 0;
    const acks = new PromptAcks(() => { noOps++; return Promise.resolve(); }, { carry: () => { carried++; } });
    acks.received(); acks.received(); // nothing awaited
    await turn();
    assert.equal(carried, 1, 'one carrier per batch, nothing awaited');
    const lazy = pending();
    acks.lazy(lazy.promise);
    acks.received();
    await turn();
    assert.equal(carried, 2);
    acks.hurry();
    assert.equal(carried, 3, 'a hurry carries at once');
    const attached = pending();
    acks.expect(attached.promise);
    assert.equal(carried, 4, 'an expectation carries at once');
    t.mock.timers.tick(100);
    await turn();
    assert.equal(carried, 4, 'no follow-ups: a carrier has no answer to acknowledge');
    lazy.resolve(); attached.resolve();
    await turn();
    assert.equal(noOps, 0);
  });
});
