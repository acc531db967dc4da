import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { instrument } from './transform';
import { ProbeRuntime, MARK_CPU_GAP_MS, SPAN_BUFFER, SPAN_BUFFER_FIRST } from './runtime';
import { now } from './clock';
import { SPAN, SPAN_KIND } from '../../analyzer/raw';

/**
 * The runtime's books on a promise storm, run for real (instrumented code, real promises): counts
 * exact, timing sampled per function, spans bounded, and every span kept is handed to the flush.
 */
async function storm(source: string, maxSpans: number, globals: object = {}): Promise<{ runtime: ProbeRuntime; flushed: Float64Array[]; flushes: number; value: unknown }> {
  const out = instrument({ source, file: '/app/storm.js', isModule: false, syncNames: new Set(), poolNames: new Set() });
  assert.ok(out);
  const flushed: Float64Array[] = [];
  let flushes = 0;
  // The probe's flush writes the taken bytes at once; a copy stands for the file here.
  const runtime: ProbeRuntime = new ProbeRuntime(maxSpans, () => { flushes++; flushed.push(new Float64Array(runtime.takeSpans().slice().buffer)); }, () => undefined);
  const context = vm.createContext({ module: { exports: {} as any }, Promise, ...globals });
  vm.runInContext('globalThis', context)[Symbol.for('concurrency-lens')] = runtime;
  vm.runInContext(out.code, context);
  const value = await (context as any).module.exports();
  flushed.push(new Float64Array(runtime.takeSpans().slice().buffer));
  return { runtime, flushed, flushes, value };
}

const CALLS = 20_000;
/** Awaits of the one (timed) call of the exported function: more spans than the buffer holds. */
const AWAITS = 20_000;
const STORM = `async function leaf(i) {
  await Promise.resolve();
  return i & 1;
}
module.exports = async function () {
  let odd = 0;
  for (let done = 0; done < ${CALLS}; done += 500) {
    const batch = [];
    for (let i = 0; i < 500; i++) batch.push(leaf(done + i));
    for (const x of await Promise.all(batch)) odd += x;
  }
  for (let i = 0; i < ${AWAITS}; i++) odd += await (i & 1);
  return odd;
};`;

describe('runtime: a promise storm', () => {
  it('counts every await, times the first 1024 calls and 1 in 16 after, each standing for its stride, and keeps every span within the budget', async () => {
    const { runtime, flushed, flushes } = storm_ ?? (storm_ = await storm(STORM, 100_000));
    const agg = runtime.aggregates();
    const leafSite = 2; // site 1 is leaf itself, 2 its await (ids in source order, base 0)
    assert.equal(agg.fnCalls[1], CALLS);
    assert.equal(agg.site.count[leafSite], CALLS, 'every await counted');
    const timed = 1024 + CALLS / 16 - 1024 / 16; // calls 1…1024, then every 16th (CALLS is a multiple of 16)
    assert.equal(agg.site.sampled[leafSite], CALLS, 'timing sampled per function: the timed calls stand for every call');
    assert.equal(agg.site.leafSampled[leafSite], CALLS, 'a promise that nothing instrumented settles: a leaf');
    assert.equal(agg.site.count[5], AWAITS);
    assert.equal(agg.site.sampled[5], AWAITS, 'every await of a timed call is timed');
    assert.equal(runtime.inFlight, 0, 'every await settled in the books');
    assert.ok(agg.maxInFlight >= 500, `maxInFlight ${agg.maxInFlight}: a batch of 500 awaits was in flight`);
    // Spans: one per timed await (leaf's and the combinator's), none dropped under the budget, and
    // more than the buffer holds: the buffer was flushed when full and reused.
    const spans = flushed.reduce((n, a) => n + a.length / SPAN.size, 0);
    assert.equal(agg.spansDropped, 0);
    assert.equal(spans, agg.spansKept);
    assert.equal(spans, timed + CALLS / 500 + AWAITS, 'one span per timed await');
    assert.ok(flushes >= 1, 'the span buffer filled at least once');
    for (const a of flushed) {
      for (let o = 0; o < a.length; o += SPAN.size) {
        assert.equal(a[o + SPAN.kind], SPAN_KIND.await);
        assert.ok(a[o + SPAN.t2] >= a[o + SPAN.t0] && a[o + SPAN.t0] > 0, 'a span that ends after it starts');
      }
    }
  });
  it('past the budget keeps 1 span in 16 and counts the rest as dropped', async () => {
    const { runtime, flushed } = await storm(STORM, 2000);
    const agg = runtime.aggregates();
    const spans = flushed.reduce((n, a) => n + a.length / SPAN.size, 0);
    assert.equal(spans, agg.spansKept);
    const seen = 1024 + CALLS / 16 - 1024 / 16 + CALLS / 500 + AWAITS;
    assert.equal(agg.spansKept + agg.spansDropped, seen, 'every timed await kept or counted as dropped');
    // 2000 kept, then 1 in 16 of the rest (then 1 in 32 past 4000 kept: not reached here).
    assert.equal(agg.spansKept, 2000 + Math.floor((seen - 2000) / 16));
  });
});
let storm_: Awaited<ReturnType<typeof storm>> | undefined;

