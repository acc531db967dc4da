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

/**
 * visibleRuns as first written (closures, one call per vote): the contract in its plainest form.
 * The optimized visibleRuns (no call with a fractional argument, no boxed double in its loop)
 * must give exactly these runs.
 */
function referenceRuns(row: { start: Float64Array; end: Float64Array; cat: Uint8Array; cover?: Float32Array | null; maxDur: number }, t0: number, t1: number, width: number, minPx: number, forLevel: boolean): number[][] {
  const out: number[][] = [];
  const n = row.start.length;
  if (n === 0 || !(t1 > t0) || width <= 0) return out;
  const eighths = (v: number) => (v >= 1 ? 1 : Math.max(1, Math.ceil(v * 8 - 1e-6)) / 8);
  const f32 = (v: number) => Math.fround(v);
  let rx0 = 0, rx1 = -Infinity, rc = -1, rv = 1, col = -1, filled = 0;
  const weights = new Float64Array(8);
  const emit = (x0: number, x1: number, cat: number, cov: number) => {
    if (cat === rc && x0 <= rx1 + 0.5) {
      if (cov === rv) { if (x1 > rx1) rx1 = x1; return; }
      if (forLevel && Math.abs(cov - rv) <= 1 / 16 && x1 > rx1) { rv = (rv * (rx1 - rx0) + cov * (x1 - rx1)) / (x1 - rx0); rx1 = x1; return; }
    }
    if (rc >= 0) out.push([f32(rx0), f32(rx1), rc, f32(rv)]);
    rx0 = x0; rx1 = x1; rc = cat; rv = cov;
  };
  const flush = () => {
    if (col < 0) return;
    let best = 0;
    for (let j = 1; j < 8; j++) if (weights[j] > weights[best]) best = j;
    weights.fill(0);
    const c = col, fl = filled;
    col = -1; filled = 0;
    emit(c, c + 1, best, forLevel ? Math.min(1, fl) : eighths(fl));
  };
  const vote = (px: number, w: number, f: number, cat: number) => {
    if (px !== col) { flush(); col = px; }
    weights[cat] += w * (f > 0 ? f : 0.0625) + 1e-9;
    filled += w * f;
  };
  const k = width / (t1 - t0);
  for (let i = lowerBound(row.start, t0 - row.maxDur), iEnd = lowerBound(row.start, t1); i < iEnd; i++) {
    const te = row.end[i];
    if (te < t0) continue;
    const x0 = Math.max(0, (row.start[i] - t0) * k), x1 = Math.min(width, (te - t0) * k);
    const cat = row.cat[i] & 7, f = row.cover ? row.cover[i] : 1;
    const px0 = Math.floor(x0), px1 = Math.floor(x1);
    if (px0 === px1 || x1 - x0 < minPx) { vote(px0, x1 - x0, f, cat); continue; }
    if (x0 > px0) vote(px0, px0 + 1 - x0, f, cat);
    const mid0 = x0 > px0 ? px0 + 1 : px0;
    if (px1 > mid0) { flush(); emit(mid0, px1, cat, forLevel ? f : eighths(f)); }
    if (x1 > px1) vote(px1, x1 - px1, f, cat);
  }
  flush();
  if (rc >= 0) out.push([f32(rx0), f32(rx1), rc, f32(rv)]);
  return out;
}

test('visibleRuns gives exactly the reference runs on 3000 random scenes (rows and levels, with and without covers, any window, width and minPx)', () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const out = createRuns(4);
  for (let scene = 0; scene < 3000; scene++) {
    const n = Math.floor(rand() * 400), wall = 100 + rand() * 10_000;
    const items: [number, number, number][] = [];
    // Dense and sparse stretches, back-to-back items, zero-length ones and long ones.
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += rand() < 0.3 ? 0 : rand() * (wall / Math.max(1, n)) * 2;
      const d = rand() < 0.1 ? 0 : rand() < 0.05 ? rand() * wall * 0.3 : rand() * (wall / Math.max(1, n)) * 3;
      items.push([t, t + d, Math.floor(rand() * 8)]);
    }
    const r: ReturnType<typeof row> & { cover?: Float32Array } = row(items);
    if (rand() < 0.5) r.cover = Float32Array.from(items, () => (rand() < 0.2 ? 1 : rand() < 0.1 ? 0 : rand()));
    const a = rand() < 0.3 ? 0 : rand() * t, b = a + (rand() < 0.3 ? t + 1 : rand() * t * 0.5 + 1e-3);
    const width = rand() < 0.2 ? 1 + rand() * 3000 : Math.floor(1 + rand() * 2000);
    const minPx = rand() < 0.8 ? 1 : rand() * 3, forLevel = rand() < 0.3;
    const got = runsOf(visibleRuns(r, a, b, width, out, minPx, forLevel));
    assert.deepEqual(got, referenceRuns(r, a, b, width, minPx, forLevel), `scene ${scene}`);
  }
});
