import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hottestVote, type LineVote } from './blockingCpu';

/** `entries`: of `n`, samples in the function itself at its header line (all of them by default there). */
const vote = (url: string, fnLine: number, line: number, n: number, entries = line === fnLine ? n : 0): [string, LineVote] =>
  [`${url}:${line}`, { n, url, line, fn: `f${fnLine}`, fnLine, callees: new Map(), entries }];

describe('the line a CPU block is reported at (hottestVote)', () => {
  it("counts a function's header line for its most sampled body line (V8 charges calls' entries to the header)", () => {
    // fib: more samples at `function fib(n) {` (recursive calls' entries) than at its body line.
    const top = hottestVote(new Map([vote('a.js', 7, 7, 12), vote('a.js', 7, 8, 10)]));
    assert.equal(top.line, 8);
  });
  it('keeps at the header what V8 charges there for calls out of the function (a frame that is not the innermost)', () => {
    // spin: `while (performance.now() < end)`: samples in now() are charged to spin's header line.
    const top = hottestVote(new Map([vote('a.js', 5, 5, 30, 0), vote('a.js', 5, 8, 20)]));
    assert.equal(top.line, 5);
    assert.equal(hottestVote(new Map([vote('a.js', 5, 5, 30, 12), vote('a.js', 5, 8, 20)])).line, 8, 'entries move, calls out stay');
  });
  it('keeps the header line of a function whose code is all on it', () => {
    assert.equal(hottestVote(new Map([vote('a.js', 3, 3, 5)])).line, 3);
  });
  it('another function still wins with more samples than the header and body together', () => {
    const top = hottestVote(new Map([vote('a.js', 7, 7, 3), vote('a.js', 7, 8, 2), vote('b.js', 1, 4, 6)]));
    assert.deepEqual([top.url, top.line], ['b.js', 4]);
  });
  it('folds a header only into its own function (the same line number in another file is not it)', () => {
    const top = hottestVote(new Map([vote('a.js', 7, 7, 6), vote('b.js', 7, 8, 5)]));
    assert.deepEqual([top.url, top.line], ['a.js', 7]);
  });
});
