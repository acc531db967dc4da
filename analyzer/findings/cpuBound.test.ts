import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unionSegments, cpuInSegments, overlapInSegments } from './cpuBound';
import type { SampleTimeline } from '../cpuSamples';

// A thread busy for the whole of [0, 100) ms, sampled every 1 ms (brute force below).
function busyTimeline(from: number, to: number): SampleTimeline {
  const n = to - from;
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) time[i] = from + i;
  return { time, end: to, kind: Array(n).fill('user'), frame: Array(n).fill(undefined), busyMs: n, capMs: 1 };
}

describe('unionSegments', () => {
  it('merges overlapping windows, keeps windows that only touch or are apart separate', () => {
    assert.deepEqual(unionSegments([5, 15, 0, 10]), [0, 15]);
    assert.deepEqual(unionSegments([0, 5, 5, 10, 20, 30]), [0, 5, 5, 10, 20, 30]);
    assert.deepEqual(unionSegments([0, 10, 0, 10, 2, 3]), [0, 10]);
  });
});

describe('cpuInSegments', () => {
  const s = busyTimeline(0, 100);
  it('counts the busy time inside each segment, partial samples by their overlap', () => {
    assert.equal(cpuInSegments(s, unionSegments([10, 20.5])), 10.5);
    assert.equal(cpuInSegments(s, unionSegments([90, 120])), 10);
  });
  it('counts overlapping windows once in all (never a multiple of the CPU there was)', () => {
    for (let k = 1; k <= 20; k++) {
      const windows: number[] = [];
      for (let i = 0; i < k; i++) windows.push(10 + i, 60 + i);
      const union = 60 + k - 1 - 10;
      assert.ok(Math.abs(cpuInSegments(s, unionSegments(windows)) - union) < 1e-9, `k=${k}`);
    }
  });
  it('counts nothing where the thread was idle', () => {
    const idle = { ...s, kind: Array(100).fill('idle') };
    assert.equal(cpuInSegments(idle, unionSegments([0, 100])), 0);
  });
});

describe('overlapInSegments (pool jobs in the awaits\' windows)', () => {
  it('sums each interval\'s time inside the segments, overlapping intervals each on its own (a job per pool thread)', () => {
    assert.equal(overlapInSegments([0, 10, 5, 15], [0, 100]), 20);
    assert.equal(overlapInSegments([0, 10, 5, 15], [8, 12]), 6);
    assert.equal(overlapInSegments([], [0, 10]), 0);
    assert.equal(overlapInSegments([0, 10], []), 0);
  });
  it('matches a brute-force sum over every segment (random intervals and segments)', () => {
    let seed = 11;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let run = 0; run < 200; run++) {
      const intervals: number[] = [];
      for (let k = Math.floor(rand() * 12); k > 0; k--) { const a = rand() * 500; intervals.push(a, a + rand() * 80); }
      const windows: number[] = [];
      for (let k = Math.floor(rand() * 8); k > 0; k--) { const a = rand() * 500; windows.push(a, a + rand() * 60); }
      const bounds = unionSegments(windows);
      let brute = 0;
      for (let j = 0; j < intervals.length; j += 2) for (let w = 0; w < bounds.length; w += 2) brute += Math.max(0, Math.min(intervals[j + 1], bounds[w + 1]) - Math.max(intervals[j], bounds[w]));
      assert.ok(Math.abs(overlapInSegments(intervals, bounds) - brute) < 1e-9, `run ${run}`);
    }
  });
});
