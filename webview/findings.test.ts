import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../analyzer/report';
import { findingRange, projectedPromiseAll, sortFindings, ghostMarks } from './findings';

const f = (over: Partial<Finding>): Finding => ({
  id: 'x', kind: 'sequential-awaits', severity: 'warning', message: 'm', location: { file: 'a.js', line: 1, column: 1 },
  laneId: 'L', occurrences: 1, totalMs: 30, ...over,
});

test('sequential awaits: Promise.all would start them together and take the longest', () => {
  const g = projectedPromiseAll(f({ intervals: [{ laneId: 'L', startMs: 100, endMs: 110 }, { laneId: 'L', startMs: 110, endMs: 140 }, { laneId: 'L', startMs: 140, endMs: 145 }] }));
  assert.deepEqual(g, [{ laneId: 'L', startMs: 100, endMs: 130 }]);
});

test('one interval per chain: the chain minus the estimated savings', () => {
  const one = projectedPromiseAll(f({ totalMs: 900, estimatedSavingsMs: 500, intervals: [{ laneId: 'L', startMs: 200, endMs: 1100 }] }));
  assert.deepEqual(one, [{ laneId: 'L', startMs: 200, endMs: 600 }]);
  const two = projectedPromiseAll(f({ occurrences: 2, estimatedSavingsMs: 100, intervals: [{ laneId: 'L', startMs: 0, endMs: 80 }, { laneId: 'L', startMs: 100, endMs: 200 }] }));
  assert.deepEqual(two, [{ laneId: 'L', startMs: 0, endMs: 30 }, { laneId: 'L', startMs: 100, endMs: 150 }]);
});

test('no projection for other kinds, or without intervals or savings', () => {
  assert.deepEqual(projectedPromiseAll(f({ kind: 'blocking-cpu', intervals: [{ laneId: 'L', startMs: 0, endMs: 1 }, { laneId: 'L', startMs: 2, endMs: 3 }] })), []);
  assert.deepEqual(projectedPromiseAll(f({ intervals: [{ laneId: 'L', startMs: 0, endMs: 1 }] })), []);
  assert.deepEqual(projectedPromiseAll(f({ estimatedSavingsMs: 5 })), []);
});

test('range and order', () => {
  assert.deepEqual(findingRange(f({ intervals: [{ laneId: 'L', startMs: 5, endMs: 9 }, { laneId: 'L', startMs: 1, endMs: 3 }] })), [1, 9]);
  assert.equal(findingRange(f({})), undefined);
  const sorted = sortFindings([f({ id: 'a', severity: 'info', totalMs: 99 }), f({ id: 'b', severity: 'warning', totalMs: 5 }), f({ id: 'c', severity: 'error', totalMs: 1 }), f({ id: 'd', severity: 'warning', totalMs: 50 })]);
  assert.deepEqual(sorted.map((x) => x.id), ['c', 'd', 'b', 'a']);
});

test('overlapping projections of one finding on a lane collapse into one mark with a count', () => {
  const ghosts = [
    { laneId: 'L', startMs: 0, endMs: 30 }, { laneId: 'L', startMs: 10, endMs: 40 }, { laneId: 'L', startMs: 40, endMs: 60 },
    { laneId: 'L', startMs: 100, endMs: 110 }, { laneId: 'M', startMs: 5, endMs: 15 },
  ];
  assert.deepEqual(ghostMarks(ghosts), [
    { laneId: 'L', startMs: 0, endMs: 60, count: 3, meanMs: 80 / 3 },
    { laneId: 'M', startMs: 5, endMs: 15, count: 1, meanMs: 10 },
    { laneId: 'L', startMs: 100, endMs: 110, count: 1, meanMs: 10 },
  ]);
});
