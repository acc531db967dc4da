// End to end: `profile --sarif` (valid against the official SARIF 2.1.0 schema, results at the
// planted lines), and the CI gates `--fail-on` and `--budget` (exit codes, one line per breach,
// reports still written, the program's own exit status), on a real program run by the real CLI.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { CLI, FIXTURES, ROOT, profile, lineOf, reportOf, findingsOf, describeFindings } from './fixtures/harness.mjs';
import { appCopy, cli } from './fixtures/ciCopies.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** The official schema (draft-04), with the formats it uses checked (ajv-formats is not a dependency of ours). */
function sarifValidator() {
  // unicodeRegExp: false: the schema's language pattern is not valid with the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (v) => { try { new URL(v); return true; } catch { return false; } });
  ajv.addFormat('uri-reference', (v) => { try { new URL(v, 'file:///base/'); return true; } catch { return false; } });
  ajv.addFormat('date-time', (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v));
  return ajv.compile(JSON.parse(readFileSync(join(FIXTURES, 'sarif/sarif-2.1.0-rtm.5.json'), 'utf8')));
}

const KINDS_AT = { 'await-in-loop': 'loop-await', 'sync-io': 'sync-read' };

describe('--sarif on a real program, with budgets and fail-on rules that hold', () => {
  const s = {};
  before(async () => {
    s.app = appCopy();
    s.sarifPath = join(s.app.dir, 'out.sarif');
    s.run = await profile(['src/app.js', '--sarif', s.sarifPath, '--budget', 'wall=600s,lag.p99=60s', '--budget', 'rss=4GB,findings=50', '--fail-on', 'blocking-cpu:600s,sync-io:10s'], { cwd: s.app.dir });
    s.sarif = existsSync(s.sarifPath) ? JSON.parse(readFileSync(s.sarifPath, 'utf8')) : null;
  });

  it('exits with the program status (0): no gate failed, none printed', () => {
    reportOf(s.run);
    assert.equal(s.run.code, 0, s.run.stderr);
    assert.doesNotMatch(s.run.stderr, /budget|fail-on/);
  });

  it('writes a log that the official SARIF 2.1.0 schema accepts', () => {
    assert.ok(s.sarif, `no SARIF at ${s.sarifPath}\n${s.run.stderr}`);
    const validate = sarifValidator();
    assert.ok(validate(s.sarif), JSON.stringify(validate.errors, null, 1));
    assert.equal(s.sarif.version, '2.1.0');
  });

  it('has one result per finding, at the planted lines, relative to the run cwd (%SRCROOT%)', () => {
    const report = reportOf(s.run);
    const run = s.sarif.runs[0];
    assert.equal(run.results.length, report.findings.length, describeFindings(report));
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${s.app.dir}/`);
    for (const [kind, mark] of Object.entries(KINDS_AT)) {
      const r = run.results.find((x) => x.ruleId === kind);
      assert.ok(r, `no ${kind} result; findings:\n  ${describeFindings(report)}`);
      const loc = r.locations[0].physicalLocation;
      assert.deepEqual(loc.artifactLocation, { uri: 'src/app.js', uriBaseId: '%SRCROOT%' });
      assert.equal(loc.region.startLine, lineOf(s.app.file, mark));
      const f = findingsOf(report, kind)[0];
      assert.equal(loc.region.startColumn, f.location.column);
      assert.equal(r.message.text, f.message);
      assert.equal(r.properties.occurrences, f.occurrences);
      assert.ok(Math.abs(r.properties.totalMs - f.totalMs) < 0.01, `${r.properties.totalMs} vs ${f.totalMs}`);
      assert.equal(r.properties.pid, report.program.mainPid);
      assert.match(r.partialFingerprints['concurrencyLensSite/v1'], new RegExp(`^${kind}\\|src/app\\.js\\|`));
    }
    const cpu = run.results.find((x) => x.ruleId === 'blocking-cpu');
    assert.ok(cpu, describeFindings(report));
    const line = cpu.locations[0].physicalLocation.region.startLine;
    assert.ok(line >= lineOf(s.app.file, 'fib-start') && line <= lineOf(s.app.file, 'fib-end'), `blocking-cpu at ${line}, outside fib`);
    assert.match(cpu.partialFingerprints['concurrencyLensSite/v1'], /\|fib$/, 'the function is part of the identity');
  });

  it('maps severity to level and describes every kind as a rule from the registry', () => {
    const run = s.sarif.runs[0];
    const report = reportOf(s.run);
    for (const r of run.results) {
      const f = report.findings.find((x) => x.kind === r.ruleId);
      assert.equal(r.level, { error: 'error', warning: 'warning', info: 'note' }[f.severity]);
      const rule = run.tool.driver.rules[r.ruleIndex];
      assert.equal(rule.id, r.ruleId);
      assert.ok(rule.shortDescription.text.length > 5 && rule.fullDescription.text.length > 40 && rule.help.text.length > 40, JSON.stringify(rule));
    }
    assert.equal(run.tool.driver.name, 'Concurrency Lens');
    assert.match(run.tool.driver.semanticVersion, /^\d+\.\d+\.\d+/);
  });

  it('records the invocation: the program command, its exit code, success', () => {
    const inv = s.sarif.runs[0].invocations[0];
    assert.equal(inv.exitCode, 0);
    assert.equal(inv.executionSuccessful, true);
    assert.deepEqual(inv.arguments, reportOf(s.run).program.command);
    assert.equal(inv.workingDirectory.uri, `file://${s.app.dir}/`);
  });
});

