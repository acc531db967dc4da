// End to end: programs behind launchers (npx, npm run, a shell script) and a program that shells
// out to a native binary. The headline (lag, main lane) is the user's process, launchers are
// marked and skipped as parents, and every descendant process counts in CPU, RSS and parallelism.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CLI, FIXTURES, profile, reportOf, fixture, lineOf } from './fixtures/harness.mjs';
import { SPAN, SPAN_KIND } from '../analyzer/raw.ts';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const DIR = join(FIXTURES, 'launchers');
const TIMEOUT = 180_000;

const mainOf = (report) => {
  const mains = report.lanes.filter((l) => l.kind === 'main');
  assert.equal(mains.length, 1, `one main lane: ${lanesText(report)}`);
  return mains[0];
};
const laneById = (report, id) => report.lanes.find((l) => l.id === id);
const lanesText = (report) => '\n  ' + report.lanes.map((l) => `${l.id} ${l.kind} ${l.label} parent=${l.parentId} launcher=${l.launcher} external=${l.external}`).join('\n  ');
const cpuOf = (l) => (l.cpuUserMs ?? 0) + (l.cpuSystemMs ?? 0);

/** The planted ~200 ms block in the user's code is the headline lag, and it is the main lane's. */
function assertUserLagIsHeadline(report) {
  const main = mainOf(report);
  assert.ok(main.lagMs && main.lagMs.max >= 100, `main lane lag ${JSON.stringify(main.lagMs)}: the planted 200 ms block${lanesText(report)}`);
  assert.deepEqual(report.metrics.eventLoopLagMs, main.lagMs, 'the headline lag is the main lane\'s');
  assert.equal(report.program.mainPid, main.pid);
}

/** Where the run writes its raw recording (CONCURRENCY_LENS_RAW): what the recorder collected, per process. */
const rawPath = () => join(mkdtempSync(join(tmpdir(), 'cl-raw-')), 'raw.json');

/**
 * The launchers' cheap path: node launchers are announced but never attached (no inspector
 * session, no CPU profile requested), while every process that runs user code is attached and
 * has its CPU profile; the launchers' lanes are still there, marked, with their CPU time.
 */
function assertLaunchersNotProfiled(report, raw, names) {
  for (const name of names) {
    const lane = report.lanes.find((l) => l.launcher === name && !l.external);
    assert.ok(lane, `${name} lane${lanesText(report)}`);
    const proc = raw.processes.find((p) => p.pid === lane.pid);
    assert.ok(proc, `${name} (pid ${lane.pid}) was announced to the recorder`);
    assert.equal(proc.attached, false, `${name} was attached over the inspector`);
    const thread = raw.threads.find((t) => t.pid === lane.pid && t.tid === 0);
    assert.ok(thread, `${name}'s probe recorded its thread`);
    assert.equal(thread.profile, undefined, `${name} has a CPU profile`);
    // Nor are its sync fs calls timed: they would only feed findings, and a launcher has none.
    const fsSyncSpans = (thread.spans ?? []).filter((v, i) => i % SPAN.size === SPAN.kind && v === SPAN_KIND.fsSync).length;
    assert.equal(fsSyncSpans, 0, `${name} recorded ${fsSyncSpans} sync fs calls`);
    assert.ok(lane.busyMs > 0 && lane.busyMs <= (lane.cpuUserMs ?? 0) + (lane.cpuSystemMs ?? 0) + 1, `${name}'s busy time is its CPU time: ${JSON.stringify(lane)}`);
  }
  for (const l of report.lanes.filter((x) => !x.launcher && !x.external)) {
    assert.equal(raw.processes.find((p) => p.pid === l.pid)?.attached, true, `${l.label} was not attached`);
    const thread = raw.threads.find((t) => t.pid === l.pid && t.tid === l.threadId);
    assert.ok(thread?.profile?.samples?.length > 0, `${l.label} has no CPU samples`);
  }
  assert.deepEqual(report.warnings.filter((w) => /profile|attach/i.test(w)), [], 'no warning about a missing profile or attachment');
}

