import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sampleTimeline } from './cpuSamples';
import { busyRuns, loadingEdges } from './findings/blockingCpu';
import { percentile } from './stats';
import type { CpuProfile } from './raw';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, scriptId: '1', url, lineNumber, columnNumber: 0 });

/** (root) → main (user) → fib (user, hot at line 3) ; (root) → (idle) ; (root) → Node's internal loader (a require in progress) */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
    { id: 2, callFrame: frame('main', '/app/a.js', 9), children: [3] },
    { id: 3, callFrame: frame('fib', '/app/a.js', 1), positionTicks: [{ line: 3, ticks: 9 }, { line: 2, ticks: 1 }] },
    { id: 4, callFrame: frame('(idle)') },
    { id: 5, callFrame: frame('compileForInternalLoader', 'node:internal/bootstrap/realm', 10) },
  ],
  startTime: 0,
  endTime: 10_000,
  // idle, fib ×5 (1 ms apart), idle, a loader sample, idle
  samples: [4, 3, 3, 3, 3, 3, 4, 5, 4],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
};
const classify = { isUser: (u: string) => u.startsWith('/app/'), isProbe: () => false };

describe('sampleTimeline', () => {
  const t = sampleTimeline(profile, 0, classify);
  it('converts times to ms and classifies samples', () => {
    assert.deepEqual(Array.from(t.time), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(t.kind, ['idle', 'user', 'user', 'user', 'user', 'user', 'idle', 'node', 'idle']);
  });
  it('attributes a leaf user frame to its hottest line', () => {
    assert.equal(t.frame[1]?.functionName, 'fib');
    assert.equal(t.frame[1]?.line, 3);
    assert.equal(t.frame[1]?.isLeaf, true);
  });
  it('prefers a body line over the header of a small recursive function', () => {
    const rec: CpuProfile = { ...profile, nodes: profile.nodes.map((n) => n.id === 3 ? { ...n, positionTicks: [{ line: 2, ticks: 10 }, { line: 3, ticks: 4 }] } : n) };
    assert.equal(sampleTimeline(rec, 0, classify).frame[1]?.line, 3);
  });
  it('leaves out the lines of what V8 inlined from other scripts, where the function\'s end is known', () => {
    // A loop calling performance.now() and another file's helper (V8's own ticks of such a run: line
    // 139 is Node's perf code, 530 its validators', 26 the helper's, in a 10-line file).
    const inlined: CpuProfile = { ...profile, nodes: profile.nodes.map((n) => n.id === 3
      ? { ...n, positionTicks: [{ line: 530, ticks: 20 }, { line: 3, ticks: 1 }, { line: 139, ticks: 120 }, { line: 5, ticks: 102 }, { line: 26, ticks: 7 }] } : n) };
    const ends = (url: string, line: number) => (url === '/app/a.js' && line === 2 ? 7 : undefined);
    assert.equal(sampleTimeline(inlined, 0, classify, [], ends).frame[1]?.line, 5);
    assert.equal(sampleTimeline(inlined, 0, classify).frame[1]?.line, 139, 'unknown end: as V8 gave them');
    const allInlined: CpuProfile = { ...profile, nodes: profile.nodes.map((n) => n.id === 3 ? { ...n, positionTicks: [{ line: 139, ticks: 5 }] } : n) };
    assert.equal(sampleTimeline(allInlined, 0, classify, [], ends).frame[1]?.line, 2, 'none of its own: its first line');
  });
  it('does not count code loading for a require as user work', () => {
    assert.equal(t.frame[7], undefined);
  });
  it('finds busy runs between idle samples', () => {
    const runs = busyRuns(t);
    assert.deepEqual(runs.map((r) => [r.from, r.to, r.start, r.end]), [[1, 5, 1, 6], [7, 7, 7, 8]]);
  });
});

describe('busyRuns: a profile paused in a hand-over (recorder/probe/handOver.ts)', () => {
  // fib sampled at 0–3 ms, the profile paused from 3.5 to 500 ms (no sample), fib again at 500–502 ms.
  const paused: CpuProfile = {
    nodes: profile.nodes,
    startTime: 0, endTime: 503_000,
    samples: [3, 3, 3, 3, 3, 3, 3, 4],
    timeDeltas: [0, 1000, 1000, 1000, 497_000, 1000, 1000, 1000],
  };
  it('ends a busy run at the hole, not at the first sample after it', () => {
    const t = sampleTimeline(paused, 0, classify);
    // Without the hole the run spans the pause (the sample before it stands until the next one).
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to, r.start, r.end]), [[0, 6, 0, 503]]);
    t.holes = [3.5, 500];
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to, r.start, r.end]), [[0, 3, 0, 3.5], [4, 6, 500, 503]]);
  });
  it('the recorder\'s own samples at the hole\'s edges bridge no run across it', () => {
    // fib, the probe (pausing) ×2, the hole, the probe (resuming), fib: before, the probe's samples bridged one run over the hole.
    const probeNodes = [...profile.nodes.map((x) => (x.id === 1 ? { ...x, children: [...x.children!, 6] } : x)), { id: 6, callFrame: frame('pause', '/dist/probe.js', 5) }];
    const t = sampleTimeline({ nodes: probeNodes, startTime: 0, endTime: 503_000, samples: [3, 3, 6, 6, 6, 3, 3, 4], timeDeltas: [0, 1000, 1000, 1000, 497_000, 1000, 1000, 1000] }, 0,
      { isUser: (u: string) => u.startsWith('/app/'), isProbe: (u: string) => u.startsWith('/dist/') });
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to]), [[0, 6]], 'without the hole: one run, bridged by the probe');
    t.holes = [3.5, 500];
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to, r.start, r.end]), [[0, 2, 0, 3], [5, 6, 501, 503]]);
  });
  it('a sample inside the hole (taken as the profile ended) ends its run at the sample; alone, it is no run', () => {
    const t = sampleTimeline(paused, 0, classify);
    t.holes = [2.5, 500];
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to, r.start, r.end]), [[0, 2, 0, 2.5], [4, 6, 500, 503]]);
    t.holes = [1.5, 500];
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to, r.start, r.end]), [[0, 1, 0, 1.5], [4, 6, 500, 503]]);
  });
});

