import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PoolPressure, SMALL_MACHINE_CORES } from './samplingPolicy';
import type { SeamReading } from '../probeOptions';

// The policy alone, on the readings the probe makes at each profile chunk seam (~100 ms apart):
// [thread CPU ms, monotonic µs, Σ pool requests over lag ticks, lag ticks]. The end-to-end side
// (a real fs-heavy program sampled at 2 ms, its block still found) is cli/samplingInterval.test.mjs.
/** Readings every 100 ms with `pool` fs requests on the pool at each of the 10 ticks between them. */
function readings(pool: number[]): SeamReading[] {
  let sum = 0;
  return pool.map((p, i) => { sum += p * 10; return [i * 50, i * 100_000, sum, i * 10]; });
}
const decisions = (cores: number, pool: number[]) => {
  const p = new PoolPressure(cores, 'test');
  return readings(pool).map((r) => p.observe(r));
};

describe('PoolPressure', () => {
  it('on a small machine, decides once when the pool had 2+ requests on average over 200 ms', () => {
    const d = decisions(2, [16, 16, 16, 16, 16, 16, 16, 16]);
    assert.deepEqual(d.map((x, i) => (x ? i : -1)).filter((i) => i >= 0), [2], 'once, at the first reading 200 ms after the first');
  });
  it('never on a program with the pool mostly idle (a few reads now and then)', () => {
    assert.ok(!decisions(2, [0, 1, 0, 3, 0, 0, 1, 0, 0, 2, 0, 0]).some(Boolean));
  });
  it('when the pool gets busy later in the run', () => {
    const d = decisions(2, [0, 0, 0, 0, 0, 8, 8, 8, 8]);
    assert.equal(d.filter(Boolean).length, 1);
    assert.ok(d.indexOf(true) >= 6, `${d.indexOf(true)}`);
  });
  it(`never on a machine with more than ${SMALL_MACHINE_CORES} cores`, () => {
    assert.ok(!decisions(SMALL_MACHINE_CORES + 1, Array(12).fill(16)).some(Boolean));
  });
  it('ignores readings without the pool counters (a probe of another version)', () => {
    const p = new PoolPressure(2, 'test');
    assert.equal(p.observe([1, 1] as unknown as SeamReading), false);
  });
});
