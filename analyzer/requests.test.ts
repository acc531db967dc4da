import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highest, handlerLine, HANDLER_MIN_SAMPLES } from './requests';
import type { LineCpu } from './latencyAttribution';

// highest(): the top k of many requests without sorting them all, exactly as the stable sort of
// them all would begin (the timeline names the blockers of the slowest requests in that order).

/** What highest() replaced: every included index, stably sorted by score, highest first. */
const sortAll = (n: number, k: number, include: (i: number) => boolean, score: (i: number) => number) =>
  [...Array(n).keys()].filter(include).sort((a, b) => score(b) - score(a)).slice(0, k);

test('the k highest, ties in index order, as a stable sort of all gives', () => {
  // Scores with many ties (a few distinct values), negatives, zeros, and excluded indices.
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const scores = Array.from({ length: 5000 }, () => Math.floor(random() * 12) - 2);
  const include = (i: number) => i % 3 !== 0;
  const score = (i: number) => scores[i];
  for (const k of [0, 1, 5, 200, 3333, 4000]) {
    assert.deepEqual(highest(scores.length, k, include, score), sortAll(scores.length, k, include, score), `k = ${k}`);
  }
});

test('fewer included than k: all of them, highest first; a tie at the k-th place is cut in index order', () => {
  assert.deepEqual(highest(6, 10, (i) => i !== 2, (i) => [1, 3, 9, 3, 0, 7][i]), [5, 1, 3, 0, 4]);
  assert.deepEqual(highest(6, 3, () => true, (i) => [5, 2, 5, 5, 1, 5][i]), [0, 2, 3]);
  assert.deepEqual(highest(4, 2, () => false, () => 1), []);
  // A NaN score is never taken (none is expected: request latencies are differences of times).
  assert.deepEqual(highest(5, 2, () => true, (i) => [NaN, 1, NaN, 2, 1][i]), [3, 1]);
  assert.deepEqual(highest(3, 5, () => true, (i) => [NaN, 1, NaN][i]), [1]);
});

test('a route\'s handler is its hottest line of its own, once it has enough samples to tell', () => {
  const line = (n: number, ms: number, samples: number): [string, LineCpu] =>
    [`file:///app.js:${n}`, { url: 'file:///app.js', line: n, fnLine: n, fnColumn: 1, label: 'f', ms, samples }];
  const mine = (keys: string[]) => new Map(keys.map((k) => [k, 1]));
  const few = new Map([line(4, 2, 1), line(6, 3, 2)]);
  assert.equal(handlerLine(few, mine([...few.keys()])), undefined, '3 samples over the route: too few');
  const many = new Map([line(4, 2, 1), line(6, 40, HANDLER_MIN_SAMPLES + 15)]);
  assert.equal(handlerLine(many, mine([...many.keys()]))?.line, 6);
  // A line other routes ran in too (a middleware) is no one route's.
  assert.equal(handlerLine(many, new Map([['file:///app.js:4', 1], ['file:///app.js:6', 2]])), undefined);
});
