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

/**
 * The interval switched to, µs: far from the base 500 µs, since a crowded machine spreads the
 * samples (500 µs ones had a median gap of 3 ms at load 9 on 2 cores); it never packs them closer.
 */
const COARSE_US = 8000;

/** Median time between a profile's samples, µs. */
function medianDelta(profile: { timeDeltas: number[] }): number {
  const d = profile.timeDeltas.slice(1).sort((a, b) => a - b);
  return d[d.length >> 1];
}

describe('LoopSwitch', () => {
  /**
   * The recorder's poll (threadRecorder.ts rotateAtLoop), run where its commands run: set the
   * interval and ask the status; `start` only once V8 took the interval, or once it refused it
   * while the probe waited through two polls.
   */
  function recorderPoll(sw: LoopSwitch, state: { waited: boolean }) {
    const set = post('Profiler.setSamplingInterval', { interval: COARSE_US });
    const status = sw.status();
    let seams = Array.isArray(status) ? status : null;
    if (!seams && (set.error === undefined || (state.waited && status === 1))) seams = sw.start();
    state.waited = status === 1;
    return { set, status, seams };
  }

  it('changes the interval only once the probe ended its chunk at the loop; the next chunk samples at it', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let released = 0;
    const state = { waited: false };
    let inWait: ReturnType<typeof recorderPoll> | undefined;
    const sw = new LoopSwitch(chunk, () => { inWait = recorderPoll(sw, state); }, () => { released++; });
    chunk(1, 0);
    spin(30);
    // The recorder's poll before the thread reached its loop: V8 refuses the interval, nothing starts.
    const early = recorderPoll(sw, state);
    assert.match(early.set.error ?? '', /Cannot change sampling interval/);
    assert.equal(early.status, 0);
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
    spin(200);
    chunk(0, 1);
    assert.equal(finished.length, 2);
    assert.ok(medianDelta(finished[0]) < COARSE_US / 2, `before: ${medianDelta(finished[0])} µs`);
    assert.ok(medianDelta(finished[1]) >= COARSE_US * 0.9, `after: ${medianDelta(finished[1])} µs`);
    assert.equal(chunk.running(), false);
    post('Profiler.setSamplingInterval', { interval: 500 });
  });

  it('the probe reaching its loop between the interval and the status: nothing starts until V8 took the interval', () => {
    const n = finished.length;
    const chunk = profileChunker(inspector.console as any, () => 0);
    const state = { waited: false };
    const polls: ReturnType<typeof recorderPoll>[] = [];
    let refused: { error?: string } | undefined;
    const sw: LoopSwitch = new LoopSwitch(chunk, () => {
      // The status arrives once the probe waits; the next poll's interval is taken.
      polls.push({ set: refused!, status: sw.status(), seams: null });
      polls.push(recorderPoll(sw, state));
    }, () => undefined);
    chunk(1, 0);
    spin(20);
    sw.arm();
    // The pair's first command, handled while the chunk still runs (refused)…
    refused = post('Profiler.setSamplingInterval', { interval: COARSE_US });
    assert.match(refused.error ?? '', /Cannot change sampling interval/);
    // …then the thread reaches its loop before the second.
    assert.equal(sw.atLoop(), true);
    assert.equal(polls[0].status, 1, 'waiting: nothing started on a refused interval');
    assert.equal(polls[1].set.error, undefined);
    assert.equal(polls[1].seams?.[2], 0);
    spin(200);
    chunk(0, 1);
    assert.equal(finished.length, n + 2);
    assert.ok(medianDelta(finished[n + 1]) >= COARSE_US * 0.9, `after: ${medianDelta(finished[n + 1])} µs`);
    post('Profiler.setSamplingInterval', { interval: 500 });
  });

  it('V8 refusing the interval while the probe waits (a console.profile of the program\'s own): started at the old interval after two polls', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    const state = { waited: false };
    const polls: ReturnType<typeof recorderPoll>[] = [];
    const sw: LoopSwitch = new LoopSwitch(chunk, () => { polls.push(recorderPoll(sw, state), recorderPoll(sw, state)); }, () => undefined);
    (inspector.console as any).profile('the program\'s own');
    chunk(1, 0);
    sw.arm();
    assert.equal(sw.atLoop(), true);
    assert.match(polls[0].set.error ?? '', /Cannot change sampling interval/);
    assert.equal(polls[0].seams, null, 'one refusal may be the race above');
    assert.match(polls[1].set.error ?? '', /Cannot change sampling interval/);
    assert.equal(polls[1].seams?.[2], 0, 'refused twice while waiting: started, not late');
    assert.equal(chunk.running(), true);
    chunk(0, 1);
    (inspector.console as any).profileEnd('the program\'s own');
  });

  it('starts the next chunk itself when the recorder does not come; the recorder then gets the seams, marked late', () => {
    const chunk = profileChunker(inspector.console as any, () => 0);
    let released = 0;
    const sw = new LoopSwitch(chunk, () => undefined, () => { released++; });
    chunk(1, 0);
    sw.arm();
    assert.equal(sw.atLoop(), true);
    assert.equal(chunk.running(), true, 'profiled on');
    assert.equal(sw.disarm(), false, 'begun: the recorder goes on with its poll');
    const seams = sw.status();
    assert.ok(Array.isArray(seams));
    assert.equal(seams[2], 1);
    assert.equal(released, 0);
    assert.equal(sw.status(), 0, 'once');
    assert.equal(sw.start(), null);
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
