import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Report } from '../analyzer/report';
import { distinctRowLabels } from './rowLabels';

const report = {
  spans: {
    strings: ['/app/a.js', '/app/b.js', 'await getJson()', 'await db()'],
    sites: { file: [0, 0, 0, 1], line: [14, 22, 30, 5], column: [1, 1, 1, 1], label: [2, 2, 3, 2] },
  },
} as unknown as Report;
const label = (s: number) => (s < 0 ? 'other awaits' : report.spans.strings[report.spans.sites.label[s]]);

test('await rows from different lines with the same callee show their line', () => {
  assert.deepEqual(distinctRowLabels(report, [0, 1, 2], label), ['await getJson() · line 14', 'await getJson() · line 22', 'await db()']);
});

test('in different files, the file and line', () => {
  assert.deepEqual(distinctRowLabels(report, [0, 3], label), ['await getJson() · a.js:14', 'await getJson() · b.js:5']);
});

test('distinct labels are left alone', () => {
  assert.deepEqual(distinctRowLabels(report, [0, 2, -2], label), ['await getJson()', 'await db()', 'other awaits']);
});
