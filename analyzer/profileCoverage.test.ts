import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { uncoveredCpuMs } from './profileCoverage';
import type { SampleTimeline } from './cpuSamples';

/** A profile sampled every 1 ms over each [from, to) stretch (report ms), busy throughout. */
function timeline(stretches: [number, number][]): SampleTimeline {
  const time: number[] = [];
  for (const [from, to] of stretches) for (let t = from; t < to; t++) time.push(t);
  return { time: Float64Array.from(time), end: stretches[stretches.length - 1][1], kind: time.map(() => 'user'), frame: time.map(() => undefined), busyMs: time.length, capMs: 1.5 };
}

describe('uncoveredCpuMs', () => {
  it('is 0 when the profile covers the time the thread used CPU in', () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([150, 40, 300, 190, 400, 290], s, true), 0);
  });
  it('counts CPU a worker used before its profile started', () => {
    // On CPU from its birth: 210 ms used by 110 ms, when the profile (started at 100) had covered 10 ms.
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([110, 210, 400, 500], s, true), 200);
  });
  it("leaves out a main thread's CPU before its first reading inside the profile (Node's bootstrap)", () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([50, 40, 110, 210, 400, 500], s, false), 0);
  });
  it('counts CPU used in a hole of the profile (lost chunks), bounded by the wall time the profile covered', () => {
    // Samples at 100…199 and 500…599: a hole from 199 to 500. 280 ms of CPU from 150 to 550, when the profile covered 49 + 50 ms:
    // 181 ms, less the 10 ms the reading at 150 may lag the thread's true CPU.
    const s = timeline([[100, 200], [500, 600]]);
    assert.equal(uncoveredCpuMs([150, 10, 550, 290], s, true), 171);
  });
  /** Readings every `everyMs` of a thread on CPU all along from `from`, as schedstat gives them: brought up to date every 4 ms (a tick). */
  const tickReadings = (from: number, to: number, everyMs: number, skip?: [number, number]): number[] => {
    const out: number[] = [];
    for (let t = from; t <= to; t += everyMs) {
      const cpu = t - from - (skip && t > skip[0] ? Math.min(t, skip[1]) - skip[0] : 0);
      out.push(t, Math.floor(cpu / 4) * 4);
    }
    return out;
  };
  it('does not add up the tick-sized steps of dense readings (a saturated server read every 3 ms): the profile covers them', () => {
    const s = timeline([[100, 4100]]);
    assert.equal(uncoveredCpuMs(tickReadings(101, 4100, 3), s, false), 0);
  });
  it('still counts a hole among dense readings', () => {
    // The profile lost 1000…1300 while the thread ran on.
    const s = timeline([[100, 1000], [1300, 4100]]);
    const missed = uncoveredCpuMs(tickReadings(101, 4100, 3), s, false);
    assert.ok(missed >= 250 && missed <= 300, `${missed}`);
  });
  it('does not count a gap of a few sampling intervals as a hole (a descheduled thread)', () => {
    const s = timeline([[100, 200], [230, 400]]);
    assert.equal(uncoveredCpuMs([150, 10, 350, 200], s, true), 0);
  });
  it('skips readings of another clock going backwards', () => {
    const s = timeline([[100, 400]]);
    assert.equal(uncoveredCpuMs([150, 40, 200, 20, 300, 140], s, true), 0);
  });
});
