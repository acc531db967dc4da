import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticReport } from './fixtures/syntheticReport';
import { buildModel } from './model';
import { encodePreview, previewModel } from './preview';
import { LevelCache, NOT_LOADED } from './levels';
import { createRuns, visibleRuns } from './lod';

// The host's preview (preview.ts) against the model the page builds once the spans are loaded.

const report = () => syntheticReport({ lanes: 4, spans: 80_000, wallMs: 20_000, childProcesses: 1 });

/** The preview through its transport: header as JSON, bytes at offset 0 of their own buffer. */
function viaPage(r: ReturnType<typeof report>) {
  const enc = encodePreview(buildModel(r));
  return previewModel(r, JSON.parse(JSON.stringify(enc.header)), new Uint8Array(enc.bytes));
}

test('the preview model has the loaded model\'s rows, processes, lag and counts, and no items to select', () => {
  const r = report();
  const m = buildModel(r);
  const { model: p } = viaPage(r);
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
  const { model: p, levels } = viaPage(r);
  for (const width of [300, 800, 1300, 2000]) {
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

test('zoomed in beyond the preview, a row drawn from levels is not loaded; once loaded it is drawn from its items', () => {
  const r = report();
  const m = buildModel(r);
  const { model: p, levels } = viaPage(r);
  const big = p.rows.findIndex((row) => row.start.length === 0);
  assert.ok(big >= 0);
  const zoomedIn = 0.05; // ms per px
  assert.equal(levels.pick(big, p.rows[big], zoomedIn), NOT_LOADED);
  assert.equal(levels.prebuild(big, m.rows[big]), false, 'no levels built ahead for a row still previewed');
  levels.loaded();
  assert.equal(levels.pick(big, m.rows[big], zoomedIn), m.rows[big]);
});
