import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { profileChunker } from './threadGauges';
import { now } from './clock';
import { asOwnWork, ownChunkMs, ownLoadMs, ownWorkMs } from './ownTime';
import { profileChunkExpression, titleReading, PROFILE_CHUNK_PREFIX, WANTED_CPU_AT, CHUNK_MS_AT } from '../probeOptions';

// The probe's side of the chunk rotation, on a console that records its calls (the real V8
// console end to end: cli/abruptEnds.test.mjs and every profiled run).
describe('profileChunker', () => {
  it('titles the chunks itself, so that the recorder evaluates one of three constant expressions', () => {
    const exprs = new Set([profileChunkExpression(1, 0), profileChunkExpression(2, 1), profileChunkExpression(3, 2), profileChunkExpression(0, 3), profileChunkExpression(4, 0)]);
    assert.equal(exprs.size, 3, [...exprs].join('\n'));
  });
  it("carries a worker's pace (the recorder's chunk interval): one string more per interval, the same without", () => {
    assert.equal(profileChunkExpression(2, 1, undefined), profileChunkExpression(2, 1));
    const paced = new Set([profileChunkExpression(2, 1, 100), profileChunkExpression(3, 2, 100), profileChunkExpression(4, 3, 200)]);
    assert.equal(paced.size, 2, [...paced].join('\n'));
    const seen: unknown[][] = [];
    (globalThis as any)[Symbol.for('concurrency-lens')] = { profileChunk: (...args: unknown[]) => { seen.push(args); return [1, 2]; } };
    try {
      assert.deepEqual(eval(profileChunkExpression(2, 1, 100)), [1, 2]);
      assert.deepEqual(seen, [[1, 1, 100]]);
    } finally { delete (globalThis as any)[Symbol.for('concurrency-lens')]; }
  });
  it("announces the reading of a seam it makes itself in the next chunk's title, which the recorder reads back", () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 3, true);
    const own = chunk.announced(1, 1);
    chunk(1, 1); // the recorder's rotation
    const p = PROFILE_CHUNK_PREFIX;
    assert.deepEqual(calls, [`start ${p}2 ${JSON.stringify(own)}`, `end ${p}1`, `start ${p}3`, `end ${p}2 ${JSON.stringify(own)}`]);
    assert.deepEqual(titleReading(calls[0].slice('start '.length)), own);
    assert.equal(own[4], 3, 'requests served');
    assert.equal(titleReading(`${p}3`), undefined, 'a rotation of the recorder: its answer carries the reading');
    assert.equal(titleReading(`${p}4 [1,"x"]`), undefined, 'not a reading');
    assert.equal(titleReading('a title of the program\'s [1,2]'), undefined);
  });
  it("puts the length of the chunk a seam starts in its reading when paced (a worker's own seams), in the title the recorder reads", () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0, true);
    const unpaced = chunk.announced(1, 1);
    assert.equal(unpaced.length, CHUNK_MS_AT, 'no length without a pacer (a main thread)');
    const seen: number[] = [];
    chunk.pacedBy((r) => { seen.push(r[1]); return 400; });
    const own = chunk.announced(1, 1);
    assert.equal(own[CHUNK_MS_AT], 400);
    assert.equal(titleReading(calls[calls.length - 2].slice('start '.length))?.[CHUNK_MS_AT], 400, calls.join('\n'));
    assert.equal(chunk(1, 1)[CHUNK_MS_AT], 400, "the recorder's rotation: in its answer");
    assert.equal(chunk(0, 0).length, CHUNK_MS_AT, 'a reading that starts no chunk has none');
    assert.equal(seen.length, 2, 'paced once per chunk started');
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
  it('pauses (ends its chunk, starts none) and resumes with the next title, once', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0, true);
    const p = PROFILE_CHUNK_PREFIX;
    assert.equal(chunk.pause(), true);
    assert.equal(chunk.running(), false);
    assert.equal(chunk.pause(), false, 'nothing left to end');
    const resumedAt = chunk.resume();
    assert.equal(chunk.resume(), resumedAt, 'already running: no second profile, the same start');
    assert.equal(chunk.pause(), true);
    // A recorder's rotation while paused (it runs in the sync call's JavaScript, before or after
    // the wait): a reading, and no chunk, which would sample the wait.
    const reading = chunk(1, 1);
    assert.equal(reading.length, WANTED_CPU_AT + 1);
    assert.equal(chunk.running(), false);
    const before = now();
    const startedAt = chunk.resume(); // sampling resumes here, after the wait
    assert.ok(startedAt >= before && startedAt <= now(), `resumed at ${startedAt}, called at ${before}`);
    chunk(1, 1); // rotations start chunks again once resumed
    chunk(0, 1);
    assert.deepEqual(calls, [`end ${p}1`, `start ${p}2`, `end ${p}2`, `start ${p}3`, `start ${p}4`, `end ${p}3`, `end ${p}4`]);
  });
  it('starts no chunk in a nested hand-over, and only the outer resume starts one', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0, true);
    const p = PROFILE_CHUNK_PREFIX;
    assert.equal(chunk.pause(), true);
    assert.equal(chunk.pause(), false, 'the inner call has nothing to pause, so it resumes nothing');
    chunk(1, 1);
    assert.deepEqual(calls, [`end ${p}1`]);
    chunk.resume();
    assert.deepEqual(calls, [`end ${p}1`, `start ${p}2`]);
  });
  it('ends nothing when no chunk of its own runs', () => {
    const calls: string[] = [];
    const chunk = profileChunker({ profile: (t) => calls.push(`start ${t}`), profileEnd: (t) => calls.push(`end ${t}`) }, () => 0);
    chunk(0, 1);
    assert.deepEqual(calls, []);
  });

  it("counts the time V8 takes to end and start its chunks as the probe's own (the lag ticks leave it out)", () => {
    const busy = (ms: number) => { const t = now(); while (now() - t < ms); };
    const chunk = profileChunker({ profile: () => busy(2), profileEnd: () => busy(15) }, () => 0, true);
    const [chunks, load] = [ownChunkMs(), ownLoadMs()];
    chunk(2, 1);
    assert.ok(ownChunkMs() - chunks >= 17, `${ownChunkMs() - chunks} ms counted for a 17 ms seam`);
    assert.equal(ownLoadMs(), load, "a seam is not the program's files' loading");
    assert.equal(ownWorkMs(), ownLoadMs() + ownChunkMs());
    // A seam inside other own work (the recorder's rotation interrupting an instrumenting pass) counts once, as that work.
    const before = [ownChunkMs(), ownLoadMs()];
    asOwnWork(() => { busy(3); chunk(3, 2); });
    assert.equal(ownChunkMs(), before[0]);
    assert.ok(ownLoadMs() - before[1] >= 20, `${ownLoadMs() - before[1]} ms counted for 3 ms of instrumenting and a 17 ms seam`);
  });
});
