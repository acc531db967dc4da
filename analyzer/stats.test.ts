import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, percentiles } from './stats';

// percentiles(): nearest-rank percentiles by selection, exactly what sorting a copy gave (the
// report's route p50/p99 and lag percentiles must not move with how they are found).

/** What percentiles() replaced: a sorted copy (a Float64Array's own sort: NaN last), read at the nearest rank. */
const bySort = (values: ArrayLike<number>, p: number) => {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

const PS = [0, 1, 25, 50, 90, 99, 99.9, 100];

test('every percentile as the sorted copy gives, on random, tied, ordered and adversarial values', () => {
  let seed = 11;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const inputs: Record<string, number[]> = {
    random: Array.from({ length: 20_001 }, () => random() * 1000),
    'few distinct (ties)': Array.from({ length: 10_000 }, () => Math.floor(random() * 4)),
    'all equal': Array.from({ length: 5000 }, () => 2.5),
    ascending: Array.from({ length: 8192 }, (_, i) => i / 7),
    descending: Array.from({ length: 8192 }, (_, i) => -i),
    'organ pipe': Array.from({ length: 8192 }, (_, i) => Math.min(i, 8191 - i)),
    'negative and infinite': Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? -Infinity : i % 89 === 0 ? Infinity : random() - 0.5)),
    one: [42],
    two: [3, 1],
  };
  for (const [name, values] of Object.entries(inputs)) {
    const got = percentiles(values, PS);
    PS.forEach((p, k) => assert.equal(got[k], bySort(values, p), `${name}, p${p}`));
    for (const p of PS) assert.equal(percentile(values, p), bySort(values, p), `${name}, percentile(${p})`);
  }
});

test('ranks asked in any order and repeated; the values given are not reordered', () => {
  const values = Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
  const copy = values.slice();
  assert.deepEqual(percentiles(values, [99, 50, 99, 1]), [99, 50, 99, 1].map((p) => bySort(copy, p)));
  assert.deepEqual(values, copy);
});

test('none: 0 at every percentile; a NaN among the values: as the sort placed it (last)', () => {
  assert.deepEqual(percentiles([], [50, 99]), [0, 0]);
  const withNaN = [5, NaN, 1, 3, NaN, 2];
  for (const p of PS) assert.ok(Object.is(percentile(withNaN, p), bySort(withNaN, p)), `p${p}`);
});