describe('runtime: the span buffer', () => {
  /** A runtime whose flushes keep what they took (a copy stands for the file); `spans` pool calls recorded. */
  function recording(spans: number, maxSpans = 200_000) {
    const taken: { spans: number; capacity: number }[] = [];
    const take = () => { const bytes = runtime.takeSpans(); taken.push({ spans: bytes.length / 8 / SPAN.size, capacity: bytes.buffer.byteLength / 8 / SPAN.size }); };
    const runtime: ProbeRuntime = new ProbeRuntime(maxSpans, take, () => undefined);
    const base = runtime.load(JSON.stringify({ file: '/app/a.js', size: 1, sites: [{ id: 1, kind: 'pool', line: 1, column: 0, label: 'fs.stat()', fn: 0, group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: false }], loops: [], groups: [] }));
    for (let i = 0; i < spans; i++) runtime.p(base + 1, i);
    take();
    return { runtime, taken };
  }

  it('starts small: a thread that records few spans between two flushes never holds the whole buffer', () => {
    const { taken } = recording(100);
    assert.deepEqual(taken, [{ spans: 100, capacity: SPAN_BUFFER_FIRST }]);
  });

  it('grows, keeping every span, up to SPAN_BUFFER, and is flushed when full there, not before', () => {
    const n = SPAN_BUFFER + SPAN_BUFFER / 2;
    const { runtime, taken } = recording(n);
    assert.deepEqual(taken, [{ spans: SPAN_BUFFER, capacity: SPAN_BUFFER }, { spans: n - SPAN_BUFFER, capacity: SPAN_BUFFER }]);
    assert.equal(runtime.aggregates().spansKept, n);
    assert.equal(runtime.aggregates().spansDropped, 0);
  });

  it('grows no further than a smaller budget', () => {
    const { taken } = recording(3000, 1000);
    assert.equal(taken[0].capacity, 1000);
    assert.equal(taken[0].spans, 1000);
  });
});

describe('runtime: an await of a value that is no thenable', () => {
  it('waits for a microtask only: counted and timed, never in flight, however long other work keeps it from resuming', async () => {
    // Four invocations each \`await null\` and then compute while the others wait to resume (a
    // limiter's CPU-bound tasks): nothing waits on I/O, so nothing is in flight.
    const source = `function spin(ms) { const e = Date.now() + ms; while (Date.now() < e); }
async function task(i) {
  await null;
  spin(20);
  await i;
  return i;
}
module.exports = async function () {
  const r = await Promise.all([task(1), task(2), task(3), task(4)]);
  return r.reduce((a, b) => a + b, 0);
};`;
    const { runtime, value } = await storm(source, 1000);
    assert.equal(value, 10);
    const agg = runtime.aggregates();
    assert.equal(agg.site.count[2], 4, 'every await null counted');
    assert.equal(agg.site.sampled[2], 4, 'and timed');
    assert.ok(agg.site.max[2] >= 20, `the longest waited ${agg.site.max[2]} ms while others computed`);
    assert.equal(agg.site.leafSampled[2], 0, 'no wait on anything outside the thread');
    assert.equal(agg.maxInFlight, 0);
    assert.equal(runtime.inFlight, 0);
  });
});

