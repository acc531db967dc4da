import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatThousands } from './format';

test('formatThousands writes what toLocaleString("en-US") writes', () => {
  for (const n of [0, 1, 12, 999, 1000, 1001, 12_345, 999_999, 1_000_000, 1_234_567_890, -1, -1000, -987_654, Number.MAX_SAFE_INTEGER, 2 ** 60, 1.5, NaN, Infinity]) {
    assert.equal(formatThousands(n), n.toLocaleString('en-US'), String(n));
  }
});