describe('gates breached: exit 3, one line per breach, reports still written', () => {
  const s = {};
  before(async () => {
    s.app = appCopy();
    s.sarifPath = join(s.app.dir, 'out.sarif');
    s.run = await profile(['src/app.js', '--sarif', s.sarifPath, '--budget', 'blocking.total=1ms,wall=600s,findings=1', '--fail-on', 'sync-io,blocking-cpu:600s'], { cwd: s.app.dir });
  });
  it('exits 3 and says which budget was exceeded by how much, and which finding failed', () => {
    const report = reportOf(s.run);
    assert.equal(s.run.code, 3, s.run.stderr);
    const blocking = report.findings.filter((f) => f.kind === 'blocking-cpu' || f.kind === 'sync-io').reduce((a, f) => a + f.totalMs, 0);
    assert.ok(blocking > 1, describeFindings(report));
    assert.match(s.run.stderr, /^concurrency-lens: budget blocking\.total=1ms exceeded: [\d.]+ (ms|s)$/m);
    assert.match(s.run.stderr, new RegExp(`^concurrency-lens: budget findings=1 exceeded: ${report.findings.length}$`, 'm'));
    assert.match(s.run.stderr, new RegExp(`^concurrency-lens: fail-on sync-io: sync-io at src/app\\.js:${lineOf(s.app.file, 'sync-read')} \\(`, 'm'));
    assert.doesNotMatch(s.run.stderr, /budget wall|fail-on blocking-cpu/, 'only breaches are printed');
    assert.equal((s.run.stderr.match(/^concurrency-lens: (budget|fail-on) /gm) ?? []).length, 3, s.run.stderr);
  });
  it('still writes the JSON and SARIF reports, with the program exit code 0 in them', () => {
    assert.equal(reportOf(s.run).program.exitCode, 0);
    const sarif = JSON.parse(readFileSync(s.sarifPath, 'utf8'));
    assert.equal(sarif.runs[0].invocations[0].exitCode, 0);
  });
});

describe('a program that fails by itself keeps its own exit status when a gate fails too', () => {
  const s = {};
  before(async () => {
    s.app = appCopy();
    s.run = await profile(['src/app.js', '--fail-on', 'await-in-loop'], { cwd: s.app.dir, env: { EXIT_CODE: '5' } });
  });
  it('exits 5 (the program), prints the breach and says the status is the program\'s', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 5);
    assert.equal(s.run.code, 5, s.run.stderr);
    assert.match(s.run.stderr, /^concurrency-lens: fail-on await-in-loop: await-in-loop at src\/app\.js:\d+/m);
    assert.match(s.run.stderr, /exit status 5 is the program's/);
  });
});

