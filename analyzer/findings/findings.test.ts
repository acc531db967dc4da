// Findings on real recordings (raw runs captured with CONCURRENCY_LENS_RAW from the fixtures in
// cli/fixtures/truth/, trace events dropped), and the pure helpers behind them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../analyze';
import type { RawRun } from '../raw';
import type { FindingDraft } from '../context';
import { onePerSite } from './perSite';
import { packageOf } from './libraryHotspots';
import { figuresLine, findingFigures } from '../findingFigures';

const raw = (name: string): RawRun => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.raw.json`), 'utf8'));
const base = (file: string) => file.split(/[\\/]/).pop();

describe('a loop that never turns (truth/startup-block.js: 2 s of CPU in top-level code)', () => {
  const report = analyze(raw('startup-block'));
  it('is one blocking-cpu error, first, saying the loop never turned, with the CPU it used', () => {
    const blocking = report.findings.filter((f) => f.kind === 'blocking-cpu');
    assert.equal(blocking.length, 1);
    const f = blocking[0];
    assert.equal(report.findings[0], f);
    assert.equal(f.severity, 'error');
    assert.equal(base(f.location.file), 'startup-block.js');
    assert.equal(f.location.line, 2, 'fib, the hot line');
    assert.match(f.message, /^the event loop never turned for 7\.00 s \(2\.04 s of it on CPU\) at start-up · fib$/);
  });
  it('shows in the lag metrics: the start-up block is the max', () => {
    assert.ok(report.metrics.eventLoopLagMs.max >= 2000, `lag max ${report.metrics.eventLoopLagMs.max}`);
    assert.ok(report.lanes[0].lagMs!.max >= 2000);
  });
});

describe('a process that exits before its loop ever turned (process.exit in top-level code)', () => {
  const report = analyze(raw('startup-exit'));
  it('says the loop never turned before the process ended, and the lag has the block', () => {
    const f = report.findings.find((x) => x.kind === 'blocking-cpu');
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^the event loop never turned for [\d.]+ s \([\d.]+ s of it on CPU\) before the process ended/);
    assert.ok(report.metrics.eventLoopLagMs.max >= 2000, `lag max ${report.metrics.eventLoopLagMs.max}`);
  });
});

describe('3 IPC children running the same file, each blocked ~300 ms (truth/ipc-parent.js)', () => {
  const report = analyze(raw('ipc-children'));
  const children = report.lanes.filter((l) => l.kind === 'process');
  const inChild = report.findings.filter((f) => f.kind === 'blocking-cpu' && base(f.location.file) === 'ipc-child.js');
  it('are one finding with one entry per child, intervals from all of them', () => {
    assert.equal(children.length, 3);
    assert.equal(inChild.length, 1);
    const f = inChild[0];
    assert.deepEqual(f.perLane!.map((p) => p.laneId).sort(), children.map((l) => l.id).sort());
    assert.equal(f.occurrences, 3);
    assert.deepEqual(new Set(f.intervals!.map((i) => i.laneId)), new Set(children.map((l) => l.id)));
    assert.equal(f.laneId, f.perLane![0].laneId, 'the lane that spent the most leads');
  });
  it('count the CPU each child really used (the kernel count bounds sparse samples)', () => {
    for (const p of inChild[0].perLane!) assert.ok(p.totalMs > 150 && p.totalMs < 400, JSON.stringify(p));
  });
  it('are info: processes working for their parent over IPC block by design', () => {
    assert.equal(inChild[0].severity, 'info');
    assert.match(inChild[0].message, /in 3 processes working for their parent over IPC$/);
  });
});

describe('one 45 ms loop over performance.now() in a timer (truth/one-block.js: ~70 % of its samples in node:perf_hooks)', () => {
  const report = analyze(raw('one-block'));
  const f = report.findings.find((x) => x.kind === 'blocking-cpu');
  it("is a finding, though most of its CPU is inside Node's own code and it ran once: a loop calling into Node, not Node's code run cold", () => {
    assert.ok(f, JSON.stringify(report.findings.map((x) => x.message)));
    assert.equal(base(f.location.file), 'one-block.js');
    assert.equal(f.location.line, 4, "burn's line (the profile knows the function, not its loop's line)");
    assert.equal(f.severity, 'warning');
    assert.equal(f.occurrences, 1);
  });
  it('gives its CPU and, apart, the shorter wait the lag timer measured (not "1× · 47 ms total (longest 39 ms)")', () => {
    assert.match(f!.message, /^blocked the event loop 1× · 43\.0 ms of CPU \(timers waited 38\.6 ms\) in now ← burn$/);
    assert.match(f!.detail!, /ran 43\.0 ms of CPU without yielding; timers on this thread waited 38\.6 ms for it/);
  });
});

describe('a 0.2 ms writeFileSync in a SIGINT handler (truth/shutdown-write.js)', () => {
  it('is info, not a warning', () => {
    const report = analyze(raw('shutdown-write'));
    const f = report.findings.find((x) => x.kind === 'sync-io');
    assert.ok(f);
    assert.ok(f.totalMs < 1, `recorded ${f.totalMs} ms`);
    assert.equal(f.severity, 'info');
  });
});

describe('a dependency that calls the program back, whose callback calls the dependency (truth/lib-callback.js: tiny.run(serialize), ~60 ms of CPU 3×)', () => {
  const report = analyze(raw('lib-callback'));
  it("is serialize's CPU at serialize, not at the call of run that called it back, and run is not named as what ran", () => {
    const blocking = report.findings.filter((f) => f.kind === 'blocking-cpu');
    assert.equal(blocking.length, 1, blocking.map((f) => f.message).join('\n'));
    const f = blocking[0];
    assert.equal(base(f.location.file), 'lib-callback.js');
    // Before: line 30, "in tiny.run() (serialize) · hottest: run, format (cl-truth-tinylib)": the
    // timed call of run covered the stretch, and run was below serialize on every stack.
    assert.equal(f.location.line, 17, "serialize's line (the samples are in the calls it makes: its function's line)");
    assert.match(f.message, /^blocked the event loop 3× · \d+ ms total .* in format ← serialize/);
    assert.doesNotMatch(f.message, /\brun\b/);
  });
});

describe('onePerSite', () => {
  const draft = (laneId: string, occurrences: number, totalMs: number, severity: FindingDraft['severity'] = 'warning'): FindingDraft => ({
    kind: 'sync-io', severity, message: `fs.readFileSync blocked the event loop ${occurrences}×`, laneId, occurrences, totalMs,
    location: { file: '/app/job.js', line: 3, column: 5 }, intervals: [{ laneId, startMs: totalMs, endMs: totalMs + 1 }],
  });
  it('merges a site seen in several lanes, keeps per-lane counts and the worst severity', () => {
    const [f, ...rest] = onePerSite([draft('1:0', 2, 4, 'info'), draft('2:0', 3, 9), draft('3:0', 1, 1)]);
    assert.equal(rest.length, 0);
    assert.deepEqual(f.perLane, [{ laneId: '2:0', occurrences: 3, totalMs: 9 }, { laneId: '1:0', occurrences: 2, totalMs: 4 }, { laneId: '3:0', occurrences: 1, totalMs: 1 }]);
    assert.equal(f.laneId, '2:0');
    assert.equal(f.occurrences, 6);
    assert.equal(f.totalMs, 14);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^fs\.readFileSync blocked the event loop 3× · in 3 processes: 6× · 14\.0 ms in all$/);
    assert.equal(f.intervals!.length, 3);
  });
  it('leaves other sites, and findings already merged, alone', () => {
    const other = { ...draft('2:0', 1, 1), location: { file: '/app/job.js', line: 4, column: 5 } };
    const merged = { ...draft('1:0', 1, 1), perLane: [{ laneId: '1:0', occurrences: 1, totalMs: 1 }] };
    assert.equal(onePerSite([draft('1:0', 1, 1), other, merged]).length, 3);
  });
});

describe('packageOf', () => {
  it('names the package a script belongs to (the innermost node_modules)', () => {
    assert.equal(packageOf('file:///p/node_modules/typescript/lib/tsc.js'), 'typescript');
    assert.equal(packageOf('/p/node_modules/@babel/core/lib/index.js'), '@babel/core');
    assert.equal(packageOf('/p/node_modules/a/node_modules/b/x.js'), 'b');
    assert.equal(packageOf('/p/lib/x.js'), 'x.js');
  });
});

describe('a block whose confirming lag tick ran long after it (cli/fixtures/stopping/cpu-bound.js, no /proc, loaded machine)', () => {
  // The 400 ms burn ended at 4616 ms; the thread then waited for a core and the late tick (lag
  // 2070 ms) ran only at 4680 ms. The tick's wait, not the time it ran, says it waited for the burn.
  const report = analyze(raw('no-proc-late-tick'));
  it('is still the blocking-cpu finding at the burn, with its CPU time', () => {
    const f = report.findings.filter((x) => x.kind === 'blocking-cpu');
    assert.equal(f.length, 1, JSON.stringify(report.findings.map((x) => x.message)));
    assert.equal(base(f[0].location.file), 'cpu-bound.js');
    assert.equal(f[0].location.line, 10);
    assert.ok(f[0].totalMs >= 400 && f[0].totalMs <= 450, `totalMs ${f[0].totalMs}`);
  });
});

describe('awaits in a loop over CPU work in 2 workers, then over slow requests (truth/cpu-in-loop.js, 2 cores)', () => {
  const run = raw('cpu-in-loop');
  const report = analyze(run);
  const loops = report.findings.filter((f) => f.kind === 'await-in-loop' && base(f.location.file) === 'cpu-in-loop.js');
  const cpu = loops.find((f) => f.location.line === 23);
  const requests = loops.find((f) => f.location.line === 26);
  it('finds both loops', () => {
    assert.ok(cpu, 'the CPU loop');
    assert.ok(requests, 'the request loop');
  });
  it('bounds the CPU loop by the CPU its items need on the cores there are, and says so', () => {
    const workersCpu = report.lanes.filter((l) => l.kind === 'worker').reduce((a, l) => a + l.busyMs, 0);
    assert.equal(run.cores, 2);
    assert.ok(workersCpu >= 8 * 150 * 0.8, `the workers' CPU ${workersCpu} ms`);
    // Run together, the 8 items need their CPU spread over 2 cores: at least half of it.
    assert.ok(cpu!.estimatedSavingsMs! <= cpu!.totalMs! - (8 * 150 * 0.8) / 2, `saving ${cpu!.estimatedSavingsMs} of ${cpu!.totalMs} waited`);
    assert.ok(cpu!.estimatedSavingsMs! > 0);
    assert.match(cpu!.message, /would save at most ~/);
    assert.equal(cpu!.savingsBound, 'cpu');
    assert.match(figuresLine(cpu!), /save at most ~/);
    assert.match(cpu!.detail!, /on other threads and processes, on 2 cores/);
  });
  it('leaves the request loop unbounded: waiting on a service needs no CPU here', () => {
    assert.doesNotMatch(requests!.message, /at most/);
    assert.equal(requests!.savingsBound, undefined);
    assert.ok(requests!.estimatedSavingsMs! >= 7 * 150 * 0.9, `saving ${requests!.estimatedSavingsMs}`);
  });
});

describe('savings under 10 ms, stated to two decimals (truth/small-savings.js)', () => {
  const report = analyze(raw('small-savings'));
  const saving = report.findings.filter((f) => f.estimatedSavingsMs !== undefined && base(f.location.file) === 'small-savings.js');
  it('has an await in a loop and independent awaits saving under 10 ms each', () => {
    const small = saving.filter((f) => f.estimatedSavingsMs! < 10);
    assert.deepEqual([...new Set(small.map((f) => f.kind))].sort(), ['await-in-loop', 'sequential-awaits'], report.findings.map((f) => `${f.kind} ${f.message}`).join('\n'));
  });
  it('each message states the saving every surface shows (findingFigures), digit for digit', () => {
    for (const f of saving) {
      const fig = findingFigures(f);
      assert.ok(f.message.includes(`save ${fig.saving}`), `${f.message}\nfigures: ${figuresLine(f)}`);
    }
  });
});
