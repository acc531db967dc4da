import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hottestVote, lagBeside, lineVotes, partsCpu, type LineVote } from './blockingCpu';
import { TICK } from '../raw';
import type { SampleKind, SampleTimeline } from '../cpuSamples';

/** `entries`: of `n`, samples in the function itself at its header line (all of them by default there). */
const vote = (url: string, fnLine: number, line: number, n: number, entries = line === fnLine ? n : 0): [string, LineVote] =>
  [`${url}:${line}`, { n, url, line, fn: `f${fnLine}`, fnLine, fnColumn: 1, callees: new Map(), entries }];

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

describe('the votes for a CPU block\'s line (lineVotes): a sample taken as the thread came back from being descheduled weighs less', () => {
  // An Express handler (line 20) parsing JSON in a loop at line 23 and reading process.cpuUsage()
  // (a system call, inlined into it: charged to its first line) every 20 parses. Sampled every
  // 1 ms; on a crowded machine the thread is preempted as its system calls return, and the
  // sample that comes when it runs again is in cpuUsage.
  const loop = { url: 'app.js', functionName: 'handler', functionLine: 20, functionColumn: 18, line: 23, isLeaf: true };
  const clock = { ...loop, line: 20, isLeaf: false, callee: 'cpuUsage' };
  /** `pattern`: per sample, 'L' on the loop or 'C' in cpuUsage, each after a 1 ms step, or after a 6 ms gap when lower-case. */
  function timeline(pattern: string): SampleTimeline {
    const time: number[] = [];
    let t = 100;
    for (const c of pattern) { t += c === c.toLowerCase() ? 6 : 1; time.push(t); }
    return { time: Float64Array.from(time), end: t + 1, kind: time.map((): SampleKind => 'user'), frame: [...pattern].map((c) => (c.toUpperCase() === 'L' ? loop : clock)), busyMs: 0, capMs: 1.5 };
  }
  const lineOf = (s: SampleTimeline) => hottestVote(lineVotes(s, 0, s.time.length - 1)).line;

  it("reads the loop's line where most of the samples that came after a gap are in cpuUsage (9 on the loop, 12 resumed in cpuUsage)", () => {
    const s = timeline('LcLcLcLcLcLcLcLcLcccc');
    assert.equal(lineOf(s), 23);
    const votes = lineVotes(s, 0, s.time.length - 1);
    assert.equal(votes.get('app.js:20')!.callees.get('cpuUsage'), votes.get('app.js:20')!.n, 'its callee is weighed as it is');
  });
  it('counts every sample alike where none came after a gap (cpuUsage with more samples wins: the calls out stay at the header)', () => {
    assert.equal(lineOf(timeline('LCLCLCLCCC')), 20);
  });
  it('still votes where every sample came after a gap (a crowded machine throughout): the most sampled line wins', () => {
    assert.equal(lineOf(timeline('llcllcll')), 23);
    assert.equal(lineOf(timeline('cclcclcc')), 20);
  });
  it("leaves out the recorder's own samples and those that are not busy", () => {
    const s = timeline('LCCC');
    s.overhead = Uint8Array.from([0, 1, 1, 0]);
    s.kind[3] = 'idle';
    assert.equal(lineOf(s), 23);
  });
});

