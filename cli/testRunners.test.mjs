// Test runners run unchanged under `concurrency-lens profile` (same output and exit code as a plain
// run) and their findings land in the code under test; the probe never breaks a process that has
// no inspector, or whose inspector someone else opens too.
//
// Each fixture project under cli/fixtures/runners/<runner>/ tests a lib.js (shared/ or its own), which plants three
// problems at marked lines (CPU on the loop, sync I/O in async code, two independent sequential
// awaits) and appends `pid:threadId` of every process/thread that ran test code to $RUNNER_LANES.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLI, ROOT, FIXTURES, profile, lineOf, reportOf, findingsOf, describeFindings,
} from './fixtures/harness.mjs';

const CDP = (await import('chrome-remote-interface')).default;

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const RUNNERS = realpathSync(join(FIXTURES, 'runners'));
const BIN = join(ROOT, 'node_modules/.bin');
const TIMEOUT_MS = 180_000;

/** Runs a command plainly (no profiler): { code, signal, stdout, stderr }. */
function runPlain(command, { cwd, env }) {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    delete childEnv.NODE_TEST_CONTEXT;
    const child = spawn(command[0], command.slice(1), { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, TIMEOUT_MS);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/** The inspector's own status lines (the CLI's stderr filter removes them from the program's output). */
/**
 * Node's inspector's own lines, printed or not depending on whether a debugger session is still
 * connected at that moment (in a plain run under a debugger too): "Debugger ending on ws://…" comes
 * when the inspector's server stops at exit with the debugger's hang-up not yet seen.
 */
const INSPECTOR_BANNER = /^(Debugger listening on ws:|Debugger ending on ws:|For help, see: https:\/\/nodejs.org\/en\/docs\/inspector|Debugger attached\.|Waiting for the debugger to disconnect)/;

/** vitest lists a test by name only when it was slower than 300 ms: a matter of timing. */
const VITEST_SLOW_TEST = /^ {3,}✓ .*\sT$/;

/**
 * A failed assertion's stack ends in Node's own frames, which depend on what else was due in the
 * same turn of the event loop (`processTimers`/`runNextTicks` when a timer, such as the probe's
 * 10 ms lag timer, fired together with the test's): timing, not output of the program.
 */
const NODE_INTERNAL_FRAME = /^\s*(at )?(async )?[\w.<>\s]*\(?node:internal\//;

/**
 * Output with what differs between any two runs taken out (durations, clock times, colours):
 * sorted lines, as runners with workers print files in the order they finish.
 */
export function normalized(text) {
  return text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l
      .replace(/\s*\(\d+(\.\d+)?\s?ms\)/g, '')
      .replace(/\d+(\.\d+)?\s?(ms|s)\b/g, 'T')
      .replace(/\s*\(T\)/g, '') // jest: how long a slow test file took
      .replace(/duration_ms:? [\d.]+/g, 'duration_ms T')
      .replace(/\d\d:\d\d:\d\d/g, 'HH:MM:SS')
      .trimEnd())
    .filter((l) => l && !/^\s*(Duration|Start at|Time:)\s/.test(l) && !INSPECTOR_BANNER.test(l) && !VITEST_SLOW_TEST.test(l) && !NODE_INTERNAL_FRAME.test(l))
    .sort();
}

/** A fresh run of a runner: the plain run first, then the profiled one, with the same env. */
function runBoth(name, dir, command, extraEnv = {}, profileArgs = []) {
  // jest, mocha and node --test share their code under test; vitest's is an ES module of its own.
  const state = { dir: join(RUNNERS, dir), lib: join(RUNNERS, dir === 'vitest' ? 'vitest' : 'shared', 'lib.js') };
  before(async () => {
    const tmp = mkdtempSync(join(tmpdir(), `cl-runner-${name}-`));
    // A fresh cache each run: jest would otherwise learn the tests are fast and stop using workers.
    const cmd = command.map((a) => a.replace('$CACHE', join(tmp, 'cache-plain')));
    state.plain = await runPlain(cmd, { cwd: state.dir, env: { ...extraEnv, RUNNER_LANES: join(tmp, 'plain-lanes') } });
    const lanesFile = join(tmp, 'lanes');
    const profiledCmd = command.map((a) => a.replace('$CACHE', join(tmp, 'cache-profiled')));
    state.run = await profile(['--quiet', ...profileArgs, ...profiledCmd], { cwd: state.dir, env: { ...extraEnv, RUNNER_LANES: lanesFile }, timeoutMs: TIMEOUT_MS });
    state.testLanes = existsSync(lanesFile) ? [...new Set(readFileSync(lanesFile, 'utf8').split('\n').filter(Boolean))] : [];
  }, { timeout: TIMEOUT_MS * 2 + 10_000 });
  return state;
}

function assertSameAsPlain(s) {
  assert.ok(!s.run.timedOut, `profiled run timed out\n${s.run.stderr.slice(-3000)}`);
  assert.equal(s.run.code, s.plain.code, `exit code: profiled ${s.run.code}, plain ${s.plain.code}\nprofiled stderr:\n${s.run.stderr.slice(-3000)}`);
  assert.deepEqual(normalized(s.run.stdout), normalized(s.plain.stdout), 'stdout differs from a plain run');
  assert.deepEqual(normalized(s.run.stderr), normalized(s.plain.stderr), 'stderr differs from a plain run');
}

/**
 * The lanes a finding was seen on: one site seen on several lanes is one finding whose `laneId`
 * is only its lead lane (the one that spent the most); `perLane` lists every lane's occurrences.
 */
const lanesOf = (f) => (f.perLane ? f.perLane.map((p) => p.laneId) : [f.laneId]);

/** Every process/thread that ran test code is a lane with CPU and awaits, and has the three findings at lib.js's marks. */
function assertTestLanesRecorded(s) {
  const report = reportOf(s.run);
  const lib = s.lib;
  assert.ok(s.testLanes.length > 0, 'no test code ran');
  const awaitsOf = (laneId) => (report.sites ?? []).filter((x) => x.kind === 'await' && x.laneId === laneId).reduce((a, x) => a + x.count, 0);
  const problems = [];
  for (const id of s.testLanes) {
    const lane = report.lanes.find((l) => l.id === id);
    if (!lane) { problems.push(`${id}: no lane (lanes: ${report.lanes.map((l) => `${l.id} ${l.label}`).join(', ')})`); continue; }
    if (!(lane.busyMs > 0)) problems.push(`${id} (${lane.label}): busyMs ${lane.busyMs}`);
    if (!(awaitsOf(id) > 0)) problems.push(`${id} (${lane.label}): no awaits recorded`);
    for (const [kind, mark] of [['blocking-cpu', 'cpu'], ['sync-io', 'sync'], ['sequential-awaits', 'seq']]) {
      const line = lineOf(lib, mark);
      if (!findingsOf(report, kind).some((f) => lanesOf(f).includes(id) && f.location.file === lib && f.location.line === line)) {
        problems.push(`${id} (${lane.label}): no ${kind} at lib.js:${line}`);
      }
    }
  }
  assert.deepEqual(problems, [], `findings:\n  ${describeFindings(report)}\nwarnings: ${JSON.stringify(report.warnings)}`);
  // One finding per planted line, however many times the runner loaded lib.js in one thread (jest
  // --runInBand loads it again for each test file: it read as four findings at the same line).
  for (const [kind, mark] of [['blocking-cpu', 'cpu'], ['sync-io', 'sync'], ['sequential-awaits', 'seq']]) {
    const at = findingsOf(report, kind).filter((f) => f.location.file === lib && f.location.line === lineOf(lib, mark));
    assert.equal(at.length, 1, `${kind} at lib.js:${lineOf(lib, mark)}:\n  ${at.map((f) => f.message).join('\n  ')}`);
  }
  // Test code blocking its loop is the code under test's problem, wherever the runner ran it: not
  // a pool member's job done for its parent (an info finding that says blocking is what it is for).
  const cpu = findingsOf(report, 'blocking-cpu').find((f) => f.location.file === lib && f.location.line === lineOf(lib, 'cpu'));
  assert.equal(cpu.severity, 'warning', cpu.message);
  assert.doesNotMatch(cpu.message, /for (its|their) parent/);
  // The call is named as the test's code writes it (vitest runs vite's rewrite of it: `__vite_ssr_import_0__.readFileSync`).
  const sync = findingsOf(report, 'sync-io').find((f) => f.location.file === lib && f.location.line === lineOf(lib, 'sync'));
  assert.match(sync.message, /^fs\.readFileSync blocked/, sync.message);
  // In a runner's worker threads too (vitest --pool=threads, jest --workerThreads), as in its
  // processes: it read "… in a worker thread", always info (a worker is where blocking belongs).
  // Its severity is a main thread's: this read takes under a millisecond in all, so info.
  assert.match(sync.message, / inside async code( · |$)/, sync.message);
}

const RUNS = [
  { name: 'jest --runInBand', dir: 'jest', command: [join(BIN, 'jest'), '--runInBand', '--cacheDirectory=$CACHE'] },
  { name: 'jest with workers', dir: 'jest', command: [join(BIN, 'jest'), '--maxWorkers=2', '--cacheDirectory=$CACHE'], workers: true },
  { name: 'vitest --pool=forks', dir: 'vitest', command: [join(BIN, 'vitest'), 'run', '--pool=forks'], workers: true },
  { name: 'jest --workerThreads', dir: 'jest', command: [join(BIN, 'jest'), '--maxWorkers=2', '--workerThreads', '--cacheDirectory=$CACHE'], workers: true, threads: true },
  { name: 'vitest --pool=threads', dir: 'vitest', command: [join(BIN, 'vitest'), 'run', '--pool=threads'], workers: true, threads: true },
  // vitest's own modules are instrumented too: its processes got no ES-module hooks of ours (the
  // code under test reaches the probe through vitest's evaluator), even when asked for dependencies.
  { name: 'vitest --include-node-modules', dir: 'vitest', command: [join(BIN, 'vitest'), 'run'], workers: true, profileArgs: ['--include-node-modules'] },
  // Each test file in a vm context of its own (the runtime is put on its global, as for jest's).
  { name: 'vitest --pool=vmThreads', dir: 'vitest', command: [join(BIN, 'vitest'), 'run', '--pool=vmThreads'], workers: true, threads: true },
  { name: 'vitest --pool=vmForks', dir: 'vitest', command: [join(BIN, 'vitest'), 'run', '--pool=vmForks'], workers: true },
  { name: 'node --test', dir: 'node-test', command: ['node', '--test'], workers: true },
  { name: 'mocha', dir: 'mocha', command: [join(BIN, 'mocha')] },
  // workerpool's forked processes, over IPC: they run the test files, so they are no pool working for its parent.
  { name: 'mocha --parallel', dir: 'mocha', command: [join(BIN, 'mocha'), '--parallel', '--jobs', '2'], workers: true },
];

for (const r of RUNS) {
  describe(`${r.name} under profile`, () => {
    const s = runBoth(r.name, r.dir, r.command, {}, r.profileArgs);
    it('passes, with the same exit code and output as a plain run', () => {
      assert.equal(s.plain.code, 0, `plain run failed:\n${s.plain.stdout.slice(-2000)}\n${s.plain.stderr.slice(-2000)}`);
      assertSameAsPlain(s);
    });
    if (r.workers) {
      it('ran test code outside the main process or thread', () => {
        const report = reportOf(s.run);
        const rootPid = report.lanes.find((l) => l.kind === 'main')?.pid;
        assert.ok(s.testLanes.some((id) => id !== `${rootPid}:0`), `test code ran only in ${s.testLanes.join(', ')}`);
      });
    }
    it('records every lane that ran test code (CPU, awaits) with the findings at the planted lines', () => assertTestLanesRecorded(s));
    if (r.profileArgs?.includes('--include-node-modules')) {
      it('records the runner\'s own awaits too, in its main process and where the tests ran', () => {
        const report = reportOf(s.run);
        const rootPid = report.lanes.find((l) => l.kind === 'main')?.pid;
        const own = (report.sites ?? []).filter((x) => x.kind === 'await' && x.count > 0 && /[\\/]node_modules[\\/](vitest|@vitest[\\/]runner)[\\/]/.test(x.location.file));
        assert.ok(own.some((x) => x.laneId === `${rootPid}:0`), `no await of vitest's own files on its main process's lane (${rootPid}:0)`);
        assert.ok(own.some((x) => s.testLanes.includes(x.laneId)), `no await of vitest's own files on a lane that ran tests (${s.testLanes.join(', ')})`);
      });
    }
    if (r.threads) {
      // Each test lane has the planted CPU block (above): one finding, seen on every test lane.
      it('calls the worker threads that ran the planted lines threads, not processes', () => {
        const report = reportOf(s.run);
        assert.ok(s.testLanes.length > 0 && s.testLanes.every((id) => !id.endsWith(':0')), `test lanes: ${s.testLanes.join(', ')}`);
        const cpu = findingsOf(report, 'blocking-cpu').find((f) => f.location.file === s.lib && f.location.line === lineOf(s.lib, 'cpu'));
        assert.ok(cpu, describeFindings(report));
        // Both runners start two or more threads at once for four files; should one thread have run them all, its finding names no count.
        if (s.testLanes.length > 1) assert.match(cpu.message, new RegExp(`in ${s.testLanes.length} worker threads$`), cpu.message);
        else assert.doesNotMatch(cpu.message, /process/, cpu.message);
      });
    }
  });
}

describe('jest in band, two test files each with 150 ms of CPU in their top-level code', () => {
  const s = runBoth('jest-load', 'jest-load', [join(BIN, 'jest'), '--runInBand', '--cacheDirectory=$CACHE']);
  it('blocks the loop in each file\'s own code, not in jest\'s loading of it or of the next file', () => {
    assert.equal(s.run.code, 0, s.run.stderr.slice(-2000));
    const report = reportOf(s.run);
    for (const name of ['a', 'b']) {
      const file = join(RUNNERS, 'jest-load', `${name}.test.js`);
      const f = findingsOf(report, 'blocking-cpu').find((x) => x.location.file === file && x.location.line === lineOf(file, 'top'));
      assert.ok(f, describeFindings(report));
      // jest compiling the file (~200 ms of babel and its module wrapper) read as part of it:
      // "521 ms … in top-level code · hottest: compile, exec (jest-runtime)" for a 300 ms loop.
      assert.doesNotMatch(f.message, /jest-runtime|@babel/, f.message);
      assert.ok(f.totalMs < 150 * 1.6, `${name}.test.js: ${f.totalMs} ms for its 150 ms loop`);
    }
  });
});

/**
 * V8 coverage (NODE_V8_COVERAGE) runs an inspector session of Node's own in every process, which
 * got our console profiles' events: it printed each (whole profiles) as "Cannot retrieve id from
 * the response message", `node --test --experimental-test-coverage` exited 1 with "Could not report
 * code coverage", and c8 counted other branches. Instrumented code would shift coverage's offsets.
 */
describe('a test run that collects V8 coverage', () => {
  /** Coverage rows of the fixture's files (`file | line % | branch % | funcs % …`), by file: not the profiler's own, which Node's table lists (20, 22 and 24) when it is not installed under node_modules (README). */
  const rows = (text) => Object.fromEntries(text.split('\n').map((l) => l.replace(/^(#|ℹ)\s*/, '').split('|').map((c) => c.trim()))
    .filter((c) => c.length >= 4 && /\.(test\.)?js$/.test(c[0]) && !/(^|\/)(probe|probeLoader|instrumenter)\.js$/.test(c[0])).map((c) => [c[0], c.slice(1, 5).join(' | ')]));
  const nodeTest = runBoth('node --test coverage', 'node-test', ['node', '--test', '--experimental-test-coverage']);
  it('node --test --experimental-test-coverage: the same exit code and coverage table as a plain run, and nothing of ours in its output', () => {
    assert.equal(nodeTest.plain.code, 0, `plain run failed:\n${nodeTest.plain.stdout.slice(-2000)}`);
    assert.equal(nodeTest.run.code, 0, `profiled run: exit code ${nodeTest.run.code}\n${nodeTest.run.stdout.slice(-3000)}`);
    const out = nodeTest.run.stdout + nodeTest.run.stderr;
    assert.doesNotMatch(out, /Cannot retrieve id|Could not report code coverage|consoleProfile/);
    const plain = rows(nodeTest.plain.stdout);
    assert.ok(Object.keys(plain).some((f) => f.endsWith('lib.js')), `coverage rows of the plain run: ${JSON.stringify(plain)}`);
    assert.deepEqual(rows(nodeTest.run.stdout), plain);
  });
  it('still records the test processes\' CPU (one chunk each), and says what it left out', () => {
    const report = reportOf(nodeTest.run);
    const lib = join(RUNNERS, 'shared', 'lib.js');
    assert.ok(findingsOf(report, 'blocking-cpu').some((f) => f.location.file === lib && f.location.line === lineOf(lib, 'cpu')), describeFindings(report));
    assert.ok(report.warnings.some((w) => /collects V8 coverage \(NODE_V8_COVERAGE\): its CPU profile was recorded in one piece/.test(w)), report.warnings.join('\n'));
    assert.ok(report.warnings.some((w) => /its code ran as written, not instrumented, so its awaits and sync I\/O calls were not recorded/.test(w)), report.warnings.join('\n'));
  });
  // From the fixtures' folder: c8 reports the files under it (shared/lib.js) and leaves out test files.
  const c8 = runBoth('c8 node --test', '.', [join(BIN, 'c8'), '--reporter=text', '--temp-directory=$CACHE', 'node', '--test', ...[1, 2, 3, 4].map((n) => `node-test/t${n}.test.js`)]);
  it('c8 over node --test: the same exit code and output, its coverage table included', () => {
    assert.equal(c8.plain.code, 0, `plain run failed:\n${c8.plain.stdout.slice(-2000)}\n${c8.plain.stderr.slice(-2000)}`);
    assert.ok(Object.keys(rows(c8.plain.stdout)).includes('lib.js'), c8.plain.stdout.slice(-2000));
    assertSameAsPlain(c8);
  });
});

describe('a vitest test that fakes the clock while it does real work (vi.useFakeTimers())', () => {
  const s = runBoth('fake-timers', 'fake-timers', [join(BIN, 'vitest'), 'run', '--pool=forks']);
  const test = join(RUNNERS, 'fake-timers', 'clock.test.js');
  it('passes, with the same exit code and output as a plain run', () => {
    assert.equal(s.plain.code, 0, `plain run failed:\n${s.plain.stdout.slice(-2000)}\n${s.plain.stderr.slice(-2000)}`);
    assertSameAsPlain(s);
  });
  it("keeps the probe on Node's clock and timer: the loop's lag shows the CPU block, the awaits are there", () => {
    const report = reportOf(s.run);
    const id = s.testLanes[0];
    const lane = report.lanes.find((l) => l.id === id);
    assert.ok(lane, `no lane ${id}: ${report.lanes.map((l) => l.id).join(', ')}`);
    const block = findingsOf(report, 'blocking-cpu').find((f) => f.location.file === test && f.location.line === lineOf(test, 'cpu'));
    assert.ok(block, `no blocking-cpu at the cpu mark:\n  ${describeFindings(report)}`);
    // The lag timer runs on through the fake clock: it fired late by about the block, and on after it.
    const longest = Math.max(...block.intervals.map((i) => i.endMs - i.startMs));
    assert.ok(lane.lagMs.max >= longest / 2, `lane ${id}: lag max ${lane.lagMs.max} ms, block ${longest} ms`);
    const { lag } = report.spans;
    const blockEnd = Math.max(...block.intervals.map((i) => i.endMs));
    const ticksAfter = lag.t.filter((t, i) => lag.lane[i] === report.lanes.indexOf(lane) && t > blockEnd).length;
    assert.ok(ticksAfter >= 10, `lane ${id}: ${ticksAfter} lag ticks after the block`);
    const awaits = (report.sites ?? []).filter((x) => x.kind === 'await' && x.laneId === id && x.location.file === test);
    assert.equal(awaits.reduce((a, x) => a + x.count, 0), 400, JSON.stringify(awaits));
  });
});

const FAILING = [
  { name: 'jest --runInBand', dir: 'jest', command: [join(BIN, 'jest'), '--runInBand', '--cacheDirectory=$CACHE', 't1'] },
  { name: 'vitest --pool=forks', dir: 'vitest', command: [join(BIN, 'vitest'), 'run', '--pool=forks', 't1'] },
  { name: 'node --test', dir: 'node-test', command: ['node', '--test', 't1.test.js'] },
  { name: 'mocha', dir: 'mocha', command: [join(BIN, 'mocha')] },
];

for (const r of FAILING) {
  describe(`${r.name} with a failing test under profile`, () => {
    const s = runBoth(`${r.name}-fail`, r.dir, r.command, { RUNNER_FAIL: '1' });
    it('keeps the non-zero exit code and the output of a plain run, and writes the report', () => {
      assert.notEqual(s.plain.code, 0, 'the plain run should fail');
      assertSameAsPlain(s);
      reportOf(s.run);
    });
  });
}

describe('a process without an inspector (the node --test parent, which Node starts without one)', () => {
  const s = runBoth('no-inspector', 'node-test', ['node', '--test', 't1.test.js']);
  it('runs on, and the report names the pid, what is missing, and that the tests themselves were recorded', () => {
    assertSameAsPlain(s);
    const report = reportOf(s.run);
    const root = report.lanes.find((l) => l.kind === 'main');
    assert.ok(root, 'the parent is still a lane (probe data without a CPU profile)');
    assert.ok(report.warnings.some((w) => w.startsWith(`pid ${root.pid} (node --test t1.test.js): no inspector`)
      && /no CPU profile of Node's test runner process, which Node starts without one; it runs no test itself: each test file ran in a process of its own, recorded in full/.test(w)),
      `warnings: ${JSON.stringify(report.warnings)}`);
    assert.ok(!report.warnings.some((w) => /no node process of the program could be recorded/.test(w)), JSON.stringify(report.warnings));
  });
});

describe('node --import tsx --test: the runner\'s own process loads no --import (its test files run in children)', () => {
  const s = runBoth('node-test-tsx', 'node-test', ['node', '--import', 'tsx', '--test', 't1.test.js']);
  it('records the test file\'s child and says nothing false of the runner\'s process', () => {
    assertSameAsPlain(s);
    const report = reportOf(s.run);
    assert.ok(!report.warnings.some((w) => /registered no module hooks/.test(w)), `warnings: ${JSON.stringify(report.warnings)}`);
    assert.ok((report.findings ?? []).some((f) => f.location?.file === s.lib), `no finding in ${s.lib}: ${describeFindings(report)}`);
  });
});

// The probe opens the inspector without loading node:inspector, and shares it (Proxies on open()
// and close()) only when the program first gets that module: each way in is one case here.
/** Where the inspector programs and app.js make the sequential-awaits finding. */
const LOAD_BOTH = join(RUNNERS, 'inspector/load-both.js');
for (const [how, name] of [
  ['require()', 'opens-inspector.js'],
  ['an ES module\'s import', 'opens-inspector-esm.mjs'],
  ['process.getBuiltinModule()', 'opens-inspector-builtin.js'],
  ['node:inspector/promises', 'opens-inspector-promises.js'],
  ['import() in CommonJS code', 'opens-inspector-import.js'],
]) {
  describe(`a program that opens and closes the inspector itself, got through ${how}`, () => {
    const file = join(RUNNERS, 'inspector', name);
    const s = {};
    before(async () => {
      s.plain = await runPlain(['node', file], { cwd: ROOT, env: {} });
      s.run = await profile(['--quiet', file], { timeoutMs: TIMEOUT_MS });
    });
    it('runs as it does plainly (inspector.open() does not throw)', () => {
      assert.equal(s.plain.code, 0, s.plain.stderr);
      assert.equal(s.run.code, 0, s.run.stderr);
      assert.equal(s.run.stdout, s.plain.stdout);
      assert.equal(s.run.stdout, 'inspector open: true\nloaded ab\ninspector closed\n');
    });
    it('is still recorded in full: CPU profile, awaits and the finding', () => {
      const report = reportOf(s.run);
      const main = report.lanes.find((l) => l.kind === 'main');
      assert.ok(main.busyMs > 0, `busyMs ${main.busyMs}`);
      assert.ok(!report.warnings.some((w) => /no CPU profile|could not attach/.test(w)), JSON.stringify(report.warnings));
      assert.ok(findingsOf(report, 'sequential-awaits').some((f) => f.location.file === LOAD_BOTH && f.location.line === lineOf(LOAD_BOTH, 'seq')),
        describeFindings(report));
    });
  });
}

describe('a process\'s main thread loads neither node:inspector nor node:worker_threads for the probe', () => {
  // Both load ~20 stream modules, early in every process's start (README, Overhead: what that costs).
  const file = join(RUNNERS, 'inspector/loaded-builtins.js');
  const s = {};
  before(async () => {
    s.plain = await runPlain(['node', file], { cwd: ROOT, env: {} });
    s.run = await profile(['--quiet', file], { timeoutMs: TIMEOUT_MS });
  });
  it('a CommonJS program finds them unloaded at its first line, as it does plainly, and is profiled', () => {
    assert.equal(s.plain.code, 0, s.plain.stderr);
    assert.equal(s.run.code, 0, s.run.stderr);
    assert.equal(s.plain.stdout, 'inspector: false, worker_threads: false, stream: false\n');
    assert.equal(s.run.stdout, s.plain.stdout);
    const report = reportOf(s.run);
    assert.ok(!report.warnings.some((w) => /no CPU profile|could not attach/.test(w)), JSON.stringify(report.warnings));
  });
});

/**
 * What VS Code does for its debug terminal's bootloader: attaches to every process that
 * announces its inspector in `dir`, lets it run, and hangs up when the process waits for that at
 * exit. Returns stop().
 */
function fakeDebugger(dir) {
  const clients = [];
  const seen = new Set();
  const scan = async () => {
    for (const name of readdirSync(dir)) {
      if (!/^url-\d+$/.test(name) || seen.has(name)) continue;
      seen.add(name);
      const url = readFileSync(join(dir, name), 'utf8');
      const u = new URL(url);
      try {
        const client = await CDP({ host: u.hostname, port: Number(u.port), target: url, local: true });
        clients.push(client);
        client.on('error', () => undefined);
        // At exit Node waits for attached debuggers to hang up; js-debug asks to be told, and does.
        client.on('NodeRuntime.waitingForDisconnect', () => void client.close().catch(() => undefined));
        await client.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true });
        await client.send('Runtime.enable');
        await client.send('Runtime.runIfWaitingForDebugger');
      } catch { /* the process is gone */ }
    }
  };
  const timer = setInterval(() => void scan(), 20);
  return () => { clearInterval(timer); for (const c of clients) c.close().catch(() => undefined); };
}

describe('a shell whose NODE_OPTIONS already --require another tool\'s bootloader (VS Code debug terminal)', () => {
  const file = join(RUNNERS, 'inspector/app.js');
  const bootloader = join(RUNNERS, 'inspector/bootloader.js');
  const s = {};
  before(async () => {
    const plainDir = mkdtempSync(join(tmpdir(), 'cl-bootloader-'));
    let stop = fakeDebugger(plainDir);
    s.plain = await runPlain(['node', file], { cwd: ROOT, env: { NODE_OPTIONS: `--require ${bootloader}`, BOOTLOADER_DIR: plainDir } });
    stop();
    const dir = mkdtempSync(join(tmpdir(), 'cl-bootloader-'));
    stop = fakeDebugger(dir);
    s.run = await profile(['--quiet', file], { env: { NODE_OPTIONS: `--require ${bootloader}`, BOOTLOADER_DIR: dir }, timeoutMs: TIMEOUT_MS });
    stop();
  });
  it('runs as it does plainly, debugger attached and all', () => {
    assert.equal(s.plain.code, 3, s.plain.stderr);
    assert.equal(s.run.code, 3, s.run.stderr);
    assert.equal(s.run.stdout, s.plain.stdout);
    assert.equal(s.run.stdout, 'loaded ab\n');
    assert.deepEqual(normalized(s.run.stderr), normalized(s.plain.stderr));
  });
  it('is recorded: CPU profile, awaits and the finding', () => {
    const report = reportOf(s.run);
    const main = report.lanes.find((l) => l.kind === 'main' && l.script === file);
    assert.ok(main, `no main lane for ${file}: ${report.lanes.map((l) => l.label).join(', ')}`);
    assert.ok(main.busyMs > 0, `busyMs ${main.busyMs}`);
    assert.ok(!report.warnings.some((w) => /no CPU profile|could not attach/.test(w)), JSON.stringify(report.warnings));
    assert.ok(findingsOf(report, 'sequential-awaits').some((f) => f.location.file === LOAD_BOTH && f.location.line === lineOf(LOAD_BOTH, 'seq')),
      describeFindings(report));
  });
});

describe('jest loading a module it must transform first: its loader\'s work is no blocking of the test file\'s', () => {
  // babel-jest transforms each required file, and jest caches the result: CPU under jest's own
  // require (jest-runtime), as module loading is under Node's. It read "blocked the event loop …
  // in moduleRequire ← top-level code · hottest: writeFileSync (write-file-atomic), …" at the
  // test file's first line, with advice to split the work or move it to a worker thread.
  let dir, run;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cl-jest-transform-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cl-jest-transform', private: true, jest: { testEnvironment: 'node' } }));
    // ~4,000 small functions: slow to transform, quick to run (functions compile lazily).
    writeFileSync(join(dir, 'big.js'), Array.from({ length: 4000 }, (_, i) => `exports.f${i} = function (a, { b = ${i} } = {}) { return [a, b, ...[${i}]].length; };`).join('\n'));
    writeFileSync(join(dir, 'big.test.js'), "const big = require('./big.js');\ntest('loads', () => { expect(Object.keys(big).length).toBe(4000); });\n");
    run = await profile(['--quiet', join(BIN, 'jest'), '--runInBand', `--cacheDirectory=${join(dir, 'cache')}`], { cwd: dir, timeoutMs: TIMEOUT_MS });
  }, { timeout: TIMEOUT_MS + 10_000 });
  it('passes, and puts no blocking-cpu finding in the test file or the module', () => {
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    const report = reportOf(run);
    const mine = findingsOf(report, 'blocking-cpu').filter((f) => f.location.file.startsWith(realpathSync(dir)));
    assert.deepEqual(mine.map((f) => `${f.location.file}:${f.location.line} ${f.message}`), [], describeFindings(report));
  });
});
