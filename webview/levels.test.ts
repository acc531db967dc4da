import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelCache, LEVEL_MIN_ITEMS, stepAt } from './levels';
import { createRuns, visibleRuns, RUN_STRIDE, type Drawable, type Runs } from './lod';

function denseRow(n: number, wall: number) {
  const start = new Float64Array(n), end = new Float64Array(n), cat = new Uint8Array(n);
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const step = wall / n;
  for (let i = 0; i < n; i++) {
    start[i] = i * step + rand() * step * 0.3;
    end[i] = start[i] + step * (0.1 + rand() * 0.5);
    // Categories come in stretches, as merged CPU samples do: user code, then GC, then …
    cat[i] = rand() < 0.02 ? Math.floor(rand() * 5) : Math.floor(i / 600) % 5;
  }
  return { start, end, cat, maxDur: step };
}

/** Pixel coverage, colour and cover of drawn runs (later runs paint over earlier ones). */
function raster(r: Runs, width: number): { cat: Int16Array; cover: Float32Array } {
  const cat = new Int16Array(width).fill(-1), cover = new Float32Array(width);
  for (let i = 0; i < r.count; i++) {
    const o = i * RUN_STRIDE;
    const a = Math.max(0, Math.floor(r.buf[o])), b = Math.min(width, Math.ceil(r.buf[o + 1]));
    for (let x = a; x < b; x++) { cat[x] = r.buf[o + 2]; cover[x] = r.buf[o + 3]; }
  }
  return { cat, cover };
}

/** How the picture of `picked` differs from the row's on [t0, t1]: px drawn or not, px of another colour, mean busy-height difference. */
function pictureDiff(row: Drawable, picked: Drawable, t0: number, t1: number, width: number): { coverageDiff: number; colourDiff: number; coverDiff: number } {
  const { cat: a, cover: ca } = raster(visibleRuns(row, t0, t1, width, createRuns()), width);
  const { cat: b, cover: cb } = raster(visibleRuns(picked, t0, t1, width, createRuns()), width);
  let coverageDiff = 0, colourDiff = 0, coverDiff = 0;
  for (let x = 0; x < width; x++) {
    if ((a[x] < 0) !== (b[x] < 0)) coverageDiff++;
    else if (a[x] !== b[x]) colourDiff++;
    coverDiff += Math.abs(ca[x] - cb[x]) / width;
  }
  return { coverageDiff, colourDiff, coverDiff };
}

test('zoomed out, a coarse level replaces the row and draws the same picture', () => {
  const wall = 60_000, width = 1200;
  const row = denseRow(100_000, wall);
  const cache = new LevelCache(wall);
  for (const [t0, t1] of [[0, wall], [10_000, 40_000], [20_000, 26_000]]) {
    const msPerPx = (t1 - t0) / width;
    const picked = cache.pick(0, row, msPerPx);
    if (t1 - t0 >= 30_000) assert.ok(picked.start.length < row.start.length / 2, `level used at ${msPerPx} ms/px (${picked.start.length} items)`);
    const { coverageDiff, colourDiff, coverDiff } = pictureDiff(row, picked, t0, t1, width);
    // Drawn heights are in eighths: on average they may differ by less than one step.
    assert.ok(coverDiff < 0.1, `busy height differs by ${coverDiff.toFixed(3)} on average`);
    assert.ok(coverageDiff <= width * 0.01, `coverage differs on ${coverageDiff} px`);
    // Only pixels split almost evenly between two categories may tip the other way.
    assert.ok(colourDiff <= width * 0.03, `colour differs on ${colourDiff} px`);
  }
});

test('zoomed in, or on a small row, the row itself is drawn', () => {
  const wall = 60_000;
  const row = denseRow(100_000, wall);
  const cache = new LevelCache(wall);
  assert.equal(cache.pick(0, row, 0.01), row);
  const small = denseRow(LEVEL_MIN_ITEMS - 1, wall);
  assert.equal(cache.pick(1, small, 100), small);
  // Levels are cached: the same object comes back.
  assert.equal(cache.pick(0, row, 50), cache.pick(0, row, 50));
});

test('levels built ahead of use (each from the next finer one) draw the same picture as the row', () => {
  const wall = 60_000, width = 1600;
  const row = denseRow(60_000, wall);
  const cache = new LevelCache(wall);
  let built = 0;
  while (cache.prebuild(0, row)) built++;
  assert.ok(built > 1, `${built} levels built`);
  assert.equal(cache.prebuild(0, row), false, 'nothing left to build');
  assert.equal(cache.prebuild(1, denseRow(LEVEL_MIN_ITEMS - 1, wall)), false, 'small rows have no levels');
  for (const [t0, t1] of [[0, wall], [5_000, 50_000], [20_000, 32_000], [30_000, 33_000]]) {
    const picked = cache.pick(0, row, (t1 - t0) / width);
    if (t1 - t0 >= 30_000) assert.ok(picked.start.length < row.start.length / 2, `a level is used for ${t0}–${t1}`);
    const { coverageDiff, colourDiff, coverDiff } = pictureDiff(row, picked, t0, t1, width);
    assert.ok(coverDiff < 0.1, `${t0}–${t1}: busy height differs by ${coverDiff.toFixed(3)} on average`);
    assert.ok(coverageDiff <= width * 0.01, `${t0}–${t1}: coverage differs on ${coverageDiff} px`);
    assert.ok(colourDiff <= width * 0.03, `${t0}–${t1}: colour differs on ${colourDiff} px`);
  }
});

