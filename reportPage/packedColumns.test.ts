import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unpackColumns } from '../webview/packedColumns';
import { packColumns } from './packColumns';
import { syntheticReport } from '../webview/fixtures/syntheticReport';
import { timelineHtml } from './page';

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
