import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inSaturated } from './threadpoolSaturation';

/** The rule as it was first written: a scan of every interval per pool call. */
const byScan = (intervals: [number, number][], at: number) => intervals.some(([a, b]) => at >= a - 50 && at <= b);

describe('threadpool saturation: a pool call made while the pool was saturated', () => {
  it('is found by binary search exactly as by a scan of every interval (random disjoint intervals, some closer than 50 ms)', () => {
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let run = 0; run < 300; run++) {
      // Intervals as threadpool.ts makes them: in order, disjoint, on 10 ms buckets, gaps from one bucket up.
      const intervals: [number, number][] = [];
      let t = Math.floor(rand() * 10) * 10;
      for (let k = Math.floor(rand() * 8); k > 0; k--) {
        const a = t + 10 * (1 + Math.floor(rand() * 12));
        const b = a + 10 * (1 + Math.floor(rand() * 5));
        intervals.push([a, b]);
        t = b;
      }
      for (let i = 0; i < 200; i++) {
        const at = rand() * (t + 100) - 20;
        assert.equal(inSaturated(intervals, at), byScan(intervals, at), `${JSON.stringify(intervals)} at ${at}`);
      }
      for (const [a, b] of intervals) for (const at of [a - 50, a - 50.001, b, b + 0.001, a]) assert.equal(inSaturated(intervals, at), byScan(intervals, at));
    }
  });

  it('none without intervals', () => {
    assert.equal(inSaturated([], 5), false);
  });
});
