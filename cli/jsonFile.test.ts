import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonFile, numbersInArrays, DIGITS_FROM } from './jsonFile';
import { numberColumn } from '../analyzer/numberColumn';
import { buildSync } from 'esbuild';

const dir = mkdtempSync(join(tmpdir(), 'cl-jsonfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** What writeJsonFile wrote for `value`. */
function written(value: unknown, numbersBy?: 'digits' | 'stringify'): string {
  const file = join(dir, `${n++}.json`);
  writeJsonFile(file, value, numbersBy);
  return readFileSync(file, 'utf8');
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `fn`'s result, and the lengths of the arrays Array.from made while it ran (a column's toJSON makes one of the whole column). */
function withArraysMade<T>(fn: () => T): { result: T; made: number[] } {
  const from = Array.from;
  const made: number[] = [];
  Array.from = function (this: unknown, ...args: unknown[]) {
    made.push((args[0] as ArrayLike<unknown>).length);
    return (from as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof Array.from;
  try { return { result: fn(), made }; } finally { Array.from = from; }
}

/** Both ways of writing arrays of numbers (the writer chooses one by the document's size: DIGITS_FROM). */
const NUMBERS_BY = ['digits', 'stringify'] as const;

/** Asserts that `numbers` is written digit by digit as JSON.stringify writes it, naming the first number written otherwise. */
function assertWrittenAsJson(numbers: number[]): void {
  const text = written(numbers, 'digits');
  if (text === JSON.stringify(numbers)) return;
  const got = text.slice(1, -1).split(',');
  const i = numbers.findIndex((x, k) => got[k] !== JSON.stringify(x));
  assert.fail(`${numbers[i]} at ${i} of ${numbers.length} written as ${got[i]}, JSON.stringify gives ${JSON.stringify(numbers[i])}`);
}

describe('writeJsonFile', () => {
  it('writes what JSON.stringify gives, for every kind of value and JSON.stringify\'s rules', () => {
    const sym = Symbol('s');
    const holey: unknown[] = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const cases: unknown[] = [
      {}, [], 0, -0, 1.5, NaN, -Infinity, 'text', true, null, new Date(0), [undefined, () => 1, sym, null], holey,
      { a: undefined, b: () => 1, c: sym, d: null, e: [], f: {}, g: 'x' },
      { toJSON: (key: string) => ({ key }) }, { nested: { toJSON: (key: string) => `key ${key}` } }, [{ toJSON: (key: string) => key }],
      { gone: { toJSON: () => undefined }, kept: 1 }, [{ toJSON: () => undefined }],
      new Number(3), new String('boxed'), new Boolean(false), [new Number(1), new String('s')],
      new Map([[1, 2]]), new Set([1]), new Float64Array([1.5, 2]), { typed: new Int32Array([1, 2, 3]) },
      'quote " backslash \\ newline \n tab \t nul \u0000 line sep \u2028 lone surrogate \ud800 pair \ud83d\ude00 é',
      { 'key with "quotes"': 1, '\u00e9': 2, 3: 'numeric key first', z: 4 },
    ];
    for (const numbersBy of NUMBERS_BY) {
      for (const value of cases) assert.equal(written(value, numbersBy), JSON.stringify(value), `${numbersBy}: for ${String(JSON.stringify(value))}`);
    }
  });

  it('writes a report-sized document (arrays past a slice, objects in arrays, text past a flush) as JSON.stringify does', () => {
    const r = random(7);
    const numbers = Array.from({ length: 25_000 }, () => Math.round(r() * 1e9) / 1000);
    const strings = Array.from({ length: 9_000 }, (_, i) => (i % 3 ? `s${i}` : `é😀"${i}\\`));
    const mixed: unknown[] = Array.from({ length: 10_000 }, (_, i) => (i === 7_000 ? { at: i, list: [i, undefined] } : i % 5 ? i : null));
    mixed[12_345] = 'past the end'; // a run of holes before it
    const doc = { schemaVersion: 1, spans: { start: numbers, end: numbers.map((x) => x + 0.5), strings, mixed }, lanes: [{ id: 'a', rows: numbers.slice(0, 5_000) }] };
    for (const numbersBy of NUMBERS_BY) {
      const text = written(doc, numbersBy);
      assert.equal(text, JSON.stringify(doc), numbersBy);
      assert.ok(text.length > 1 << 18, 'several flushes');
    }
  });

  it('writes arrays of numbers digit by digit exactly as JSON.stringify does: integers, thousandths, every other double, the edges', () => {
    const r = random(11);
    const edges = [0, -0, 1, -1, 0.001, -0.001, 0.01, 0.1, 0.5, 0.999, 1.001, 10.1, 100.01, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2,
      999_999_999_999.999, 99_999_999_999.999, 1e15 - 1, 1e15, 1e15 + 0.5, -999_999_999_999.999, 123456789012.345, 1e20, 1e21, 1e-6, 1e-7, 5e-324,
      Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON, 0.1 + 0.2, 1 / 3, 0.0005, 0.0015, 2.675, 1.0005, NaN, Infinity, -Infinity];
    const numbers: number[] = [...edges];
    for (let i = 0; i < 60_000; i++) {
      const kind = i % 6;
      const x = kind === 0 ? Math.round(r() * 1e12) / 1000 // a report's times
        : kind === 1 ? -Math.round(r() * 1e6) / 1000
          : kind === 2 ? Math.floor((r() - 0.5) * 2 ** 40) // integers
            : kind === 3 ? r() * 10 ** Math.floor(r() * 30 - 10) // any double, any magnitude
              : kind === 4 ? Math.round(r() * 1e5) / 100 // hundredths
                : (Math.round(r() * 1e9) + 0.5) / 1000; // a half-thousandth: not exact
      numbers.push(x);
    }
    assertWrittenAsJson(numbers);
    for (const x of edges) assertWrittenAsJson([x]);
    // Numbers beside other values in one array go the general way, and still read the same.
    const mixed = [1.5, 'two', 3, null, 4.25];
    assert.equal(written(mixed, 'digits'), JSON.stringify(mixed));
  });

  it('chooses by the numbers a document holds in arrays of numbers, and writes JSON.stringify\'s text either way', () => {
    const cycle: Record<string, unknown> = { list: [4, 5] };
    cycle.self = cycle;
    const doc = {
      spans: { start: [0.5, 1, 2], mixed: [1.5, 'two'], empty: [] }, routes: [{ calls: [1, 2, 3] }, 7], nested: [[1, 2], [3], 'x'],
      typed: new Float64Array(9), text: 'a', count: 3, cycle,
    };
    assert.equal(numbersInArrays(doc), 3 + 2 + 2 + 1 + 2);
    const r = random(3);
    const column = (k: number) => Array.from({ length: k }, (_, i) => (i % 2 ? i : Math.round(r() * 1e9) / 1000));
    for (const size of [DIGITS_FROM - 1, DIGITS_FROM]) {
      const report = { spans: { start: column(size - 100), lane: column(100) }, lanes: [{ id: 'main', startMs: 0.25 }] };
      assert.equal(numbersInArrays(report), size);
      assert.equal(written(report), JSON.stringify(report), `${size} numbers`);
    }
  });

  it('writes the report\'s typed columns (analyzer/numberColumn.ts) as the arrays JSON.stringify gives through their toJSON, either way, without calling it', () => {
    const r = random(11);
    for (const size of [3, 5000, DIGITS_FROM + 7]) {
      const times = numberColumn(new Float64Array(size).map(() => Math.round(r() * 1e9) / 1000));
      times[0] = 0.1 + 0.2; // not a number of thousandths: JSON.stringify's own digits
      const lanes = numberColumn(new Int32Array(size).map((_, i) => i % 7 - 1));
      const flags = numberColumn(new Uint8Array(size).map((_, i) => i % 2));
      const plain = new Float64Array([1.5, 2]); // not a column: JSON.stringify writes it as an object
      const doc = { spans: { asyncSpans: { start: times, lane: lanes, rejected: flags.subarray(1) } }, plain, list: [times.subarray(0, 2)] };
      const expected = JSON.stringify(doc);
      assert.ok(expected.includes(`"start":[${Array.from(times).map((x) => JSON.stringify(x)).join(',')}]`), 'JSON.stringify writes a column as its numbers');
      assert.ok(expected.includes('"plain":{"0":1.5,"1":2}'));
      // A subarray is a plain typed array (no toJSON of its own): written in JSON.stringify's object form.
      // Never the whole column as an array (its toJSON's): at most a slice of it at a time.
      const { made } = withArraysMade(() => { for (const by of NUMBERS_BY) assert.equal(written(doc, by), expected, `${size} rows, ${by}`); });
      if (size > 4096) assert.ok(made.every((n) => n <= 4096), `arrays made of ${Math.max(...made)} numbers`);
      assert.equal(written(doc), expected, `${size} rows, the writer's choice`);
      assert.equal(numbersInArrays(doc), 2 * size, 'a column counts its numbers; other typed arrays none');
    }
    const column = numberColumn(new Float64Array([1, 2]));
    let calls = 0;
    const toJSON = (column as unknown as { toJSON(): unknown }).toJSON;
    Object.defineProperty(column, 'toJSON', { value: function (this: unknown) { calls++; return toJSON.call(this); } });
    assert.equal(written({ column }), '{"column":[1,2]}', 'a column whose toJSON is not ours is written through it');
    assert.equal(calls, 1);
  });

  it('recognizes a column made by another copy of numberColumn.ts (another bundle in the same process)', () => {
    const copy = join(dir, 'numberColumn-copy.cjs');
    buildSync({ entryPoints: [join(__dirname, '..', 'analyzer', 'numberColumn.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: copy, logLevel: 'error' });
    const other = require(copy) as typeof import('../analyzer/numberColumn');
    assert.notEqual(other.numberColumn, numberColumn, 'a second copy of the module');
    const size = DIGITS_FROM + 3;
    const doc = { start: other.numberColumn(new Float64Array(size).map((_, i) => i / 1000)) };
    const { result: text, made } = withArraysMade(() => written(doc));
    assert.equal(text, JSON.stringify(doc));
    assert.deepEqual(made, [], 'written from the column itself, not its toJSON\'s array');
    assert.equal(numbersInArrays(doc), size);
  });

  it('writes records (plain objects in arrays) whole as JSON.stringify does: nested toJSON, values left out, a toJSON\'s result called once', () => {
    const r = random(5);
    const sym = Symbol('k');
    const bare = Object.assign(Object.create(null), { n: 1, s: 'null prototype' });
    const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false });
    const records: unknown[] = Array.from({ length: 5_000 }, (_, i) => ({
      i, t: Math.round(r() * 1e9) / 1000, label: i % 7 ? `r${i}` : 'é "quoted" \\ \n', list: [i, undefined, () => 1], gone: undefined,
      when: new Date(i * 1000), nested: { toJSON: (key: string) => `${key}@${i}` }, [sym]: 'symbol key',
    }));
    records.push(bare, hidden, { toJSON: () => ({ toJSON: () => 'called twice', v: 1 }) }, new (class Point { x = 1; y = 2 })(), [{ deep: true }]);
    assert.equal(written(records), JSON.stringify(records));
    assert.equal(written({ routes: records.slice(4_990) }), JSON.stringify({ routes: records.slice(4_990) }));
    assert.throws(() => written([{ big: 1n }]), TypeError);
  });

  it('writes a single string longer than its buffer, in any script (the buffer grows to the string\'s UTF-8 length)', () => {
    for (const value of ['a'.repeat(300_000), 'é😀\ud800'.repeat(60_000), ['x', 'é'.repeat(100_000), { k: '😀'.repeat(70_000) }]]) {
      assert.equal(written(value), JSON.stringify(value));
    }
  });

  it('throws for a value that has no JSON, a cycle and a BigInt, as JSON.stringify does; a value met twice (no cycle) is written twice', () => {
    assert.throws(() => written(undefined), /no JSON form/);
    const cycle: Record<string, unknown> = { list: [] };
    (cycle.list as unknown[]).push({ back: cycle });
    assert.throws(() => written(cycle), /circular structure/);
    assert.throws(() => written({ big: 1n }), TypeError);
    const shared = { x: [1] };
    assert.equal(written({ a: shared, b: [shared, shared] }), JSON.stringify({ a: shared, b: [shared, shared] }));
  });
});
