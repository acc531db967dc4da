import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { profileChunker } from './threadGauges';
import { now } from './clock';
import { profileChunkExpression, PROFILE_CHUNK_PREFIX, WANTED_CPU_AT } from '../probeOptions';

// The probe's side of the chunk rotation, on a console that records its calls (the real V8
// console end to end: cli/abruptEnds.test.mjs and every profiled run).
describe('profileChunker', () => {
  it('titles the chunks itself, so that the recorder evaluates one of three constant expressions', () => {
    const exprs = new Set([profileChunkExpression(1, 0), profileChunkExpression(2, 1), profileChunkExpression(3, 2), profileChunkExpression(0, 3), profileChunkExpression(4, 0)]);
    assert.equal(exprs.size, 3, [...exprs].join('\n'));
  });
  it('starts the next chunk before it ends the current one, each title once', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 7);
    chunk(1, 0); // the recorder's own Profiler.start is chunk 0: nothing of the probe's to end
    chunk(1, 1);
    chunk(0, 1); // a coarser interval: end, then start apart
    const reading = chunk(1, 0);
    chunk(0, 1); // the last chunk
    const p = PROFILE_CHUNK_PREFIX;
    assert.deepEqual(calls, [`start ${p}1`, `start ${p}2`, `end ${p}1`, `end ${p}2`, `start ${p}3`, `end ${p}3`]);
    assert.equal(reading[4], 7, 'requests served');
    assert.equal(reading.length, WANTED_CPU_AT + 1);
    assert.ok(process.platform !== 'linux' || reading[WANTED_CPU_AT] >= reading[0], `wanted ${reading[WANTED_CPU_AT]} ms >= on CPU ${reading[0]} ms`);
  });
  it('pauses (ends its chunk, starts none) and resumes with the next title, once, whoever starts it first', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0, true);
    const p = PROFILE_CHUNK_PREFIX;
    assert.equal(chunk.pause(), true);
    assert.equal(chunk.running(), false);
    assert.equal(chunk.pause(), false, 'nothing left to end');
    const resumedAt = chunk.resume();
    assert.equal(chunk.resume(), resumedAt, 'already running: no second profile, the same start');
    assert.equal(chunk.pause(), true);
    const rotationAt = now();
    chunk(1, 1); // a recorder's rotation while paused: starts the next chunk, ends none
    const startedAt = chunk.resume(); // then nothing to resume: the rotation's start is when sampling resumed
    assert.ok(startedAt >= resumedAt && startedAt <= now(), `${startedAt} after ${resumedAt}`);
    assert.ok(Math.abs(startedAt - rotationAt) < 50, `resumed at the rotation (${startedAt} vs ${rotationAt})`);
    chunk(0, 1);
    assert.deepEqual(calls, [`end ${p}1`, `start ${p}2`, `end ${p}2`, `start ${p}3`, `end ${p}3`]);
  });
  it('ends nothing when no chunk of its own runs', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0);
    chunk(0, 1);
    assert.deepEqual(calls, []);
  });
});
