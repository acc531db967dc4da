import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkPacing, MAX_CHUNK_MS, BUSY_SHARE, IDLE_SHARE } from './chunkPacing';
import type { SeamReading } from '../probeOptions';

// The pacing alone, driven like ThreadRecorder drives it: next() when a rotation is scheduled,
// observe() with the probe's reading at the seam it made, `ms` later. `share`: the share of each
// chunk's wall time the thread wanted a CPU (undefined: a reading without it). The end-to-end
// side (a busy worker's process SIGKILLed: the warning states its longer last chunk) is cli/abruptEnds.test.mjs.
function drive(pacing: ChunkPacing, shares: (number | undefined)[]): number[] {
  const out: number[] = [];
  let hrUs = 0, wanted = 0;
  pacing.observe([0, hrUs, 0, 0, 0, wanted]);
  for (const share of shares) {
    const ms = pacing.next();
    out.push(ms);
    hrUs += ms * 1000;
    wanted += (share ?? 0) * ms;
    const r: SeamReading = [0, hrUs, 0, 0, 0];
    if (share !== undefined) r.push(wanted);
    pacing.observe(r);
  }
  return out;
}

describe('ChunkPacing', () => {
  it('doubles the chunks of a busy thread up to the cap', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [1, 1, 1, 1, 1, 1, 1]), [100, 200, 400, 800, MAX_CHUNK_MS, MAX_CHUNK_MS, MAX_CHUNK_MS]);
  });
  it("keeps the base interval for a busy thread whose chunks do not grow (an attached process's worker: no terminate() waits for its collection)", () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100, false), [1, 1, 1, 1]), [100, 100, 100, 100]);
  });
  it('keeps the base interval for a thread that is neither busy nor idle', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [IDLE_SHARE, 0.1, BUSY_SHARE - 0.01, 0.2]), [100, 100, 100, 100]);
  });
  it("doubles an idle thread's chunks up to the cap, one whose busy chunks do not grow too (its samples are all idle)", () => {
    const idle = [0, 0, 0, 0, 0, IDLE_SHARE - 0.001, 0];
    assert.deepEqual(drive(new ChunkPacing(() => 100), idle), [100, 200, 400, 800, MAX_CHUNK_MS, MAX_CHUNK_MS, MAX_CHUNK_MS]);
    assert.deepEqual(drive(new ChunkPacing(() => 100, false), idle), [100, 200, 400, 800, MAX_CHUNK_MS, MAX_CHUNK_MS, MAX_CHUNK_MS]);
  });
  it('goes back to the base interval once an idle thread is neither (one whose busy chunks do not grow: once it is busy too)', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [0, 0, 0, 0.2, 0]), [100, 200, 400, 800, 100]);
    assert.deepEqual(drive(new ChunkPacing(() => 100, false), [0, 0, 1, 0]), [100, 200, 400, 100]);
    assert.deepEqual(drive(new ChunkPacing(() => 100), [0, 0, 1, 1]), [100, 200, 400, 800], 'a main thread busy after idle grows on');
  });
  it('goes back to the base interval after a chunk that was not busy nor idle', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [1, 1, 1, 0.2, 1]), [100, 200, 400, 800, 100]);
  });
  it('counts the time a thread waited for a core as busy (a crowded machine)', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [BUSY_SHARE, BUSY_SHARE]), [100, 200]);
  });
  it('keeps the base interval where the wanted time is unknown (no schedstat, a probe of another version)', () => {
    assert.deepEqual(drive(new ChunkPacing(() => 100), [undefined, undefined, undefined]), [100, 100, 100]);
    const p = new ChunkPacing(() => 100);
    p.observe([0, 0, 0, 0, 0, -1]);
    p.next();
    p.observe([0, 100_000, 0, 0, 0, -1]);
    assert.equal(p.next(), 100);
  });
  it('follows the base interval (many threads alive), and never goes under it', () => {
    let base = 100;
    const p = new ChunkPacing(() => base);
    assert.deepEqual(drive(p, [1, 1]), [100, 200]);
    base = 400;
    assert.deepEqual(drive(p, [1, 1]), [400, 800]);
    base = 2000;
    assert.deepEqual(drive(p, [1]), [2000]);
  });
  it('does not grow after a rotation that made no seam (no probe yet): the chunk goes on', () => {
    const p = new ChunkPacing(() => 100);
    assert.deepEqual(drive(p, [1, 1]), [100, 200]);
    assert.equal(p.next(), 400);
    assert.equal(p.next(), 100, 'no reading since the last next()');
  });
  it('makes a chunk asked for at the base interval last that, and states it as the chunk in progress (a pending sampling switch)', () => {
    const p = new ChunkPacing(() => 100);
    drive(p, [1, 1, 1]);
    assert.equal(p.current(), 400);
    p.observe([0, 10_000_000, 0, 0, 0, 10_000]);
    assert.equal(p.next(true), 100);
    assert.equal(p.current(), 100, 'what an abrupt end loses is the shortened chunk');
    p.observe([0, 10_100_000, 0, 0, 0, 10_100]);
    assert.equal(p.next(), 200, 'a busy thread grows again from the shortened chunk');
  });
  it('states the chunk in progress as what an abrupt end loses', () => {
    const p = new ChunkPacing(() => 100);
    assert.equal(p.current(), 100);
    drive(p, [1, 1, 1]);
    assert.equal(p.current(), 400);
  });
});
