import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { awaitsRan } from './awaitsRan';
import type { Report } from './report';

const site = (kind: 'await' | 'sync-io') => ({ kind, location: { file: '/app/x.js', line: 1, column: 1 }, label: 'x', laneId: '1:0', count: 1, totalMs: 0, maxMs: 0 });
const report = (maxConcurrency: number, sites: ReturnType<typeof site>[] | undefined) => ({ metrics: { maxConcurrency }, sites }) as unknown as Pick<Report, 'metrics' | 'sites'>;

describe('awaitsRan: whether the concurrency figure says anything', () => {
  it('is false for a run without any await of the program\'s files (a tool run through npx, a program without async code)', () => {
    assert.equal(awaitsRan(report(0, [])), false);
    assert.equal(awaitsRan(report(0, undefined)), false);
    assert.equal(awaitsRan(report(0, [site('sync-io')])), false);
  });
  it('is true when an await ran, even one that never waited (concurrency 0 is then a measurement)', () => {
    assert.equal(awaitsRan(report(0, [site('await')])), true);
    assert.equal(awaitsRan(report(3, [])), true);
  });
});
