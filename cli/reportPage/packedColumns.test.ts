import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackColumns, DECODED_ON_USE } from '../../webview/packedColumns';
import { packColumns } from './packColumns';
import { syntheticReport } from '../../webview/fixtures/syntheticReport';
import { timelineHtml } from './page';
import { numberColumn } from '../../analyzer/numberColumn';
import { ASYNC_SPAN_COLUMNS, type AsyncSpanColumns } from '../../analyzer/spans';

test('packed columns decode to the same numbers, and take far less room than JSON', async () => {
  const r = syntheticReport({ lanes: 4, spans: 50_000, wallMs: 30_000 });
  const before = JSON.parse(JSON.stringify(r));
  const p = packColumns(r);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), before, 'the input is not modified');
  assert.ok(p.header.columns.length >= 12, p.header.columns.map((c) => c.path).join());
  assert.deepEqual(p.report.spans.slices.start, []);
  const packedSize = p.base64.length;
  const jsonSize = p.header.columns.reduce((a, c) => a + JSON.stringify((before.spans as any)[c.path.split('.')[0]][c.path.split('.')[1]]).length, 0);
  assert.ok(packedSize < jsonSize / 4, `${packedSize} vs ${jsonSize}`);
  const back = await unpackColumns(JSON.parse(JSON.stringify(p.report)), p.header, p.base64);
  for (const c of p.header.columns) {
    const [a, b] = c.path.split('.');
    assert.deepEqual(Array.from((back.spans as any)[a][b]), (before.spans as any)[a][b], c.path);
  }
});

test('the analyzer\'s typed columns (analyzer/numberColumn.ts) pack as their numbers do as number[]', async () => {
  const r = syntheticReport({ lanes: 2, spans: 20_000, wallMs: 10_000 });
  const as = r.spans.asyncSpans;
  const arrays = JSON.parse(JSON.stringify(as));
  r.spans.asyncSpans = Object.fromEntries(Object.entries(ASYNC_SPAN_COLUMNS)
    .map(([k, Column]) => [k, numberColumn(Column.from((as as Record<string, ArrayLike<number>>)[k]))])) as AsyncSpanColumns;
  const p = packColumns(r);
  const paths = p.header.columns.map((c) => c.path);
  for (const k of Object.keys(arrays)) assert.ok(paths.includes(`asyncSpans.${k}`), `asyncSpans.${k} packed`);
  const back = await unpackColumns(JSON.parse(JSON.stringify(p.report)), p.header, p.base64);
  for (const k of Object.keys(arrays)) assert.deepEqual(Array.from((back.spans.asyncSpans as any)[k]), arrays[k], `asyncSpans.${k}`);
});

test('columns the first paint does not read are decoded when first read, to the same numbers', async () => {
  const r = syntheticReport({ lanes: 3, spans: 40_000, wallMs: 20_000 });
  const p = packColumns(r);
  const deferred = p.header.columns.filter((c) => DECODED_ON_USE.has(c.path));
  assert.deepEqual(deferred.map((c) => c.path).sort(), [...DECODED_ON_USE].sort());
  const back = await unpackColumns(JSON.parse(JSON.stringify(p.report)), p.header, p.base64);
  for (const c of deferred) {
    const [a, b] = c.path.split('.');
    const holder = (back.spans as any)[a];
    assert.equal(typeof Object.getOwnPropertyDescriptor(holder, b)?.get, 'function', `${c.path} not decoded yet`);
    assert.deepEqual(Array.from(holder[b]), (r.spans as any)[a][b], c.path);
    const d = Object.getOwnPropertyDescriptor(holder, b)!;
    assert.ok(d.value instanceof Float64Array && d.get === undefined, `${c.path} holds its array once read`);
    assert.equal(holder[b], d.value);
  }
  // The columns after a deferred one still decode from the right place.
  assert.deepEqual(Array.from(back.spans.asyncSpans.end), r.spans.asyncSpans.end);
  assert.deepEqual(Array.from(back.spans.lag.ms), r.spans.lag.ms);
  // A header without byte lengths (an older page) decodes everything at once.
  const old = { ...p.header, columns: p.header.columns.map(({ bytes, ...c }) => c) };
  const eager = await unpackColumns(JSON.parse(JSON.stringify(p.report)), old, p.base64);
  assert.ok(Object.getOwnPropertyDescriptor(eager.spans.slices, 'site')!.value instanceof Float64Array);
  assert.deepEqual(Array.from(eager.spans.slices.site), r.spans.slices.site);
});

test('columns that would lose precision, or hold non-numbers, stay in the JSON', async () => {
  const r = syntheticReport({ lanes: 1, spans: 20_000 });
  r.spans.slices.start[5] = 1.0000001;
  (r.spans.asyncSpans.end as unknown[])[3] = null;
  r.spans.slices.site[0] = -1;
  const p = packColumns(r);
  const paths = p.header.columns.map((c) => c.path);
  assert.ok(!paths.includes('slices.start') && !paths.includes('asyncSpans.end'));
  assert.ok(paths.includes('slices.site'), 'negative integers pack');
  assert.equal(p.report.spans.slices.start.length, r.spans.slices.start.length);
  const back = await unpackColumns(JSON.parse(JSON.stringify(p.report)), p.header, p.base64);
  assert.equal(back.spans.slices.site[0], -1);
});

test('big reports get a packed block in the page; small ones stay plain JSON', () => {
  const big = timelineHtml({ report: syntheticReport({ spans: 30_000 }), nonce: 'n', title: 't', inlineScript: '' });
  assert.match(big, /<script type="application\/octet-stream" id="cl-columns" nonce="n">\{"columns":\[\{"path":"slices\.lane"/);
  const small = timelineHtml({ report: syntheticReport({ spans: 100 }), nonce: 'n', title: 't', inlineScript: '' });
  assert.doesNotMatch(small, /cl-columns/);
});