describe('runtime: sampling weights', () => {
  /**
   * A function called `calls` times straight through the runtime's API (as instrumented code
   * calls it): each call awaits once, a leaf, and waits `waitMs(n)` ms (its start is put that far
   * back). Returns the books on the await.
   */
  function calledOften(calls: number, waitMs: (n: number) => number) {
    const runtime = new ProbeRuntime(1000, () => { runtime.takeSpans(); }, () => undefined);
    const site = (id: number, kind: 'fn' | 'await', fn: number) => ({ id, kind, line: id, column: 0, label: kind, fn, group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: true });
    const base = runtime.load(JSON.stringify({ file: '/app/often.js', size: 2, sites: [site(1, 'fn', 0), site(2, 'await', 1)], loops: [], groups: [] }));
    let timed = 0;
    const pending = new Promise(() => undefined);
    for (let n = 1; n <= calls; n++) {
      const inv = runtime.f(base + 1);
      const k = ++runtime.k;
      if (inv.s) timed++;
      runtime.o(inv, base + 2, k, inv.s ? now() - waitMs(n) : null, pending);
      runtime.e(inv, null);
    }
    const agg = runtime.aggregates();
    const s = base + 2;
    return { timed, count: agg.site.count[s], sampled: agg.site.sampled[s], sum: agg.site.sum[s], leafSampled: agg.site.leafSampled[s], leafSum: agg.site.leafSum[s] };
  }

  it('times 1 in 256 past 65,536 calls, each timed call standing for the calls of its stride', () => {
    const r = calledOften(70_000, () => 0);
    // 1…1024 all; 1040, 1056, …, 65536 (1 in 16); 65792, …, 69888 (1 in 256).
    assert.equal(r.timed, 1024 + (65536 - 1024) / 16 + Math.floor((70_000 - 65536) / 256));
    assert.equal(r.count, 70_000);
    assert.equal(r.sampled, 69_888, 'the timed calls stand for every call up to the last one timed');
    assert.equal(r.leafSampled, 69_888);
  });

  it('scales to the true total when the first calls are the slow ones (they are not over-weighted)', () => {
    // The first 1024 calls wait 1 s each (a cold start), the rest (about) nothing: 1,024 s in all.
    // Within 1 %: the others' real waits (the time between o and e) are microseconds.
    const r = calledOften(70_000, (n) => (n <= 1024 ? 1000 : 0));
    const total = r.leafSum * (r.count / r.sampled);
    assert.ok(total >= 1_024_000 && total < 1_034_000, `estimated total ${total.toFixed(0)} ms, 1,024,000 ms waited`);
    const mean = r.sum / r.sampled;
    assert.ok(mean >= 1_024_000 / 70_000 && mean < 1_034_000 / 70_000, `mean ${mean.toFixed(2)} ms`);
  });
});

describe('task marks', () => {
  it('read the thread CPU at most every MARK_CPU_GAP_MS (else -1), always after a task that long; marks closer than 1 ms are dropped', () => {
    const runtime = new ProbeRuntime(100, () => undefined, () => undefined);
    let reads = 0;
    runtime.threadCpu = () => ++reads * 10;
    // A busy server's request marks every ms, then a 20 ms task, a mark with its own reading (a lag tick), and one 0.5 ms later.
    for (const t of [0, 1, 2, 3, 4, 5, 6, 26]) runtime.mark(t);
    runtime.mark(27, 500);
    runtime.mark(28);
    runtime.mark(28.5);
    const pairs: number[][] = [];
    for (let i = 0; i < runtime.taskMarks.length; i += 2) pairs.push(runtime.taskMarks.slice(i, i + 2));
    assert.equal(MARK_CPU_GAP_MS, 4);
    assert.deepEqual(pairs, [[0, 10], [1, -1], [2, -1], [3, -1], [4, 20], [5, -1], [6, -1], [26, 30], [27, 500], [28, -1]]);
    assert.equal(reads, 3);
  });
});

