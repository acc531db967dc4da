import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uncoveredCpuMs, cpuShortfall, uncoveredCpuWarnings } from './profileCoverage';
import type { SampleTimeline } from './cpuSamples';
import type { ThreadLane } from './context';
import type { RawRun } from './raw';

/** A profile sampled every 1 ms over each [from, to) stretch (report ms), busy throughout. */
function timeline(stretches: [number, number][]): SampleTimeline {
  const time: number[] = [];
  for (const [from, to] of stretches) for (let t = from; t < to; t++) time.push(t);
  return { time: Float64Array.from(time), end: stretches[stretches.length - 1][1], kind: time.map(() => 'user'), frame: time.map(() => undefined), busyMs: time.length, capMs: 1.5 };
}

/** Readings every `everyMs` of a thread on CPU all along from `from`, as schedstat gives them: brought up to date every 4 ms (a tick). */
const tickReadings = (from: number, to: number, everyMs: number, skip?: [number, number]): number[] => {
  const out: number[] = [];
  for (let t = from; t <= to; t += everyMs) {
    const cpu = t - from - (skip && t > skip[0] ? Math.min(t, skip[1]) - skip[0] : 0);
    out.push(t, Math.floor(cpu / 4) * 4);
  }
  return out;
};

describe('uncoveredCpuMs', () => {
  it('is 0 when the profile covers the time the thread used CPU in', () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([150, 40, 300, 190, 400, 290], s, 'birth'), 0);
  });
  it('counts CPU a worker used before its profile started', () => {
    // On CPU from its birth: 210 ms used by 110 ms, when the profile (started at 100) had covered 10 ms.
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([110, 210, 400, 500], s, 'birth'), 200);
  });
  it("leaves out a worker's start-up before its probe's first reading (its profile's start, before the first sample), and counts from there", () => {
    // The profile started at 100 and sampled from 150 (V8 logging the code that exists); the probe read
    // 120 ms at 160, as it started: what the thread used before is not the program's.
    const s = timeline([[150, 400]]);
    assert.equal(uncoveredCpuMs([160, 120, 400, 360], s, 'firstReading'), 0);
    // The same thread counted from its birth.
    assert.equal(uncoveredCpuMs([160, 120, 400, 360], s, 'birth'), 110);
  });
  it("counts a worker's CPU from its first reading even where its profile starts later (its first chunk lost)", () => {
    // The probe read 120 ms at 160; samples only from 300: 140 ms of CPU to 300, 0 ms of it covered, less a tick.
    const s = timeline([[300, 400]]);
    assert.equal(uncoveredCpuMs([160, 120, 300, 260, 400, 360], s, 'firstReading'), 130);
  });
  it("leaves out a main thread's CPU before its first reading inside the profile (Node's bootstrap)", () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([50, 40, 110, 210, 400, 500], s, 'insideProfile'), 0);
  });
  it('counts CPU used in a hole of the profile (lost chunks), bounded by the wall time the profile covered', () => {
    // Samples at 100…199 and 500…599: a hole from 199 to 500. 280 ms of CPU from 150 to 550, when the profile covered 49 + 50 ms:
    // 181 ms, less the 10 ms the reading at 150 may lag the thread's true CPU.
    const s = timeline([[100, 200], [500, 600]]);
    assert.equal(uncoveredCpuMs([150, 10, 550, 290], s, 'birth'), 171);
  });
  it('does not add up the tick-sized steps of dense readings (a saturated server read every 3 ms): the profile covers them', () => {
    const s = timeline([[100, 4100]]);
    assert.equal(uncoveredCpuMs(tickReadings(101, 4100, 3), s, 'insideProfile'), 0);
  });
  it('still counts a hole among dense readings', () => {
    // The profile lost 1000…1300 while the thread ran on.
    const s = timeline([[100, 1000], [1300, 4100]]);
    const missed = uncoveredCpuMs(tickReadings(101, 4100, 3), s, 'insideProfile');
    assert.ok(missed >= 250 && missed <= 300, `${missed}`);
  });
  it('does not count a gap of a few sampling intervals as a hole (a descheduled thread)', () => {
    const s = timeline([[100, 200], [230, 400]]);
    assert.equal(uncoveredCpuMs([150, 10, 350, 200], s, 'birth'), 0);
  });
  it('skips readings of another clock going backwards', () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([150, 40, 200, 20, 300, 140], s, 'birth'), 0);
  });
});

