import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PoolPressure, BusyServer, SaturatedServer, SamplingPolicy, SMALL_MACHINE_CORES, BUSY_REQUESTS_PER_S, coarserFactor } from './samplingPolicy';
import type { SeamReading } from '../probeOptions';

// The policy alone, on the readings the probe makes at each profile chunk seam (~100 ms apart):
// [thread CPU ms, monotonic µs, Σ pool requests over lag ticks, lag ticks]. The end-to-end side
// (a real fs-heavy program sampled at 2 ms, its block still found; a busy server) is cli/samplingInterval.test.mjs.
/** Readings every 100 ms with `pool` fs requests on the pool at each of the 10 ticks between them. */
function readings(pool: number[]): SeamReading[] {
  let sum = 0;
  return pool.map((p, i) => { sum += p * 10; return [i * 50, i * 100_000, sum, i * 10, 0]; });
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

/** Readings every 100 ms with `perS` requests a second begun between them (nothing on the pool). */
function requestReadings(perS: number[]): SeamReading[] {
  let served = 0;
  return perS.map((r, i) => { served += r / 10; return [i * 50, i * 100_000, 0, i * 10, served]; });
}
const busyDecisions = (cores: number, perS: number[]) => {
  const p = new BusyServer(cores, 'test');
  return requestReadings(perS).map((r) => p.observe(r));
};

describe('BusyServer', () => {
  it(`on a small machine, decides once when the thread began ${BUSY_REQUESTS_PER_S}+ requests a second over 1 s`, () => {
    const d = busyDecisions(2, Array(25).fill(2000));
    assert.deepEqual(d.map((x, i) => (x ? i : -1)).filter((i) => i >= 0), [10], 'once, at the first reading 1 s after the first');
  });
  it('never on a server with a trickle of requests, nor on a burst shorter than the window', () => {
    assert.ok(!busyDecisions(2, Array(40).fill(BUSY_REQUESTS_PER_S / 2)).some(Boolean));
    assert.ok(!busyDecisions(2, [0, 0, 2000, 2000, ...Array(20).fill(0)]).some(Boolean), 'a 200 ms burst of 400 requests, then quiet: 400 a second over the window');
  });
  it('never on a burst that ended before the window did (no request since the last seam): the load is over', () => {
    assert.ok(!busyDecisions(2, [0, ...Array(6).fill(6000), ...Array(20).fill(0)]).some(Boolean), '600 ms of 6,000 a second, then quiet: 3,600 a second over the window, none at its end');
    const d = busyDecisions(2, [0, ...Array(9).fill(6000), 6000, ...Array(20).fill(0)]);
    assert.deepEqual(d.map((x, i) => (x ? i : -1)).filter((i) => i >= 0), [10], 'still serving at the window\'s end');
  });
  it('when the load starts later in the run', () => {
    const d = busyDecisions(2, [...Array(15).fill(0), ...Array(30).fill(3000)]);
    assert.equal(d.filter(Boolean).length, 1);
    assert.ok(d.indexOf(true) > 15, `${d.indexOf(true)}`);
  });
  it(`never on a machine with more than ${SMALL_MACHINE_CORES} cores`, () => {
    assert.ok(!busyDecisions(SMALL_MACHINE_CORES + 1, Array(40).fill(5000)).some(Boolean));
  });
  it('ignores readings without the request counter (a probe of another version)', () => {
    const p = new BusyServer(2, 'test');
    assert.ok(!([[0, 0, 0, 0], [0, 2_000_000, 0, 20]] as unknown as SeamReading[]).map((r) => p.observe(r)).some(Boolean));
  });
});

/** Readings every 100 ms with `perS` requests a second begun and the thread wanting a CPU `wantedShare` of the time between them. */
function saturatedReadings(perS: number[], wantedShare: number): SeamReading[] {
  let served = 0;
  return perS.map((r, i) => { served += r / 10; return [i * 50, i * 100_000, 0, i * 10, served, i * 100 * wantedShare]; });
}
const saturatedDecisions = (cores: number, perS: number[], wantedShare: number) => {
  const p = new SaturatedServer(cores, 'test');
  return saturatedReadings(perS, wantedShare).map((r) => p.observe(r));
};

describe('SaturatedServer', () => {
  it(`on a small machine, decides once when the thread began ${BUSY_REQUESTS_PER_S}+ requests a second and wanted a CPU 80+ % of 300 ms`, () => {
    const d = saturatedDecisions(2, Array(20).fill(2000), 0.95);
    assert.deepEqual(d.map((x, i) => (x ? i : -1)).filter((i) => i >= 0), [3], 'once, at the first reading 300 ms after the first');
  });
  it('never on a server that is not saturated, however many requests it serves, nor on a saturated thread serving few', () => {
    assert.ok(!saturatedDecisions(2, Array(30).fill(5000), 0.6).some(Boolean));
    assert.ok(!saturatedDecisions(2, Array(30).fill(BUSY_REQUESTS_PER_S / 2), 1).some(Boolean));
  });
  it('never on a saturated burst that ended before the window did', () => {
    assert.ok(!saturatedDecisions(2, [2000, 2000, 2000, 0, ...Array(10).fill(0)], 0.95).some(Boolean));
  });
  it('never where the wanted time is unknown (no schedstat: -1, or a probe of another version without it)', () => {
    const p = new SaturatedServer(2, 'test');
    assert.ok(!saturatedReadings(Array(30).fill(5000), 1).map((r) => p.observe([...r.slice(0, 5), -1] as unknown as SeamReading)).some(Boolean));
    const q = new SaturatedServer(2, 'test');
    assert.ok(!saturatedReadings(Array(30).fill(5000), 1).map((r) => q.observe(r.slice(0, 5) as unknown as SeamReading)).some(Boolean));
  });
  it(`never on a machine with more than ${SMALL_MACHINE_CORES} cores`, () => {
    assert.ok(!saturatedDecisions(SMALL_MACHINE_CORES + 1, Array(30).fill(5000), 1).some(Boolean));
  });
});

describe('SamplingPolicy', () => {
  it('a saturated server: saturated, within 300 ms, 4× coarser; a busy one that is not: requests after 1 s, 2×', () => {
    const p = new SamplingPolicy(2, 'test');
    const why = saturatedReadings(Array(25).fill(2000), 0.95).map((r) => p.observe(r));
    assert.deepEqual(why.map((x, i) => (x ? `${i} ${x}` : '')).filter(Boolean), ['3 saturated']);
    const q = new SamplingPolicy(2, 'test');
    const why2 = saturatedReadings(Array(25).fill(2000), 0.5).map((r) => q.observe(r));
    assert.deepEqual(why2.map((x, i) => (x ? `${i} ${x}` : '')).filter(Boolean), ['10 requests']);
    assert.equal(coarserFactor('saturated'), 4);
    assert.equal(coarserFactor('requests'), 2);
    assert.equal(coarserFactor('pool'), 2);
  });
  it('says why, once: a busy server that also keeps the pool busy is made coarser one time', () => {
    const p = new SamplingPolicy(2, 'test');
    let served = 0, pool = 0;
    const why = Array.from({ length: 30 }, (_, i) => { served += 300; pool += 160; return p.observe([i * 50, i * 100_000, pool, i * 10, served]); });
    assert.deepEqual(why.filter(Boolean), ['pool'], 'the pool is judged over 200 ms, first');
  });
  it('a busy server alone: requests', () => {
    const p = new SamplingPolicy(2, 'test');
    const why = requestReadings(Array(25).fill(2000)).map((r) => p.observe(r));
    assert.deepEqual(why.filter(Boolean), ['requests']);
  });
});