describe('runtime: what the program sees and replaces', () => {
  it("calls a Promise subclass's then() only as often as the plain program does (Promise.all elements)", async () => {
    // Promise.all calls each element's then() once; the runtime's own reaction (which counts
    // elements in flight) must not call a subclass's or a patched then() a second time.
    const source = `let thenCalls = 0;
class Counted extends Promise {
  then(a, b) { thenCalls++; return super.then(a, b); }
}
module.exports = async function () {
  const xs = [];
  for (let i = 0; i < 10; i++) xs.push(new Counted((resolve) => setTimeout(() => resolve(i), 1)));
  const r = await Promise.all(xs);
  return { sum: r.reduce((a, b) => a + b, 0), thenCalls };
};`;
    const plain = vm.createContext({ module: { exports: {} as any }, Promise, setTimeout });
    vm.runInContext(source, plain);
    const expected = { ...await (plain as any).module.exports() }; // (objects of the context's realm)
    assert.deepEqual(expected, { sum: 45, thenCalls: 10 });
    // Pending (a timer each): elements settled as they are gathered are no operations in flight.
    const { runtime, value } = await storm(source, 1000, { setTimeout });
    assert.deepEqual({ ...value as object }, expected);
    assert.ok(runtime.aggregates().maxInFlight >= 10, 'the 10 elements were tracked in flight');
  });
  it('keeps no value alive that the program let go of while an instrumented function waits at its next await', async () => {
    setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // The function drops its only reference to what its first await gave, then waits.
    const source = `module.exports = async function (make, signal) {
  let value = await make();
  const ref = new WeakRef(value);
  value = null;
  await signal;
  return ref;
};`;
    const collected = async (code: string, runtime?: ProbeRuntime): Promise<boolean> => {
      const context = vm.createContext({ module: { exports: {} as any }, WeakRef });
      if (runtime) vm.runInContext('globalThis', context)[Symbol.for('concurrency-lens')] = runtime;
      vm.runInContext(code, context);
      let release!: () => void;
      const signal = new Promise<void>((r) => { release = r; });
      const done = (context as any).module.exports(() => Promise.resolve({ payload: new Array(1000).fill(1) }), signal);
      await new Promise((r) => setTimeout(r, 20)); // a later task: the function waits at `await signal`
      gc();
      release();
      return (await done).deref() === undefined;
    };
    assert.equal(await collected(source), true, 'the plain program lets it be collected');
    const out = instrument({ source, file: '/app/drop.js', isModule: false, syncNames: new Set(), poolNames: new Set() });
    assert.ok(out);
    assert.equal(await collected(out.code, new ProbeRuntime(1000, () => undefined, () => undefined)), true, 'so does the instrumented one');
  });
  it('times awaits with the probe clock when the program replaces globalThis.performance', async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'performance')!;
    Object.defineProperty(globalThis, 'performance', { value: { now: () => 0 }, configurable: true, writable: true, enumerable: true });
    let result: Awaited<ReturnType<typeof storm>>;
    try {
      result = await storm(`module.exports = async function () {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 3));
};`, 1000, { setTimeout });
    } finally {
      Object.defineProperty(globalThis, 'performance', saved);
    }
    const spans = result.flushed.flatMap((a) => [...a]);
    assert.equal(spans.length / SPAN.size, 5, 'one span per timed await');
    for (let o = 0; o < spans.length; o += SPAN.size) {
      assert.ok(spans[o + SPAN.t0] > 0, 'a start on the probe clock');
      assert.ok(spans[o + SPAN.t2] - spans[o + SPAN.t0] >= 1, `a 3 ms timer awaited for ${spans[o + SPAN.t2] - spans[o + SPAN.t0]} ms`);
    }
  });
});

describe('runtime: a file loaded again in the same thread', () => {
  it('keeps its first load\'s ids and reports its table once (a test runner\'s fresh module registry per test file)', () => {
    const tables: number[] = [];
    const runtime = new ProbeRuntime(100, () => undefined, (base) => { tables.push(base); });
    const site = (id: number) => ({ id, kind: 'await', line: id, column: 0, label: 'await x()', fn: 0, group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: true });
    const a = JSON.stringify({ file: '/app/a.js', size: 2, sites: [site(1), site(2)], loops: [], groups: [] });
    const b = JSON.stringify({ file: '/app/b.js', size: 1, sites: [site(1)], loops: [], groups: [] });
    const changed = JSON.stringify({ file: '/app/a.js', size: 1, sites: [site(1)], loops: [], groups: [] });
    assert.deepEqual([runtime.load(a), runtime.load(b), runtime.load(a), runtime.load(changed), runtime.load(a)], [0, 2, 0, 3, 0]);
    assert.deepEqual(tables, [0, 2, 3], 'each distinct table reported once; a file whose code changed gets ids of its own');
  });
});