describe('sampleTimeline: the recorder interrupting a thread (a CPU profile chunk rotation)', () => {
  // (root) → main → fib → evaluated script ('' at no URL) → the probe; and the same script on an idle thread.
  const interrupted: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 6] },
      { id: 2, callFrame: frame('main', '/app/a.js', 9), children: [3] },
      { id: 3, callFrame: frame('fib', '/app/a.js', 1), children: [4] },
      { id: 4, callFrame: frame(''), children: [5] },
      { id: 5, callFrame: frame('profileChunk', '/dist/probe.js', 100) },
      { id: 6, callFrame: frame(''), children: [7] },
      { id: 7, callFrame: frame('profileChunk', '/dist/probe.js', 100) },
    ],
    startTime: 0, endTime: 6000,
    samples: [3, 3, 5, 3, 3, 7],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000],
  };
  const probeClassify = { isUser: (u: string) => u.startsWith('/app/'), isProbe: (u: string) => u.startsWith('/dist/') };
  const t = sampleTimeline(interrupted, 0, probeClassify);
  it('charges the interrupt to the code it interrupted, so a block stays one busy run', () => {
    assert.deepEqual(t.kind, ['user', 'user', 'user', 'user', 'user', 'probe']);
    assert.equal(t.frame[2]?.functionName, 'fib');
    assert.deepEqual(busyRuns(t).map((r) => [r.from, r.to]), [[0, 4]]);
  });
  it("marks it as the recorder's work (overhead), not the interrupted code's", () => {
    assert.deepEqual([...t.overhead!], [0, 0, 1, 0, 0, 0]);
  });
  it("marks the probe's runtime called by instrumented code (an await's bookkeeping) as overhead, charged to its caller", () => {
    const called: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('main', '/app/a.js', 9), children: [3] },
        { id: 3, callFrame: frame('o', '/dist/probe.js', 10) },
      ],
      startTime: 0, endTime: 3000, samples: [2, 3, 2], timeDeltas: [0, 1000, 1000],
    };
    const c = sampleTimeline(called, 0, probeClassify);
    assert.deepEqual(c.kind, ['user', 'user', 'user']);
    assert.deepEqual([...c.overhead!], [0, 1, 0]);
  });
  it('has no overhead array when nothing was charged', () => {
    assert.equal(sampleTimeline({ ...interrupted, samples: [3, 3, 7], timeDeltas: [0, 1000, 1000] }, 0, probeClassify).overhead, undefined);
  });
});