test('built ahead first: the steps a zoom in from the view takes next (one notch, and 2.5× in), so that frame merges nothing', () => {
  const wall = 60_000, width = 1024, msPerPx = wall / width;
  const row = denseRow(100_000, wall);
  const cache = new LevelCache(wall);
  let merges = 0;
  const merged = cache.merged.bind(cache);
  cache.merged = ((src: Drawable, bins: number, maxRuns?: number) => { merges++; return merged(src, bins, maxRuns as number); }) as typeof cache.merged;
  cache.pick(0, row, msPerPx);
  merges = 0;
  let built = 0;
  while (cache.prebuildNext(0, row, msPerPx)) built++;
  assert.equal(built, 2);
  assert.equal(merges, 2);
  for (const zoom of [1.0005, 2.5]) {
    const picked = cache.pick(0, row, msPerPx / zoom);
    assert.ok(picked !== row && picked.start.length < row.start.length / 4, `zoomed ${zoom}×: a level`);
  }
  assert.equal(merges, 2, 'nothing merged in those frames');
  // The rest is built after (finest first), keeping those.
  const next = cache.pick(0, row, msPerPx / 2.5);
  while (cache.prebuild(0, row));
  assert.equal(cache.pick(0, row, msPerPx / 2.5), next);
  assert.equal(cache.prebuildNext(0, denseRow(LEVEL_MIN_ITEMS - 1, wall), msPerPx), false, 'small rows have no levels');
});

test('a short item alone in a long run stays visible at every zoom level', () => {
  const wall = 60_000, width = 1600, n = 20_000;
  const start = new Float64Array(n), end = new Float64Array(n), cat = new Uint8Array(n);
  // Busy items in the first half; one 10 µs item at 45 s, far from all of them.
  for (let i = 0; i < n - 1; i++) { start[i] = i; end[i] = i + 0.5; }
  start[n - 1] = 45_000; end[n - 1] = 45_000.01; cat[n - 1] = 3;
  const row = { start, end, cat, maxDur: 0.5 };
  const cache = new LevelCache(wall);
  while (cache.prebuild(0, row));
  for (const [t0, t1] of [[0, wall], [30_000, 60_000], [44_000, 46_000]]) {
    const picked = cache.pick(0, row, (t1 - t0) / width);
    const { cat: c } = raster(visibleRuns(picked, t0, t1, width, createRuns()), width);
    const x = Math.floor(((45_000 - t0) / (t1 - t0)) * width);
    assert.ok([x - 1, x, x + 1].some((p) => c[p] === 3), `${t0}–${t1}: the short item is drawn near px ${x}`);
  }
});

test('half steps between levels: a zoomed-out frame walks at most 2.83 bins per pixel (4 where a preview may be drawn: whole levels); a half step draws the row\'s picture', () => {
  const wall = 60_000, width = 1024;
  const row = denseRow(100_000, wall);
  const cache = new LevelCache(wall);
  while (cache.prebuild(0, row));
  let halfSteps = 0, worst = 0;
  // From the whole run down to 1/40 of it, in small steps (each level's boundary is crossed).
  for (let span = wall; span > wall / 40; span *= 0.97) {
    const t0 = (wall - span) * 0.37, t1 = t0 + span, msPerPx = span / width;
    const picked = cache.pick(0, row, msPerPx);
    if (picked === row) continue;
    // The step's bins (what its runs were merged from) per pixel: at least 2, below 2√2 (below
    // 4 where the preview's whole levels are drawn: 2048 px or fewer showing the whole run).
    const binsPerPx = msPerPx / (wall / levelBinsOfStep(stepAt(wall, msPerPx)));
    const bound = msPerPx >= wall / 2048 ? 4 : 2.83;
    assert.ok(binsPerPx >= 2 && binsPerPx < bound, `${span.toFixed(0)} ms on screen: ${binsPerPx.toFixed(2)} bins per px`);
    if (stepAt(wall, msPerPx) % 2 === 0) continue; // whole levels: the tests above
    halfSteps++;
    const { coverageDiff, colourDiff, coverDiff } = pictureDiff(row, picked, t0, t1, width);
    // Less than one eighth (a drawn height step) on average, as whole levels.
    assert.ok(coverDiff < 0.125, `${span.toFixed(0)} ms: busy height differs by ${coverDiff.toFixed(3)} on average`);
    assert.ok(coverageDiff <= width * 0.01, `${span.toFixed(0)} ms: coverage differs on ${coverageDiff} px`);
    // Pixels split almost evenly between two categories may tip the other way: a little more
    // often than at a whole level 2× finer, less than at a whole level's own 2 bins per px
    // (77 px of 1024 in this row's whole-run picture, before half steps as now).
    assert.ok(colourDiff <= width * 0.05, `${span.toFixed(0)} ms: colour differs on ${colourDiff} px`);
    worst = Math.max(worst, colourDiff);
  }
  assert.ok(halfSteps > 10, `${halfSteps} zooms drawn from half steps (colour differs on ${worst} px at most)`);
});

/** Bins of step j over the whole run (levels.ts: step 2k is level k, 2k + 1 the half step above it). */
const levelBinsOfStep = (j: number) => (j % 2 ? 1448 : 1024) * 2 ** (j >> 1);
