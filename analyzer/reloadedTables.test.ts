import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReloadedTables } from './reloadedTables';
import { SPAN, SPAN_KIND, type RawAggregates, type RawSite } from './raw';

const site = (id: number, line: number): RawSite => ({ id, kind: 'await', line, column: 2, label: 'await x()', fn: 0, group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: false });
const table = (file: string, base: number, lines = [3, 4]) => ({ t: 'table' as const, base, file, size: lines.length, sites: lines.map((l, i) => site(i + 1, l)), loops: [], groups: [] });
const agg = (): RawAggregates => ({
  site: { count: [0, 1, 2, 3, 4, 5, 6], sampled: [0, 1, 2, 3, 4, 5, 6], sum: [0, 10, 20, 30, 40, 50, 60], max: [0, 9, 1, 8, 2, 7, 3], syncSum: [], leafSampled: [], leafSum: [], rejected: [] },
  fnCalls: [], group: { count: [], sum: [], save: [] }, loop: { execs: [], iters: [], sum: [], save: [] }, maxInFlight: 1, spansKept: 0, spansDropped: 0,
});

describe('ReloadedTables', () => {
  it('takes a second load of the same file with the same sites for its first, and adds its figures there', () => {
    const r = new ReloadedTables();
    assert.equal(r.isReload(table('/a.js', 0)), false);
    assert.equal(r.isReload(table('/b.js', 2)), false);
    assert.equal(r.isReload(table('/a.js', 4)), true);
    const folded = r.foldAggregates(agg());
    assert.deepEqual(folded.site.count, [0, 6, 8, 3, 4, 0, 0]);
    assert.deepEqual(folded.site.sum, [0, 60, 80, 30, 40, 0, 0]);
    assert.deepEqual(folded.site.max, [0, 9, 3, 8, 2, 0, 0]);
  });
  it('leaves the raw aggregates as they were (the analysis may run again on the same recording)', () => {
    const r = new ReloadedTables();
    r.isReload(table('/a.js', 0));
    r.isReload(table('/a.js', 2));
    const raw = agg();
    r.foldAggregates(raw);
    assert.deepEqual(raw.site.count, [0, 1, 2, 3, 4, 5, 6]);
  });
  it('moves a reload\'s spans to the first load\'s ids, but not fsSync spans (they index names)', () => {
    const r = new ReloadedTables();
    r.isReload(table('/a.js', 0));
    r.isReload(table('/a.js', 2));
    const spans = new Float64Array(3 * SPAN.size);
    spans[SPAN.kind] = SPAN_KIND.await; spans[SPAN.site] = 4;
    spans[SPAN.size + SPAN.kind] = SPAN_KIND.fsSync; spans[SPAN.size + SPAN.site] = 3;
    spans[2 * SPAN.size + SPAN.kind] = SPAN_KIND.await; spans[2 * SPAN.size + SPAN.site] = 1;
    r.foldSpans(spans);
    assert.deepEqual([spans[SPAN.site], spans[SPAN.size + SPAN.site], spans[2 * SPAN.size + SPAN.site]], [2, 3, 1]);
  });
  it('keeps a file whose code changed between loads apart', () => {
    const r = new ReloadedTables();
    r.isReload(table('/a.js', 0));
    assert.equal(r.isReload(table('/a.js', 2, [3, 5])), false);
    assert.equal(r.reloads.length, 0);
  });
});
