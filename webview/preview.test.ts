import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticReport } from './fixtures/syntheticReport';
import { buildModel } from './model';
import { classFor, encodePreview, previewModel, seedClass } from './preview';
import { LevelCache, NOT_LOADED } from './levels';
import type { Drawable } from './lod';
import { createRuns, visibleRuns } from './lod';

// The host's preview (preview.ts) against the model the page builds once the spans are loaded.

const report = () => syntheticReport({ lanes: 4, spans: 80_000, wallMs: 20_000, childProcesses: 1 });

/**
 * The preview through its transport (header as JSON, bytes at offset 0 of their own buffer): its
 * head, and the class lanes `width` px wide draw (none without a width).
 */
function viaPage(r: ReturnType<typeof report>, width?: number, classes?: number[]) {
  const enc = encodePreview(buildModel(r));
  const p = previewModel(r, JSON.parse(JSON.stringify(enc.header)), new Uint8Array(enc.bytes));
  for (const k of classes ?? (width === undefined ? [] : [classFor(p.model.wallMs, width)])) {
    const c = enc.classes[k];
    seedClass(p, JSON.parse(JSON.stringify(c.header)), new Uint8Array(c.bytes));
  }
  return p;
}

/** The runs row `i` draws over the whole run on `width` px from `levels` (loaded: a fresh cache). */
const wholeRun = (levels: LevelCache, row: Drawable, i: number, wallMs: number, width: number) =>
  visibleRuns(levels.pick(i, row, wallMs / width), 0, wallMs, width, createRuns());

test('the preview model has the loaded model\'s rows, processes, lag and counts, and no items to select', () => {
  const r = report();
  const m = buildModel(r);
  const { model: p } = viaPage(r, 800);
  assert.equal(p.pending, true);
  assert.equal(p.wallMs, m.wallMs);
  assert.equal(p.totalSpans, m.totalSpans);
  assert.deepEqual(p.processes, m.processes);
  assert.deepEqual([...p.lag], [...m.lag]);
  assert.deepEqual(p.rows.map((x) => [x.kind, x.lane, x.label, x.site, x.maxDur, x.stairs?.steps]), m.rows.map((x) => [x.kind, x.lane, x.label, x.site, x.maxDur, x.stairs?.steps]));
  // Rows it holds as items: the same items (no refs yet).
  let itemRows = 0;
  p.rows.forEach((row, i) => {
    if (row.start.length === 0) return;
    itemRows++;
    assert.deepEqual([...row.start], [...m.rows[i].start]);
    assert.deepEqual([...row.end], [...m.rows[i].end]);
    assert.deepEqual([...row.cat], [...m.rows[i].cat]);
  });
  assert.ok(itemRows > 0 && itemRows < p.rows.length, `${itemRows} of ${p.rows.length} rows as items, the rest as levels`);
});

test('every row draws the same runs from the preview as from its loaded items, at whole-run widths up to 2048 px', () => {
  const r = report();
  const m = buildModel(r);
  for (const width of [300, 512, 513, 800, 1024, 1300, 2000, 2048]) {
    const { model: p, levels } = viaPage(r, width);
    const loaded = new LevelCache(m.wallMs);
    const msPerPx = m.wallMs / width;
    p.rows.forEach((row, i) => {
      const a = visibleRuns(loaded.pick(i, m.rows[i], msPerPx), 0, m.wallMs, width, createRuns());
      const b = visibleRuns(levels.pick(i, row, msPerPx), 0, m.wallMs, width, createRuns());
      assert.equal(b.count, a.count, `row ${i} at ${width} px`);
      assert.deepEqual([...b.buf.subarray(0, b.count * 4)], [...a.buf.subarray(0, a.count * 4)], `row ${i} at ${width} px`);
    });
  }
});

test('zoomed in beyond the preview, a row drawn from levels is not loaded; on lanes of another class it is drawn from the nearest seeded level, counted as approximated; once loaded it is drawn from its items', () => {
  const r = report();
  const m = buildModel(r);
  const { model: p, levels } = viaPage(r, 800);
  const big = p.rows.findIndex((row) => row.start.length === 0);
  assert.ok(big >= 0);
  const zoomedIn = 0.05; // ms per px
  assert.equal(levels.pick(big, p.rows[big], zoomedIn), NOT_LOADED);
  levels.approximated = 0;
  assert.notEqual(levels.pick(big, p.rows[big], m.wallMs / 800), NOT_LOADED);
  assert.equal(levels.approximated, 0, 'the class of 800 px lanes is their exact picture');
  // Class 1 (2048 bins) on lanes of class 0 or 2: bins of at most 2 px, close to the loaded picture.
  for (const width of [300, 1300, 4000]) {
    levels.approximated = 0;
    assert.notEqual(levels.pick(big, p.rows[big], m.wallMs / width), NOT_LOADED, `${width} px`);
    assert.equal(levels.approximated, 1, `${width} px`);
  }
  // Bins wider than 2 px: loading.
  assert.equal(levels.pick(big, p.rows[big], m.wallMs / 5000), NOT_LOADED);
  const wide = viaPage(r, 3000);
  assert.notEqual(wide.levels.pick(big, wide.model.rows[big], m.wallMs / 3000), NOT_LOADED);
  assert.equal(levels.prebuild(big, m.rows[big]), false, 'no levels built ahead for a row still previewed');
  levels.loaded();
  assert.equal(levels.pick(big, m.rows[big], zoomedIn), m.rows[big]);
});