describe("cpuShortfall: CPU the thread used while sampled that its samples leave out (a late sampler)", () => {
  /** Busy samples every `everyMs` over [from, to), each standing for at most 1.5 ms (a 1 ms interval). */
  const sparse = (from: number, to: number, everyMs: number): SampleTimeline => {
    const time: number[] = [];
    for (let t = from; t < to; t += everyMs) time.push(t);
    return { time: Float64Array.from(time), end: to, kind: time.map(() => 'user'), frame: time.map(() => undefined), busyMs: 0, capMs: 1.5 };
  };
  /** Readings every 100 ms from `from` of a thread on CPU `share` of the wall time. */
  const readings = (from: number, to: number, share: number): number[] => {
    const out: number[] = [];
    for (let t = from; t <= to; t += 100) out.push(t, (t - from) * share);
    return out;
  };
  it('is 0 when every interval was sampled (dense samples, tick-quantized readings)', () => {
    const s = timeline([[100, 4100]]);
    assert.equal(cpuShortfall(tickReadings(101, 4100, 3), s, 'insideProfile').lateMs, 0);
  });
  it('counts what samples 3 ms apart leave out of a thread on CPU all along: half of it, less a tick per window', () => {
    // 10 windows of 100 ms: 100 ms used, 34 samples × 1.5 ms held, 10 ms of slack.
    const r = cpuShortfall(readings(100, 1100, 1), sparse(100, 1100, 3), 'insideProfile');
    assert.ok(r.lateMs >= 350 && r.lateMs <= 420, `${r.lateMs}`);
    assert.equal(r.usedMs, 1000);
    assert.equal(r.uncoveredMs, 0, 'the profile covered it all');
  });
  it('is 0 when the thread was descheduled in the gaps (on CPU half the time)', () => {
    assert.equal(cpuShortfall(readings(100, 1100, 0.5), sparse(100, 1100, 3), 'insideProfile').lateMs, 0);
  });
  it('does not count CPU in a hole of the profile twice (that is uncoveredMs)', () => {
    const r = cpuShortfall(tickReadings(101, 4100, 3), timeline([[100, 1000], [1300, 4100]]), 'insideProfile');
    assert.ok(r.uncoveredMs >= 250, `${r.uncoveredMs}`);
    assert.equal(r.lateMs, 0);
  });
});

describe('uncoveredCpuWarnings', () => {
  /**
   * A worker on CPU all along from `from`, with `startCpuMs` used before (its probe's readings every
   * 10 ms from `from` on; `helloReading`: the first is its hello's, as the probe started), sampled over `sampled`.
   */
  const worker = (from: number, startCpuMs: number, sampled: [number, number][], helloReading = true) => {
    const cpuReadings: number[] = [];
    for (let t = from; t <= 1000; t += 10) cpuReadings.push(t, startCpuMs + t - from);
    const model = { pid: 7, tid: 1, cpuReadings, handOvers: [], hello: helloReading ? { threadCpuMs: startCpuMs } : {} } as unknown as ThreadLane['model'];
    const lane = { kind: 'worker', label: 'worker 1' } as ThreadLane['lane'];
    const run: Pick<RawRun, 'threads' | 'startHrUs' | 'attached'> = { threads: [], startHrUs: 0 };
    return [[{ model, lane, samples: timeline(sampled) }], run] as [ThreadLane[], typeof run];
  };
  it("says nothing of a worker's start-up: 150 ms of CPU before its probe's first reading, all sampled from there", () => {
    assert.deepEqual(uncoveredCpuWarnings(...worker(100, 150, [[90, 1000]]), false), []);
  });
  it('names a worker whose profile lost 300 ms after its start, less a tick per window', () => {
    const [w] = uncoveredCpuWarnings(...worker(100, 150, [[90, 400], [700, 1000]]), false);
    assert.match(w, /^worker 1 of pid 7: its CPU profile misses at least 2\d\d ms of the 1\.05 s of CPU/);
  });
  it("counts a worker's CPU from its birth when its probe did not read it as it started (its first reading came after its entry ran)", () => {
    const [w] = uncoveredCpuWarnings(...worker(100, 150, [[90, 1000]], false), false);
    assert.match(w, /^worker 1 of pid 7: its CPU profile misses at least 140 ms of the 1\.05 s of CPU/);
  });
});
