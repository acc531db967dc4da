import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { poolTimeline } from './threadpool';
import type { TraceEvent } from './raw';

const ev = (ph: 'b' | 'e', tsMs: number, id: number, cat = 'node,node.threadpoolwork,node.threadpoolwork.async'): TraceEvent =>
  ({ name: 'crypto', cat, ph, ts: 1_000_000 + tsMs * 1000, pid: 1, tid: 1, id: `0x${id}` });

describe('poolTimeline', () => {
  it('counts requests beyond the pool size as queued, and for how long', () => {
    // 6 jobs submitted at 0 on a pool of 4; jobs end one by one at 10, 20, …, 60 ms.
    const events = [...[1, 2, 3, 4, 5, 6].map((i) => ev('b', 0, i)), ...[1, 2, 3, 4, 5, 6].map((i) => ev('e', i * 10, i))];
    const p = poolTimeline(1, 4, events, 1_000_000, [], 100);
    assert.equal(p.maxInFlight, 6);
    assert.equal(p.maxQueued, 2);
    // 2 queued for 10 ms, then 1 for 10 ms.
    assert.equal(p.queuedMs, 30);
    assert.deepEqual(p.saturated, [[0, 20]]);
  });
  it('ignores other categories and unmatched ends', () => {
    const p = poolTimeline(1, 4, [ev('e', 5, 9), ev('b', 0, 1, 'v8'), ev('b', 0, 2), ev('e', 3, 2)], 1_000_000, [], 100);
    assert.equal(p.queuedMs, 0);
    assert.ok(p.maxInFlight <= 1);
  });
  it('adds the fs requests the probes counted on their ticks', () => {
    // One thread saw 10 fs requests in flight at 0 and 10 ms, none from 20 ms.
    const ticks = [[0, 0, 0, 10, -1, 10, 0, 0, 10, -1, 20, 0, 0, 0, -1]];
    const p = poolTimeline(1, 4, [], 0, ticks, 40);
    assert.equal(p.maxInFlight, 10);
    assert.equal(p.maxQueued, 6);
    assert.equal(p.queuedMs, 120);
    assert.deepEqual(p.saturated, [[0, 20]]);
  });
});