test('the page\'s first frame, from class 0 alone on wider lanes, is close to the loaded picture and counted as approximated; with the lanes\' class seeded after it, every row draws exactly the loaded picture', () => {
  const r = report();
  const m = buildModel(r);
  const loaded = new LevelCache(m.wallMs);
  for (const width of [800, 1024, 1300, 2048]) {
    const coarse = viaPage(r, undefined, [0]);
    coarse.levels.approximated = 0;
    let busyDiff = 0, busy = 0;
    coarse.model.rows.forEach((row, i) => {
      const a = raster(wholeRun(loaded, m.rows[i], i, m.wallMs, width), width);
      const b = raster(wholeRun(coarse.levels, row, i, m.wallMs, width), width);
      for (let x = 0; x < width; x++) { busy += a[x]; busyDiff += Math.abs(a[x] - b[x]); }
    });
    assert.ok(coarse.levels.approximated > 0, `${width} px: the coarse rows are counted`);
    assert.ok(busyDiff < 0.1 * busy, `${width} px: busy height differs by ${(busyDiff / busy * 100).toFixed(1)} % of it`);

    const k = classFor(m.wallMs, width);
    const { model: p, levels } = viaPage(r, undefined, [0, k]);
    levels.approximated = 0;
    p.rows.forEach((row, i) => {
      const a = wholeRun(loaded, m.rows[i], i, m.wallMs, width);
      const b = wholeRun(levels, row, i, m.wallMs, width);
      assert.deepEqual([...b.buf.subarray(0, b.count * 4)], [...a.buf.subarray(0, a.count * 4)], `row ${i} at ${width} px`);
    });
    assert.equal(levels.approximated, 0, `${width} px: exact once class ${k} is seeded`);
  }
});

test('once loaded, a row keeps its seeded levels (the first frame after the load merges nothing) and draws exactly what levels built from its items draw, at every zoom', () => {
  const r = report();
  const m = buildModel(r);
  for (const width of [512, 800, 1300, 2048]) {
    const k = classFor(m.wallMs, width);
    const { model: p, levels } = viaPage(r, undefined, [0, k]);
    const msPerPx = m.wallMs / width;
    const seeded = p.rows.map((row, i) => row.start.length === 0 ? levels.pick(i, row, msPerPx) : undefined);
    assert.ok(seeded.some((x) => x !== undefined));
    let merges = 0;
    const merged = levels.merged.bind(levels);
    levels.merged = ((src: Drawable, bins: number, maxRuns?: number) => { merges++; return merged(src, bins, maxRuns as number); }) as typeof levels.merged;
    levels.loaded();
    seeded.forEach((level, i) => { if (level) assert.equal(levels.pick(i, m.rows[i], msPerPx), level, `row ${i} at ${width} px: the seeded level`); });
    assert.equal(merges, 0, `${width} px: nothing merged for the whole run`);
    // Then, with the levels built ahead (the coarser ones from the seeded), at every zoom: what a
    // cache without a preview draws after the same steps (a whole-run frame, then levels built ahead).
    const fresh = new LevelCache(m.wallMs);
    m.rows.forEach((row, i) => { fresh.pick(i, row, msPerPx); while (fresh.prebuild(i, row)); while (levels.prebuild(i, row)); });
    for (const share of [1, 0.5, 0.1, 0.01]) {
      m.rows.forEach((row, i) => {
        const a = visibleRuns(fresh.pick(i, row, (m.wallMs * share) / width), 0, m.wallMs * share, width, createRuns());
        const b = visibleRuns(levels.pick(i, row, (m.wallMs * share) / width), 0, m.wallMs * share, width, createRuns());
        assert.deepEqual([...b.buf.subarray(0, b.count * 4)], [...a.buf.subarray(0, a.count * 4)], `row ${i} at ${width} px, ${share * 100} % of the run`);
      });
    }
  }
});

/** Busy height per pixel column (cover, 0 where nothing is drawn). */
function raster(runs: ReturnType<typeof createRuns>, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let i = 0; i < runs.count; i++) {
    const o = i * 4;
    for (let x = Math.max(0, Math.floor(runs.buf[o])); x < Math.min(width, Math.ceil(runs.buf[o + 1])); x++) out[x] = Math.max(out[x], runs.buf[o + 3]);
  }
  return out;
}

test('the head holds the rows drawn item by item at every width; each class holds the rest, as a level or as items', () => {
  const r = report();
  const m = buildModel(r);
  const enc = encodePreview(m);
  const { model: head } = viaPage(r);
  const byClass = enc.classes.map((c) => new Set(c.header.rows.map((x) => x.row)));
  head.rows.forEach((row, i) => {
    const small = m.rows[i].start.length < 2048 || (m.rows[i].stairs?.steps ?? 1) > 1;
    assert.equal(row.start.length, small ? m.rows[i].start.length : 0, `row ${i}`);
    for (const rows of byClass) assert.equal(rows.has(i), !small, `row ${i}`);
  });
  assert.deepEqual(enc.classes.map((c) => c.header.level), [0, 1, 2]);
  // The coarsest class is the smallest: narrow lanes read the least before their first frame.
  assert.ok(enc.classes[0].bytes.length < enc.classes[1].bytes.length && enc.classes[1].bytes.length < enc.classes[2].bytes.length);
  assert.deepEqual([300, 512, 513, 1024, 1025, 2048, 4000].map((w) => classFor(m.wallMs, w)), [0, 0, 1, 1, 2, 2, 2]);
});
