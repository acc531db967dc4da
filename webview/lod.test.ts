import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuns, itemAt, lowerBound, seriesColumns, visibleRuns, RUN_STRIDE } from './lod';

const row = (items: [number, number, number][]) => {
  const start = Float64Array.from(items.map((i) => i[0]));
  const end = Float64Array.from(items.map((i) => i[1]));
  const cat = Uint8Array.from(items.map((i) => i[2]));
  let maxDur = 0;
  for (const i of items) maxDur = Math.max(maxDur, i[1] - i[0]);
  return { start, end, cat, maxDur };
};
const runsOf = (r: ReturnType<typeof createRuns>) => Array.from({ length: r.count }, (_, i) => [...r.buf.subarray(i * RUN_STRIDE, i * RUN_STRIDE + RUN_STRIDE)]);

test('lowerBound', () => {
  const a = Float64Array.from([1, 2, 2, 5]);
  assert.deepEqual([0, 1, 2, 3, 5, 6].map((v) => lowerBound(a, v)), [0, 0, 1, 3, 3, 4]);
});

test('items far apart stay separate; touching items of one category merge', () => {
  const r = visibleRuns(row([[0, 10, 0], [10, 20, 0], [50, 60, 1]]), 0, 100, 100, createRuns());
  assert.deepEqual(runsOf(r), [[0, 20, 0, 1], [50, 60, 1, 1]]);
});

test('only the window is drawn, clipped to it; a long item starting before the window is found', () => {
  const r = visibleRuns(row([[0, 500, 2], [600, 700, 0], [900, 1000, 1]]), 400, 800, 400, createRuns());
  assert.deepEqual(runsOf(r), [[0, 100, 2, 1], [200, 300, 0, 1]]);
});

test('tiny items are at least minPx wide', () => {
  const r = visibleRuns(row([[10, 10.001, 0]]), 0, 100, 100, createRuns(), 1);
  assert.equal(r.count, 1);
  assert.ok(r.buf[1] - r.buf[0] >= 1);
  assert.equal(r.buf[3], 1 / 8, 'drawn at the lowest cover, not as if busy all the pixel');
});

test('a million items zoomed out give at most a few runs per pixel', () => {
  const n = 1_000_000;
  const items: [number, number, number][] = [];
  for (let i = 0; i < n; i++) items.push([i, i + 0.6, i % 5]);
  const width = 800;
  const r = visibleRuns(row(items), 0, n, width, createRuns(16));
  assert.ok(r.count <= 2 * width, `${r.count} runs`);
  // Every pixel column has something, drawn at the fraction of it that is busy (60 %).
  let covered = 0, filled = 0;
  for (let i = 0; i < r.count; i++) {
    const w = r.buf[i * RUN_STRIDE + 1] - r.buf[i * RUN_STRIDE];
    covered += w;
    filled += w * r.buf[i * RUN_STRIDE + 3];
  }
  assert.ok(covered > width * 0.95, `covered ${covered}`);
  assert.ok(Math.abs(filled / covered - 0.6) < 0.1, `drawn ${((filled / covered) * 100).toFixed(0)} % busy`);
});

test('a half-busy stretch zoomed out is drawn half high; a busy one full height', () => {
  const items: [number, number, number][] = [];
  for (let t = 0; t < 1000; t += 1) items.push([t, t + 0.5, 0]); // 50 % busy
  for (let t = 1000; t < 2000; t += 1) items.push([t, t + 1, 1]); // back to back: 100 %
  const r = visibleRuns(row(items), 0, 2000, 100, createRuns());
  const runs = runsOf(r);
  assert.deepEqual(runs.map((x) => [x[2], x[3]]), [[0, 0.5], [1, 1]]);
  assert.deepEqual(runs.map((x) => [Math.round(x[0]), Math.round(x[1])]), [[0, 50], [50, 100]]);
});

test('itemAt: covering item first, then the nearest within tolerance', () => {
  const rw = row([[0, 10, 0], [5, 6, 0], [20, 30, 0]]);
  assert.equal(itemAt(rw, 5.5, 0), 1);
  assert.equal(itemAt(rw, 8, 0), 0);
  assert.equal(itemAt(rw, 15, 1), -1);
  assert.equal(itemAt(rw, 18, 3), 2);
  assert.equal(itemAt(rw, 40, 3), -1);
});

test('seriesColumns keeps the max of the buckets under each column', () => {
  const v = Float32Array.from([0, 1, 9, 0, 0, 0, 2, 0]);
  assert.deepEqual([...seriesColumns(v, 10, 0, 80, new Float32Array(2))], [9, 2]);
  assert.deepEqual([...seriesColumns(v, 10, 20, 30, new Float32Array(2))], [9, 9]);
});
