// The goals table's verdicts (bench/lib/goals.mjs), from summaries made up for the purpose: each
// row checks its goal on our figure (`met`) and, the same way, on V8's profiler alone's (`floorMet`),
// so the bench can say which goals no tool built on V8's profiler meets on the machine it ran on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GOALS } from './goals.mjs';

const goal = (id) => GOALS.find((g) => g.id === id);
/** A workload's summary as bench/run.mjs makes it: medians, the profiled − plain cost, the floor's. */
const workload = (deltaMs, floorDeltaMs, wallRatio = 1, floorWallRatio = NaN) => ({
  med: { plainWall: 100, profWall: 100 + deltaMs }, deltaMs, wallRatio,
  floor: { deltaMs: floorDeltaMs, wallRatio: floorWallRatio },
});

test('a per-thread cost whose floor is above the goal: missed by ours and by V8 alone', () => {
  // 8 workers: ours (400 − 160) / 8 = 30 ms each, V8 alone (200 − 16) / 8 = 23 ms each; goal ≤ 20 ms.
  const row = goal('per-thread').compute({ empty: workload(160, 16), workers: workload(400, 200) });
  assert.equal(row.met, false);
  assert.equal(row.floorValue, 23);
  assert.equal(row.floorMet, false);
});

test('a floor within the goal, ours not: only ours misses it', () => {
  const row = goal('per-process').compute({ empty: workload(160, 16), children: workload(400, 136) });
  assert.equal(row.met, false);
  assert.equal(row.floorValue, 15);
  assert.equal(row.floorMet, true);
});

test('no floor measured (--no-floor): floorMet is null, not a verdict', () => {
  const row = goal('fixed-cost').compute({ empty: workload(100, NaN) });
  assert.equal(row.met, true);
  assert.equal(row.floorMet, null);
});

test('ratios and servers check the floor the way they check ours; a row with no goal has no verdict', () => {
  const fanout = goal('http-fanout').compute({ 'http-fanout': workload(300, 40, 1.15, 1.09) });
  assert.deepEqual([fanout.met, fanout.floorMet], [false, false]);
  const timers = goal('timers').compute({ timers: workload(300, 40, 1.15, 1.02) });
  assert.deepEqual([timers.met, timers.floorMet], [false, true]);
  const server = goal('server-trivial').compute({ 'server-trivial': { plainRps: 1000, profRps: 880, rpsRatio: 0.88, floorRatio: 0.969 } });
  assert.deepEqual([server.met, server.floorMet], [false, false]);
  const cpu = goal('cpu').compute({ cpu: workload(100, 10, 1.2, 1.01) });
  assert.deepEqual([cpu.met, cpu.floorMet], [null, null]);
});
