import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inSaturated, unattributedSaturation } from './threadpoolSaturation';

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

describe('the note of saturated pools no finding explains', () => {
  const pool = (pid: number, maxQueued: number, saturatedMs: number) => ({ pid, maxQueued, saturatedMs });
  it('names one process as before, and many in one line (a test runner\'s every worker loads its modules so)', () => {
    assert.deepEqual(unattributedSaturation([], false), []);
    assert.deepEqual(unattributedSaturation([pool(7, 17, 540.4)], false), ['pid 7: the thread pool was saturated (up to 17 queued for 540 ms) by work not traced to a call in your files (module loading, a library)']);
    const many = unattributedSaturation(Array.from({ length: 10 }, (_, i) => pool(100 + i, 30 + i, 100 + i)), false);
    assert.equal(many.length, 1);
    assert.equal(many[0], 'the thread pool was saturated by work not traced to a call in your files (module loading, a library) in 10 processes: '
      + Array.from({ length: 8 }, (_, i) => `pid ${100 + i} (up to ${30 + i} queued for ${100 + i} ms)`).join(', ') + ' and 2 more');
    assert.match(unattributedSaturation([pool(1, 5, 10), pool(2, 6, 20)], true)[0], /^the thread pool was saturated by work whose calling lines an attached run cannot see .* in 2 processes: pid 1 .*, pid 2 /);
  });
});