describe('percentile', () => {
  it('is nearest-rank and 0 for nothing', () => {
    assert.equal(percentile([], 99), 0);
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99);
  });
});

describe('sampleTimeline with a sampling interval changed mid-run (RawThread.samplingChanges)', () => {
  // fib sampled every 1 ms up to 40 ms, then every 2 ms up to 80 ms (the recorder made the thread's
  // sampling coarser at 40.5 ms): each sample counts the time to the next one, 39 × 1 ms + 21 × 2 ms.
  const samples = [4, ...Array(60).fill(3), 4];
  const timeDeltas = [0, ...Array(40).fill(1000), ...Array(21).fill(2000)];
  const changed: CpuProfile = { ...profile, samples, timeDeltas, endTime: 200_000 };
  const change = [{ intervalUs: 2000, fromHrUs: 40_500 }];
  it('counts every busy sample at its own interval', () => {
    const t = sampleTimeline(changed, 0, classify, change);
    assert.equal(t.capMs, 1.5);
    assert.deepEqual(t.laterCaps, [{ from: 40.5, capMs: 3 }]);
    assert.equal(t.busyMs, 39 * 1 + 21 * 2);
  });
  it('without the change, the 2 ms samples would be cut to the 1 ms cap (the reason it is recorded)', () => {
    const t = sampleTimeline(changed, 0, classify);
    assert.ok(t.busyMs < 39 + 21 * 2, `${t.busyMs}`);
  });
  it('still caps a gap (a thread not running) within the coarser stretch', () => {
    const gap: CpuProfile = { ...changed, timeDeltas: [...timeDeltas.slice(0, 50), 30_000, ...timeDeltas.slice(51)] };
    const t = sampleTimeline(gap, 0, classify, change);
    assert.equal(t.busyMs, 39 * 1 + 20 * 2 + 3);
  });
});

describe('loadingEdges: a test runner loading a file in the task that runs its code', () => {
  const loader = 'file:///p/node_modules/jest-runtime/build/index.js';
  // (root) → jest's requireModuleOrMock → babel (compiling a test file) ; … → the file's top-level code ; (idle)
  const nodes = [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('requireModuleOrMock', loader, 10), children: [3, 4] },
    { id: 3, callFrame: frame('transform', 'file:///p/node_modules/@babel/core/lib/index.js', 5) },
    { id: 4, callFrame: frame('', '/app/top.test.js', 0), positionTicks: [{ line: 4, ticks: 4 }] },
    { id: 5, callFrame: frame('(idle)') },
  ];
  const at1ms = (samples: number[]): CpuProfile => ({ nodes, startTime: 0, endTime: samples.length * 1000, samples, timeDeltas: samples.map((_, i) => (i === 0 ? 0 : 1000)) });
  // babel ×5, the file ×4, babel ×6 (the next file), the next file ×2, idle
  const t = sampleTimeline(at1ms([3, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 5]), 0, classify);
  it('marks the loader\'s samples, and cuts the task where the program\'s code begins and ends around them', () => {
    assert.deepEqual(Array.from(t.loading ?? []), [1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(loadingEdges(busyRuns(t), t), [5, 9, 15]);
  });
  it('leaves a sample or two of the runner amid the program\'s code in its block (a profile\'s glitch)', () => {
    const u = sampleTimeline(at1ms([4, 4, 4, 3, 3, 4, 4, 4, 5]), 0, classify);
    assert.deepEqual(loadingEdges(busyRuns(u), u), []);
  });
  it('and the start-up\'s loading, before the loop first turned', () => {
    assert.deepEqual(loadingEdges(busyRuns(t), t, 100), []);
  });
});