/** No lane's parent is a shell: parents skip them. */
function assertParentsSkipShells(report) {
  for (const l of report.lanes) {
    if (!l.parentId) continue;
    const parent = laneById(report, l.parentId);
    assert.ok(parent, `${l.id}: parent ${l.parentId} is not a lane${lanesText(report)}`);
    assert.ok(!(parent.external && parent.launcher), `${l.id}: parent ${parent.label} is a shell${lanesText(report)}`);
  }
}

describe('npx tsx app.ts: npx, its shell and tsx\'s CLI step aside', () => {
  let run;
  const raw = rawPath();
  before(async () => { run = await profile(['npx', 'tsx', 'cli/fixtures/launchers/app.ts'], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: raw } }); });
  it('runs the program', () => {
    reportOf(run);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /app\.ts done/);
  });
  it('the main lane is the process running app.ts, and its lag is the headline', () => {
    const report = reportOf(run);
    assert.match(mainOf(report).script ?? '', /app\.ts$/, lanesText(report));
    assert.equal(mainOf(report).launcher, undefined);
    assertUserLagIsHeadline(report);
    assert.deepEqual(report.program.via, ['npx', 'sh', 'tsx']);
  });
  it('marks npx, the shell and tsx\'s CLI as launchers; the shell is a non-node lane', () => {
    const report = reportOf(run);
    const npx = report.lanes.find((l) => l.launcher === 'npx');
    const sh = report.lanes.find((l) => l.launcher === 'sh');
    const tsx = report.lanes.find((l) => l.launcher === 'tsx');
    assert.ok(npx && sh && tsx, lanesText(report));
    assert.equal(npx.kind, 'process');
    assert.equal(npx.external, undefined);
    assert.equal(sh.external, true);
    assert.equal(sh.parentId, npx.id);
    // npx → sh → tsx → node app.ts: tsx's parent skips the shell; app.ts's parent is tsx.
    assert.equal(tsx.parentId, npx.id, lanesText(report));
    assert.equal(mainOf(report).parentId, tsx.id, lanesText(report));
    assertParentsSkipShells(report);
  });
  it('says in the summary who the headline is about', () => {
    assert.match(run.stderr, /via npx → sh → tsx → node \S*app\.ts \(pid \d+\)/, run.stderr.slice(-2000));
  });
  it('places the CPU block in app.ts at the start of the function that ran: tsx compiles it to one line, whose line numbers say nothing', () => {
    const report = reportOf(run);
    const file = fixture('launchers/app.ts');
    const blocks = report.findings.filter((f) => f.kind === 'blocking-cpu');
    assert.equal(blocks.length, 1, JSON.stringify(report.findings.map((f) => [f.kind, f.location])));
    const [f] = blocks;
    assert.equal(f.location.file, file);
    // `block` itself, or the timer's callback V8 inlined it into: the start of either, mapped back
    // through tsx's source map (app.ts has no async function: its map comes with an empty site table).
    const starts = { [lineOf(file, 'block-fn')]: 'block', [lineOf(file, 'timer-fn')]: '(anonymous)' };
    assert.ok(f.location.line in starts, `at line ${f.location.line}, not at ${Object.keys(starts).join(' or ')}: ${f.message}`);
    assert.match(f.message, new RegExp(` in ${starts[f.location.line].replace(/[()]/g, '\\$&')}`));
    assert.match(f.detail, /tells the function, not the line/);
  });
  it('npx and tsx\'s CLI are not CPU-profiled (never attached); app.ts is', () => {
    assertLaunchersNotProfiled(reportOf(run), JSON.parse(readFileSync(raw, 'utf8')), ['npx', 'tsx']);
  });
});

