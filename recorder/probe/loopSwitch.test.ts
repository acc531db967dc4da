// The switch of the sampling interval at the loop (loopSwitch.ts) against V8's real profiler: an
// in-process inspector session plays the recorder (its commands run where the recorder's would:
// inside the probe's wait), and the probe's chunker drives V8's console profiles.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import inspector from 'node:inspector';
import { LoopSwitch } from './loopSwitch';
import { profileChunker } from './threadGauges';

let session: inspector.Session;
/** Posts a command to the session (answered synchronously in this thread): its result, or the error's message. */
function post(method: string, params?: object): { result?: any; error?: string } {
  let out: { result?: any; error?: string } | undefined;
  session.post(method, params, (error, result) => { out = error ? { error: error.message } : { result }; });
  assert.ok(out, `${method} answered synchronously`);
  return out;
}
const finished: any[] = [];

before(() => {
  session = new inspector.Session();
  session.connect();
  session.on('Profiler.consoleProfileFinished', (m) => finished.push(m.params.profile));
  post('Profiler.enable');
  post('Profiler.setSamplingInterval', { interval: 500 });
});
after(() => session.disconnect());

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

/** Median time between a profile's samples, µs. */
function medianDelta(profile: { timeDeltas: number[] }): number {
  const d = profile.timeDeltas.slice(1).sort((a, b) => a - b);
  return d[d.length >> 1];
}

describe('LoopSwitch', () => {
  it('changes the interval only once the probe ended its chunk at the loop; the next chunk samples at it', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let released = 0;
    const recorderPair = () => ({ set: post('Profiler.setSamplingInterval', { interval: 4000 }), seams: sw.start() });
    let inWait: ReturnType<typeof recorderPair> | undefined;
    const sw = new LoopSwitch(chunk, () => { inWait = recorderPair(); }, () => { released++; });
    chunk(1, 0);
    spin(30);
    // The recorder's pair before the thread reached its loop: V8 refuses the interval, nothing starts.
    const early = recorderPair();
    assert.match(early.set.error ?? '', /Cannot change sampling interval/);
    assert.equal(early.seams, null);
    assert.equal(sw.atLoop(), false, 'not armed: nothing at the loop');
    assert.equal(sw.arm(), true);
    assert.equal(sw.atLoop(), true);
    assert.ok(inWait);
    assert.equal(inWait.set.error, undefined, 'the interval is taken while the probe waits');
    const [ended, started, late] = inWait.seams!;
    assert.equal(late, 0);
    assert.equal(released, 1);
    assert.ok(started[1] >= ended[1]);
    assert.equal(finished.length, 1, 'the chunk ended at the loop');
    spin(120);
    chunk(0, 1);
    assert.equal(finished.length, 2);
    assert.ok(medianDelta(finished[0]) < 2000, `before: ${medianDelta(finished[0])} µs`);
    assert.ok(medianDelta(finished[1]) >= 3600, `after: ${medianDelta(finished[1])} µs`);
    assert.equal(chunk.running(), false);
    post('Profiler.setSamplingInterval', { interval: 500 });
  });

  it('starts the next chunk itself when the recorder does not come; the recorder then gets the seams, marked late', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let released = 0;
    const sw = new LoopSwitch(chunk, () => undefined, () => { released++; });
    chunk(1, 0);
    sw.arm();
    assert.equal(sw.atLoop(), true);
    assert.equal(chunk.running(), true, 'profiled on');
    assert.equal(sw.disarm(), false, 'begun: the recorder goes on with start');
    const seams = sw.start();
    assert.equal(seams?.[2], 1);
    assert.equal(released, 0);
    assert.equal(sw.start(), null, 'once');
    chunk(0, 1);
  });

  it('does nothing at the loop once disarmed, or once the last chunk was collected', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let waits = 0;
    const sw = new LoopSwitch(chunk, () => { waits++; }, () => undefined);
    chunk(1, 0);
    sw.arm();
    assert.equal(sw.disarm(), true);
    assert.equal(sw.atLoop(), false);
    sw.arm();
    chunk(0, 1); // the recorder collected the last chunk
    assert.equal(sw.atLoop(), false);
    assert.equal(waits, 0);
    assert.equal(chunk.running(), false);
  });

  it('starts exactly one chunk after the switch (the recorder\'s, not also the probe\'s own)', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let starts = 0;
    const counted = Object.assign((start: number, end: number) => { if (start) starts++; return chunk(start, end); }, { running: () => chunk.running() });
    let released = 0;
    const sw: LoopSwitch = new LoopSwitch(counted, () => { sw.start(); }, () => { released++; });
    counted(1, 0);
    sw.arm();
    sw.atLoop();
    assert.equal(starts, 2, 'the first chunk and one after the switch');
    assert.equal(released, 1);
    chunk(0, 1);
  });
});
