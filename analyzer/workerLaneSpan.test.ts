// A worker ended (terminate(), a pool's destroy()) before any chunk of its CPU profile was streamed:
// its lane's busy time is its thread's CPU clock, read at the recorder's last seam; the lane must
// span that clock, from the worker's creation to that reading, not only its probe's few records
// (a recording had a 12 ms lane claiming 258 ms busy). Built by hand: the analyzer's joins only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './analyze';
import type { RawRun, ProbeRecord } from './raw';

const T0 = 1_000_000_000; // startHrUs
const usage = { userCPUTime: 900_000, systemCPUTime: 0, maxRSS: 50_000 } as NodeJS.ResourceUsage;
const hello = (tid: number, perfAnchor: number): ProbeRecord => ({
  t: 'hello', pid: 10, ppid: 1, tid, isMainThread: tid === 0, argv: ['/usr/bin/node', '/p/app.js'], execArgv: [], cwd: '/p', perfAnchor, hrAnchorUs: T0 + perfAnchor * 1000, threadpoolSize: 4, nodeVersion: 'v20',
});
const chunk = (at: number, threadCpuMs: number, final: boolean): ProbeRecord =>
  ({ t: 'chunk', at, ticks: [], agg: undefined as never, usage, cpu: { user: 0, system: 0 }, threadCpuMs, final });

function run(seamCpu?: { cpuMs: number; hrUs: number }): RawRun {
  return {
    command: ['node', 'app.js'], cwd: '/p', exitCode: 0, signal: null, stopReason: 'exit',
    startHrUs: T0, endHrUs: T0 + 1_000_000, startEpochMs: 0, cores: 2, nodeVersion: 'v20', rootPid: 10,
    threads: [
      { pid: 10, tid: 0, records: [hello(0, 0), { t: 'spawn', kind: 'worker', threadId: 2, at: 100 }, chunk(900, 300, true)] },
      // The worker's probe wrote at its start only; its tasks never touched its records.
      { pid: 10, tid: 2, records: [hello(2, 300), chunk(310, 40, false)], ...(seamCpu ? { seamCpu } : {}) },
    ],
    processes: [{ pid: 10, ppid: 1, argv: ['/usr/bin/node', '/p/app.js'], traceEvents: [], attached: true }],
    warnings: [],
    processTree: { intervalMs: 100, samples: 0, costMs: 0, rssSum: { t: [], kb: [] }, processes: [], unavailable: 'test' },
  };
}

describe('a worker lane without a CPU profile', () => {
  it('spans its CPU clock: from its creation to the latest CPU reading, with that CPU as its busy time', () => {
    const w = analyze(run({ cpuMs: 450, hrUs: T0 + 700_000 })).lanes.find((l) => l.kind === 'worker')!;
    assert.equal(w.busyMs, 450);
    assert.equal(w.startMs, 100);
    assert.equal(w.endMs, 700);
    assert.ok(w.busyMs <= w.endMs - w.startMs);
  });
  it('without a reading after its records, spans its records, from its creation', () => {
    const w = analyze(run()).lanes.find((l) => l.kind === 'worker')!;
    assert.equal(w.busyMs, 40);
    assert.equal(w.startMs, 100);
    assert.equal(w.endMs, 310);
  });
});
