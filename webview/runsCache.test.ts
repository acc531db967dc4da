import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunsCache } from './runsCache';
import { createRuns, visibleRuns, RUN_STRIDE, type Runs } from './lod';

const rowOf = (n: number, step: number) => {
  const start = new Float64Array(n), end = new Float64Array(n), cat = new Uint8Array(n);
  for (let i = 0; i < n; i++) { start[i] = i * step; end[i] = i * step + step * 0.4; cat[i] = i % 3; }
  return { start, end, cat, maxDur: step * 0.4 };
};
const copy = (r: Runs) => Array.from(r.buf.subarray(0, r.count * RUN_STRIDE));

test('runs kept for a redraw of the same range are those the rows give; another range recomputes them', () => {
  const a = rowOf(5_000, 2), b = rowOf(300, 30);
  const cache = new RunsCache();
  const scratch = createRuns();
  const want = (row: typeof a, t0: number, t1: number) => copy(visibleRuns(row, t0, t1, 800, createRuns()));
  const first = [copy(cache.runs(a, 0, 10_000, 800, scratch)), copy(cache.runs(b, 0, 10_000, 800, scratch))];
  assert.deepEqual(first, [want(a, 0, 10_000), want(b, 0, 10_000)]);
  // Same range: the kept runs, even after the scratch buffer was reused.
  assert.deepEqual(copy(cache.runs(a, 0, 10_000, 800, scratch)), want(a, 0, 10_000));
  assert.deepEqual(copy(cache.runs(b, 0, 10_000, 800, scratch)), want(b, 0, 10_000));
  // Another range or width: computed again.
  assert.deepEqual(copy(cache.runs(a, 100, 900, 800, scratch)), want(a, 100, 900));
  assert.deepEqual(copy(cache.runs(a, 100, 900, 400, scratch)), copy(visibleRuns(a, 100, 900, 400, createRuns())));
});
