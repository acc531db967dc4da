// End to end: without /proc (CONCURRENCY_LENS_NO_PROC=1 switches its readers off, as on macOS and
// Windows) the report is still produced, its figures stay plausible and it says what was estimated.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, profile, fixture, reportOf, findingsOf, printed } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const FILE = fixture('stopping/cpu-bound.js');

describe('a CPU-bound program recorded without /proc', () => {
  const state = {};
  before(async () => {
    state.run = await profile([FILE], { env: { CONCURRENCY_LENS_NO_PROC: '1' }, timeoutMs: 90_000 });
    state.control = await profile([FILE], { env: { CONCURRENCY_LENS_NO_PROC: undefined }, timeoutMs: 90_000 });
  });
  it('runs to the end and writes the report', () => {
    assert.equal(state.run.code, 0, state.run.stderr.slice(-1500));
    assert.match(state.run.stdout, /WORKER_WALL_MS=\d+/);
    reportOf(state.run);
  });
  it('busy time is still plausible: the main thread\'s covers the CPU it used, within its lifetime', () => {
    const report = reportOf(state.run);
    const used = Number(printed(state.run.stdout, 'MAIN_CPU_MS'));
    const main = report.lanes.find((l) => l.kind === 'main');
    assert.ok(main.busyMs >= used * 0.6, `main busyMs ${main.busyMs}, the program used ${used} ms of CPU`);
    assert.ok(main.busyMs <= main.endMs - main.startMs + 20, `main busyMs ${main.busyMs} > lifetime ${main.endMs - main.startMs}`);
    const worker = report.lanes.find((l) => l.kind === 'worker');
    assert.ok(worker && worker.busyMs > 0, `worker lane ${JSON.stringify(worker)}`);
    assert.ok(findingsOf(report, 'blocking-cpu').some((f) => f.location.file === FILE), 'the 400 ms burn is not a blocking-cpu finding');
  });
  it('program.degraded says per-thread CPU time was estimated; the summary shows it', () => {
    const degraded = reportOf(state.run).program.degraded;
    assert.ok(Array.isArray(degraded) && degraded.some((d) => /per-thread CPU time/.test(d) && /process\.cpuUsage\(\)/.test(d)), JSON.stringify(degraded));
    assert.match(state.run.stderr, /degraded: per-thread CPU time/);
  });
  it('with /proc (the control run) nothing is marked as estimated', () => {
    const report = reportOf(state.control);
    assert.ok(!(report.program.degraded ?? []).some((d) => /per-thread CPU time/.test(d)), JSON.stringify(report.program.degraded));
  });
});
