import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { joinProfileChunks, IncrementalJoin } from './profileChunks';
import type { CpuProfile } from '../../analyzer/raw';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, scriptId: '1', url: 'file:///a.js', lineNumber, columnNumber: 0 });

/** A chunk as V8 writes it: (root) -> main -> fib, ids chosen per chunk. */
function chunk(ids: [number, number, number], startTime: number, times: number[], leaf: 'main' | 'fib'): CpuProfile {
  const [root, main, fib] = ids;
  const samples = times.map(() => (leaf === 'fib' ? fib : main));
  const timeDeltas = times.map((t, i) => t - (i === 0 ? startTime : times[i - 1]));
  return {
    nodes: [
      { id: root, callFrame: frame('(root)'), hitCount: 0, children: [main] },
      { id: main, callFrame: frame('main', 1), hitCount: leaf === 'main' ? times.length : 0, children: [fib] },
      { id: fib, callFrame: frame('fib', 5), hitCount: leaf === 'fib' ? times.length : 0, children: [], positionTicks: [{ line: 6, ticks: 2 }] },
    ],
    startTime, endTime: times[times.length - 1] + 1, samples, timeDeltas,
  };
}

describe('joinProfileChunks', () => {
  it('joins chunks (in any order) into one tree and one timeline, keeping a sample two chunks share once', () => {
    const a = chunk([1, 2, 3], 1000, [1001, 1002, 1003], 'main');
    // Starts before a ended: 1003 is in both.
    const b = chunk([7, 9, 8], 1003, [1003, 1004, 1005], 'fib');
    const joined = joinProfileChunks([b, a])!;
    assert.equal(joined.nodes.length, 3);
    assert.equal(joined.startTime, 1000);
    assert.equal(joined.endTime, 1006);
    let t = joined.startTime;
    const times = joined.timeDeltas!.map((d) => (t += d));
    assert.deepEqual(times, [1001, 1002, 1003, 1004, 1005]);
    const name = (id: number) => joined.nodes.find((n) => n.id === id)!.callFrame.functionName;
    assert.deepEqual(joined.samples!.map(name), ['main', 'main', 'main', 'fib', 'fib']);
    const fib = joined.nodes.find((n) => n.callFrame.functionName === 'fib')!;
    assert.deepEqual(fib.positionTicks, [{ line: 6, ticks: 4 }]);
    const main = joined.nodes.find((n) => n.callFrame.functionName === 'main')!;
    assert.deepEqual(main.children, [fib.id]);
  });
  it('returns the only chunk as is, and nothing for none', () => {
    const a = chunk([1, 2, 3], 0, [1], 'fib');
    assert.equal(joinProfileChunks([a]), a);
    assert.equal(joinProfileChunks([]), undefined);
  });
});

describe('IncrementalJoin', () => {
  /** Chunks as a thread streams them, one after another (each starts at the last one's last sample), alternating leaves. */
  const stream = (n: number): CpuProfile[] => Array.from({ length: n }, (_, k) => {
    const start = 1000 + k * 10;
    return chunk([1 + 3 * k, 2 + 3 * k, 3 + 3 * k], start, [start + 3, start + 6, start + 10], k % 2 ? 'fib' : 'main');
  });
  const incrementally = (chunks: CpuProfile[]) => { const j = new IncrementalJoin(); for (const c of chunks) j.add(c); return j.profile(); };

  it('gives what joinProfileChunks gives, chunks in order of their start (folded as they come)', () => {
    const chunks = stream(7);
    assert.deepEqual(incrementally(chunks), joinProfileChunks(chunks));
    // Two chunks that start together keep the order they came in, as the sort does.
    const twins = [...chunks.slice(0, 3), { ...chunks[3], startTime: chunks[2].startTime }, ...chunks.slice(4)];
    assert.deepEqual(incrementally(twins), joinProfileChunks(twins));
  });
  it('gives what joinProfileChunks gives when a chunk comes out of order, or only one comes, or none', () => {
    const chunks = stream(6);
    const shuffled = [chunks[0], chunks[1], chunks[3], chunks[2], chunks[5], chunks[4]];
    assert.deepEqual(incrementally(shuffled), joinProfileChunks(chunks));
    assert.equal(incrementally(chunks.slice(0, 1)), chunks[0]);
    assert.equal(incrementally([]), undefined);
  });
});