describe('npm run start: a program with 3 children behind npm and sh', () => {
  let run;
  const raw = rawPath();
  before(async () => { run = await profile(['npm', 'run', 'start'], { cwd: DIR, timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: raw } }); });
  it('runs the program', () => {
    reportOf(run);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /app done/);
  });
  it('the main lane is app.js, its parent is npm (not the shell in between), its children are its own', () => {
    const report = reportOf(run);
    const main = mainOf(report);
    assert.equal(main.script, fixture('launchers/app.js'));
    assertUserLagIsHeadline(report);
    const npm = report.lanes.find((l) => l.launcher === 'npm');
    assert.ok(npm, lanesText(report));
    assert.equal(main.parentId, npm.id, lanesText(report));
    const children = report.lanes.filter((l) => /child\.js$/.test(l.script ?? ''));
    assert.equal(children.length, 3, lanesText(report));
    for (const c of children) assert.equal(c.parentId, main.id);
    assertParentsSkipShells(report);
    assert.deepEqual(report.program.via, ['npm', 'sh']);
    assert.match(run.stderr, /via npm → sh → node app\.js \(pid \d+\)/);
  });
  it('every process counts in CPU and peak RSS', () => {
    const report = reportOf(run);
    const p = report.program;
    const perProcess = report.lanes.filter((l) => l.threadId === 0);
    const sum = perProcess.reduce((a, l) => a + cpuOf(l), 0);
    assert.ok(Math.abs(p.userCpuMs + p.systemCpuMs - sum) <= 1 + perProcess.length, `program CPU ${p.userCpuMs + p.systemCpuMs} vs Σ lanes ${sum}`);
    for (const l of perProcess) assert.ok(p.maxRssKb >= (l.maxRssKb ?? 0), `peak RSS ${p.maxRssKb} < ${l.label} ${l.maxRssKb}`);
    assert.ok(p.peakTreeRssKb >= p.maxRssKb, `peak of the sum ${p.peakTreeRssKb} vs largest process ${p.maxRssKb}`);
  });
  it('npm is not CPU-profiled (never attached): its lane stays, a launcher; app.js and its children are profiled', () => {
    const report = reportOf(run);
    assertLaunchersNotProfiled(report, JSON.parse(readFileSync(raw, 'utf8')), ['npm']);
    assert.equal(report.lanes.filter((l) => /child\.js$/.test(l.script ?? '') && l.busyMs > 0).length, 3, lanesText(report));
  });
});

describe('a shell script that starts node', () => {
  let run;
  before(async () => { run = await profile(['cli/fixtures/launchers/run.sh'], { timeoutMs: TIMEOUT }); });
  it('the main lane is app.js; the shell is a launcher lane and no lane\'s parent', () => {
    const report = reportOf(run);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /starting[\s\S]*app done/);
    const main = mainOf(report);
    assert.equal(main.script, fixture('launchers/app.js'));
    assertUserLagIsHeadline(report);
    const sh = report.lanes.find((l) => l.launcher === 'sh');
    assert.ok(sh?.external, lanesText(report));
    assert.equal(main.parentId, undefined, 'the shell was the only ancestor');
    assertParentsSkipShells(report);
    assert.deepEqual(report.program.via, ['sh']);
  });
});

describe("node --watch app.js: Node's watch mode (never exits by itself; stopped by --duration)", () => {
  let run;
  const script = fixture('launchers/watched.js');
  before(async () => { run = await profile(['node', '--watch', script, '--duration', '4'], { timeoutMs: TIMEOUT }); });
  it('the main lane is the script in its child; the watching process is a launcher, not "a node process that ran unrecorded"', () => {
    const report = reportOf(run);
    assert.match(run.stdout, /watched done/);
    const main = mainOf(report);
    assert.equal(main.script, script, lanesText(report));
    const watcher = report.lanes.find((l) => l.launcher === 'node --watch');
    assert.ok(watcher?.external && watcher.id === main.parentId, lanesText(report));
    assert.deepEqual(report.program.via, ['node --watch']);
    assert.deepEqual(report.warnings.filter((w) => /ran unrecorded/.test(w)), []);
    assert.ok(report.findings.some((f) => f.kind === 'sequential-awaits' && f.location.file === script && f.location.line === lineOf(script, 'seq')), JSON.stringify(report.findings.map((f) => f.message)));
  });
});

