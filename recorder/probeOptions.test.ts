// Who starts a worker's CPU profile (recorder/probeOptions.ts): the probe (chunk 1) or the
// recorder (Profiler.start), whichever comes first on the thread, never both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { firstChunkClaimExpression, probeTakesFirstChunk } from './probeOptions';

/** A fresh global, and the recorder's claim evaluated in it (as Runtime.evaluate does). */
function thread() {
  const context = vm.createContext({});
  const global = vm.runInContext('globalThis', context) as Record<symbol, unknown>;
  return { global, recorderClaims: () => vm.runInContext(firstChunkClaimExpression(), context) as boolean };
}

describe('the first CPU profile chunk of a worker', () => {
  it('is the probe\'s when the probe comes first: the recorder then sees it started', () => {
    const t = thread();
    assert.equal(probeTakesFirstChunk(t.global), true);
    assert.equal(t.recorderClaims(), true);
    assert.equal(t.recorderClaims(), true);
  });
  it('is the recorder\'s when the recorder asks first: a probe loading later does not start one', () => {
    const t = thread();
    assert.equal(t.recorderClaims(), false);
    assert.equal(probeTakesFirstChunk(t.global), false);
    assert.equal(t.recorderClaims(), false);
  });
});
