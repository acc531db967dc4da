// Who starts a worker's CPU profile (recorder/probeOptions.ts): the probe (chunk 1) or the
// recorder, whichever comes first on the thread; chunk 1 is started once, never twice. Run on
// this thread's real inspector (an in-process session, as the recorder's remote one evaluates).
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from 'node:inspector';
import { firstChunkClaimExpression, probeTakesFirstChunk, PROFILE_CHUNK_PREFIX, PROBE_GLOBAL } from './probeOptions';
import { profileChunker } from './probe/threadGauges';

const KEY = Symbol.for('concurrency-lens.firstChunk');

/** This thread, seen over the inspector: the recorder's claim, and the console profiles started. */
function thread() {
  const session = new Session();
  session.connect();
  const started: string[] = [];
  session.on('Profiler.consoleProfileStarted', (m) => started.push(m.params.title ?? ''));
  const post = (method: string, params?: object) => new Promise<any>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  return {
    started,
    enable: () => post('Profiler.enable'),
    recorderClaims: async (start: boolean) => (await post('Runtime.evaluate', { expression: firstChunkClaimExpression(start), returnByValue: true })).result.value as boolean | null,
    end: async () => { await post('Runtime.evaluate', { expression: `profileEnd(${JSON.stringify(`${PROFILE_CHUNK_PREFIX}1`)})`, includeCommandLineAPI: true }); session.disconnect(); },
  };
}

afterEach(() => { delete (globalThis as any)[KEY]; delete (globalThis as any)[PROBE_GLOBAL]; });
/** The probe's runtime as far as the claim sees it: its chunker (the probe's own, on V8's console). */
const probeLoaded = () => { (globalThis as any)[PROBE_GLOBAL] = { profileChunk: profileChunker(console, () => 0) }; };

describe('the first CPU profile chunk of a worker', () => {
  it('is the probe\'s when the probe comes first: the recorder sees it and starts none', async () => {
    const t = thread();
    await t.enable();
    assert.equal(probeTakesFirstChunk(globalThis as any), true);
    assert.equal(await t.recorderClaims(true), true);
    assert.equal(await t.recorderClaims(false), true);
    assert.deepEqual(t.started, []);
    await t.end();
  });
  it('waits while no probe has loaded (no start within Node\'s bootstrap), then is the probe\'s', async () => {
    const t = thread();
    await t.enable();
    assert.equal(await t.recorderClaims(true), null);
    assert.equal(probeTakesFirstChunk(globalThis as any), true);
    assert.equal(await t.recorderClaims(true), true);
    assert.deepEqual(t.started, []);
    await t.end();
  });
  it('is the recorder\'s from a probe that loaded without starting it: started in that step, once, and the probe then starts none', async () => {
    const t = thread();
    await t.enable();
    probeLoaded();
    assert.equal(await t.recorderClaims(true), false);
    assert.deepEqual(t.started, [`${PROFILE_CHUNK_PREFIX}1`]);
    assert.equal(await t.recorderClaims(true), false);
    assert.equal(probeTakesFirstChunk(globalThis as any), false);
    assert.deepEqual(t.started, [`${PROFILE_CHUNK_PREFIX}1`]);
    await t.end();
  });
  it('without start, only claims: a thread that is exiting gets no profile', async () => {
    const t = thread();
    await t.enable();
    assert.equal(await t.recorderClaims(false), false);
    assert.equal(probeTakesFirstChunk(globalThis as any), false);
    assert.deepEqual(t.started, []);
    await t.end();
  });
});