describe('a program that shells out to a native binary (sha256sum over 256 MB)', () => {
  let run;
  before(async () => { run = await profile([fixture('launchers/native.js')], { timeoutMs: TIMEOUT }); });
  it('the native process is a lane with CPU time and RSS, child of the program (the shell skipped)', () => {
    const report = reportOf(run);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /^[0-9a-f]{64}$/m);
    const sha = report.lanes.find((l) => l.external && /(^|\/)sha256sum$/.test(l.script ?? ''));
    assert.ok(sha, lanesText(report));
    assert.equal(sha.kind, 'process');
    assert.equal(sha.launcher, undefined);
    assert.ok(cpuOf(sha) > 0 && sha.busyMs > 0, `sha256sum CPU ${cpuOf(sha)}`);
    assert.ok(sha.maxRssKb > 0);
    assert.equal(sha.parentId, mainOf(report).id, lanesText(report));
    assert.equal(sha.lagMs, undefined, 'no event loop, no lag');
    const index = report.lanes.indexOf(sha);
    assert.ok(report.spans.slices.lane.includes(index), 'its busy time is drawn');
  });
  it('CPU %, peak RSS and parallelism include the non-node processes', () => {
    const report = reportOf(run);
    const p = report.program;
    const main = mainOf(report);
    const external = report.lanes.filter((l) => l.external);
    const externalCpu = external.reduce((a, l) => a + cpuOf(l), 0);
    assert.ok(externalCpu > 0);
    assert.ok(p.userCpuMs + p.systemCpuMs >= cpuOf(main) + externalCpu - 1, `program CPU ${p.userCpuMs + p.systemCpuMs} < main ${cpuOf(main)} + native ${externalCpu}`);
    assert.ok(Math.abs(p.cpuPercent - ((p.userCpuMs + p.systemCpuMs) / p.wallMs) * 100) < 0.5, `CPU ${p.cpuPercent} %`);
    for (const l of external) assert.ok(p.maxRssKb >= l.maxRssKb);
    // Parallelism buckets hold the native processes' CPU time (spread over their sampling intervals).
    const s = report.spans.series;
    const onCpuMs = s.parallelism.reduce((a, b) => a + b, 0) * s.bucketMs;
    assert.ok(onCpuMs >= externalCpu * 0.9, `Σ parallelism ${onCpuMs} ms vs native CPU ${externalCpu} ms`);
    assert.ok(report.metrics.maxParallelism > 0);
  });
  it('measures the sampler\'s own CPU cost, and keeps it small', () => {
    const { processSampling } = reportOf(run).program;
    assert.ok(processSampling && processSampling.samples > 0, JSON.stringify(processSampling));
    assert.ok(processSampling.costMs / processSampling.samples < 20, `${processSampling.costMs} ms CPU for ${processSampling.samples} samples`);
  });
});

describe('CONCURRENCY_LENS_NO_PROC=1: no /proc (as on macOS and Windows)', () => {
  let run;
  before(async () => {
    run = await profile(['npm', 'run', 'native'], { cwd: DIR, timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_NO_PROC: '1' } });
  });
  it('still records the node processes and lists the degraded figures', () => {
    const report = reportOf(run);
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /^[0-9a-f]{64}$/m);
    const p = report.program;
    assert.ok(Array.isArray(p.degraded) && p.degraded.some((d) => /not recorded/.test(d) && /CPU %/.test(d)), JSON.stringify(p.degraded));
    assert.match(run.stderr, /degraded: processes other than node/);
    assert.equal(p.peakTreeRssKb, undefined);
    assert.equal(p.processSampling, undefined);
    assert.equal(report.lanes.filter((l) => l.external).length, 0, lanesText(report));
    assert.ok(p.cpuPercent > 0 && p.maxRssKb > 0);
  });
  it('the main lane is still the user\'s process, its parent npm (the shell known from npm\'s spawn record)', () => {
    const report = reportOf(run);
    const main = mainOf(report);
    assert.equal(main.script, fixture('launchers/native.js'));
    const npm = report.lanes.find((l) => l.launcher === 'npm');
    assert.ok(npm, lanesText(report));
    assert.equal(main.parentId, npm.id);
    assert.deepEqual(p(report).via, ['npm', 'sh']);
  });
});

const p = (report) => report.program;