describe('bad gates are usage errors (exit 2) before the program runs', () => {
  const cases = [
    [['--budget', 'lag.p99=50'], /lag\.p99 needs a time with a unit: ms or s/],
    [['--budget', 'lag.p99=50min'], /lag\.p99 needs a time with a unit/],
    [['--budget', 'latency=50ms'], /unknown metric 'latency' \(known: lag\.p50, lag\.p99, lag\.max, blocking\.total/],
    [['--budget', 'findings=1.5'], /findings needs a whole number/],
    [['--budget', 'rss=200'], /rss needs a size with a unit: KB, MB or GB/],
    [['--fail-on', 'slow-code'], /unknown finding kind 'slow-code'/],
    [['--fail-on', 'sync-io:fast'], /needs KIND or KIND:MIN_MS/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ')}`, () => {
      const app = appCopy();
      const r = cli(['profile', 'src/app.js', ...args, '--json', 'out.json'], app.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(join(app.dir, 'out.json')), 'the program did not run');
      assert.doesNotMatch(r.stdout, /items=/, 'the program did not run');
    });
  }
});

describe('a run with nothing to measure: gates do not pass silently, SARIF says what was not recorded', () => {
  const s = {};
  before(async () => {
    s.app = appCopy();
    s.sarifPath = join(s.app.dir, 'out.sarif');
    // A shell that runs no node: no process under the probe, so no event-loop lag.
    s.run = await profile(['--sarif', s.sarifPath, '--budget', 'lag.p99=50ms,findings=0', 'sh', '-c', 'sleep 0.2'], { cwd: s.app.dir });
  });
  it('a lag budget is "not checked" and fails the gate (exit 3); the others hold', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(s.run.code, 3, s.run.stderr);
    assert.match(s.run.stderr, /^concurrency-lens: budget lag\.p99=50ms not checked: no event-loop lag was recorded/m);
    assert.doesNotMatch(s.run.stderr, /budget findings/);
  });
  it('the SARIF log is valid, has no results, and carries the report\'s notes as notifications', () => {
    const sarif = JSON.parse(readFileSync(s.sarifPath, 'utf8'));
    const validate = sarifValidator();
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 1));
    assert.deepEqual(sarif.runs[0].results, []);
    const report = reportOf(s.run);
    const notes = sarif.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.message.text);
    assert.ok(report.warnings.length > 0, 'fixture: the report has notes');
    for (const w of report.warnings) assert.ok(notes.includes(w), `${w} not in ${JSON.stringify(notes)}`);
    for (const d of report.program.degraded ?? []) assert.ok(notes.some((n) => n.endsWith(d)), `${d} not in ${JSON.stringify(notes)}`);
  });
});

describe('lag budgets hold the main process and every process that serves HTTP (cluster)', () => {
  const s = {};
  before(async () => { s.run = await profile([join(ROOT, 'samples/cluster/01-one-process-per-core.js'), '--budget', 'lag.max=0.001ms'], { timeoutMs: 120_000 }); });
  it('one breach line per such process, naming it by pid', () => {
    const report = reportOf(s.run);
    assert.equal(s.run.code, 3, s.run.stderr);
    const servers = new Set(report.routes.filter((r) => r.kind === 'server').flatMap((r) => r.laneIds));
    const expected = report.lanes.filter((l) => l.kind === 'main' || (l.kind === 'process' && servers.has(l.id)));
    assert.equal(expected.filter((l) => l.kind === 'process').length, 2, 'fixture: two cluster workers served');
    const lines = s.run.stderr.match(/^concurrency-lens: budget lag\.max=0\.001ms exceeded: .*$/gm) ?? [];
    assert.equal(lines.length, expected.length, s.run.stderr);
    for (const l of expected) assert.ok(lines.some((x) => x.endsWith(` on ${l.kind} (pid ${l.pid})`)), `${l.kind} ${l.pid}: ${lines.join('\n')}`);
  });
});