describe("a CPU block's CPU time (partsCpu): its samples, held to the thread's own count between the readings around it", () => {
  /**
   * A thread sampled every 1 ms (idle) but every 3 ms in [100, 160) where it ran user code: its
   * sampler was late there (or the thread was descheduled: the readings tell which). Probe
   * samples every 1 ms over `probe` ([from, to)).
   */
  function timeline(probe?: [number, number]): SampleTimeline {
    const time: number[] = [], kind: SampleKind[] = [];
    for (let t = 0; t < 100; t++) { time.push(t); kind.push('idle'); }
    for (let t = 100; t < 160; t += 3) { time.push(t); kind.push('user'); }
    const [p0, p1] = probe ?? [160, 160];
    for (let t = p0; t < p1; t++) { time.push(t); kind.push('probe'); }
    for (let t = Math.max(160, p1); t < 300; t++) { time.push(t); kind.push('idle'); }
    return { time: Float64Array.from(time), end: 300, kind, frame: time.map(() => undefined), busyMs: 0, capMs: 1.5 };
  }
  const block = [{ from: 100, to: 119, start: 100, end: 160 }];
  const cpuOf = (s: SampleTimeline, cpuReadings: number[]) => partsCpu(block, s, { cpuReadings })[0];

  it('its 20 samples stand for 30 ms (1.5 intervals each) where the thread says nothing', () => {
    assert.equal(cpuOf(timeline(), []).cpu, 30);
  });
  it('is the thread\'s own count when its sampler was late while it ran (60 ms between the readings around it)', () => {
    const o = cpuOf(timeline(), [90, 10, 170, 70]);
    assert.equal(o.cpu, 60);
    assert.equal(o.onCpu, 60);
  });
  it('never more than the wall time its capped samples left out (the count was higher: other work in the window)', () => {
    assert.equal(cpuOf(timeline(), [90, 10, 170, 110]).cpu, 60);
  });
  it('stays at its samples when the thread was descheduled in the gaps (30 ms counted)', () => {
    assert.equal(cpuOf(timeline(), [90, 10, 170, 40]).cpu, 30);
  });
  it("leaves the probe's own samples in the window out (10 ms of them)", () => {
    assert.equal(cpuOf(timeline([160, 170]), [90, 10, 170, 70]).cpu, 50);
  });
  it('is not raised from a count that starts at the thread\'s birth (start-up ran before the profile)', () => {
    assert.equal(cpuOf(timeline(), [170, 60]).cpu, 30);
  });
  it("is raised from the probe's reading at its start, less the wall time before the profile's first sample (20 ms there may be CPU too)", () => {
    // 70 ms counted from -20 to 170: 30 sampled, up to 20 before the profile began: 20 more.
    assert.equal(cpuOf(timeline(), [-20, 5, 170, 75]).cpu, 50);
  });
  it("leaves out the recorder's work inside the block (a chunk rotation charged to the code it interrupted: 6 samples, 9 ms)", () => {
    const s = timeline();
    s.overhead = new Uint8Array(s.time.length);
    for (let i = 105; i < 111; i++) s.overhead[i] = 1;
    assert.equal(cpuOf(s, []).cpu, 21);
    // With the thread's count: 60 ms, 9 of them the recorder's: 30 missing, raised by at most the 21 its 14 samples' caps took away.
    assert.equal(cpuOf(s, [90, 10, 170, 70]).cpu, 42);
  });
  it('is scaled down to the count when the samples say more (a crowded machine)', () => {
    assert.equal(cpuOf(timeline(), [90, 10, 170, 30]).cpu, 20);
  });
  it('is bounded by a reading taken during its last sample (the mark as the task ended), not by the next one, past the next task', () => {
    // The block's last sample is at 157 and lasts to 160; the task's end was read at 158 (40 ms
    // since 90); the next reading, at 220, also counts the next task's 50 ms.
    assert.equal(cpuOf(timeline(), [90, 10, 158, 50, 220, 100]).onCpu, 40);
    assert.equal(cpuOf(timeline(), [90, 10, 158, 50, 220, 100]).cpu, 40, 'its 30 ms of samples raised to the count, not to 60 with the next task\'s');
  });
});

describe('the loop delay beside a CPU block (lagBeside)', () => {
  /** Ticks as [t, lag] pairs, the other TICK fields 0. */
  const model = (...ticks: [number, number][]) => ({
    startupDoneMs: 0,
    ticks: ticks.flatMap(([t, lag]) => { const row = new Array<number>(TICK.size).fill(0); row[TICK.t] = t; row[TICK.lagMs] = lag; return row; }),
  });

  it("is the first tick after the block, not the tick at its start (that tick's mark cut the stretch: it ran before, in the same turn)", () => {
    // An IPC child's 300 ms block in a timer due with the lag timer (cli/findingsTruth.test.mjs under load): the tick ran at
    // 696.5 ms first (lag 0), the block ran to 1207.6 ms, and the process, descheduled, ticked again only at 1249.5 ms.
    assert.equal(lagBeside(model([686.6, 0.5], [696.5, 0], [1249.5, 543]), 696.5, 1207.6), 543);
  });

  it('is small when the loop turned inside the stretch (many short tasks back to back)', () => {
    assert.equal(lagBeside(model([696.5, 0], [706.6, 0.4], [716.8, 0.6], [726.9, 0.3]), 696.5, 720), 0.6);
  });

  it('takes the ticks up to two periods after the stretch, and the first one after it however late', () => {
    assert.equal(lagBeside(model([705, 1], [745, 30], [765, 90]), 700, 740), 30);
    assert.equal(lagBeside(model([900, 150]), 700, 740), 150);
  });

  it('is Infinity when no tick came after the stretch (the thread ended) or the loop had not turned yet', () => {
    assert.equal(lagBeside(model([696.5, 0]), 696.5, 1207.6), Infinity);
    assert.equal(lagBeside({ ticks: [], startupDoneMs: 800 }, 700, 740), Infinity);
  });
});
