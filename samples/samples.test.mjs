// The samples tell the truth: every sample program is profiled by the real CLI
// (`node dist/cli.js profile <sample> --json …`) and its findings must match its header exactly:
// each `// expect: <kind> @ <line>` present at that line, nothing else (an extra info-severity
// finding only where the header says `// allow: info <kind>`). Then the matrix table and the
// lesson ratios are printed, and the three headline lessons are checked with generous bounds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  discoverSamples, parseSampleHeader, checkFindings, rowFor, formatTable, lessonRatios, formatLessons, timePlainRun, LESSONS,
} from '../cli/matrix.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = join(ROOT, 'samples');
const CLI = join(ROOT, 'dist/cli.js');

/** Runs the real CLI on one sample; resolves with { code, stdout, stderr, report }. */
function profileWithCli(spec) {
  const dir = mkdtempSync(join(tmpdir(), 'cl-samples-'));
  const jsonPath = join(dir, 'report.json');
  const argv = [CLI, 'profile', spec.file, '--json', jsonPath];
  if (spec.args.length > 0) argv.push('--', ...spec.args);
  const env = { ...process.env, ...spec.env };
  delete env.NODE_TEST_CONTEXT; // the test runner's channel, not the sample's business
  return new Promise((done) => {
    // Own process group, so a hung run is killed together with the program and its children.
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); } }, 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const report = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : null;
      rmSync(dir, { recursive: true, force: true });
      done({ code, signal, stdout, stderr, report });
    });
  });
}

const describeFindings = (report) =>
  report.findings.map((f) => `${f.kind} @ ${f.location.file}:${f.location.line} [${f.severity}] ${f.message}`).join('\n    ') || '(none)';

const specs = discoverSamples(SAMPLES);
// The lessons compare plain-node wall times (the profiler's start-up is not part of the lesson).
const lessonVariants = new Set(LESSONS.flatMap((l) => [l.slow, l.fast]));

describe('sample headers', () => {
  it('cover every variant of the matrix', () => {
    const variants = specs.map((s) => s.variant);
    for (const v of [
      'io/sequential', 'io/worker-per-task', 'io/process-per-task', 'io/worker-pool', 'io/process-pool', 'io/promise-all',
      'io/async-one-at-a-time', 'cpu/sequential', 'cpu/worker-per-task', 'cpu/process-per-task', 'cpu/worker-pool',
      'cpu/oversized-pool', 'cpu/promise-all', 'mixed/cpu-on-the-loop', 'mixed/worker-pool', 'mixed/process-pool',
      'blocking-io/sync-calls', 'blocking-io/async-api', 'blocking-io/offload-to-worker', 'fanout/sequential-awaits',
      'fanout/promise-all', 'fanout/slow-service-timeout', 'threadpool/default-pool', 'threadpool/bigger-pool',
      'cluster/one-process-per-core',
    ]) assert.ok(variants.includes(v), `missing sample ${v}; have ${variants.join(', ')}`);
    assert.ok(specs.some((s) => s.file.endsWith('.ts')), 'some samples are TypeScript');
  });

  it('reject malformed directives and lines that point at nothing', () => {
    const src = (...lines) => lines.join('\n');
    assert.throws(() => parseSampleHeader(src('// expect: slow-code @ 2', 'run();'), 'x.js'), /unknown finding kind/);
    assert.throws(() => parseSampleHeader(src('// expect: sync-io @ 2', ''), 'x.js'), /blank or a comment/);
    assert.throws(() => parseSampleHeader(src('// expect: sync-io @ 9', 'run();'), 'x.js'), /outside the file/);
    assert.throws(() => parseSampleHeader(src('// expect: nothing', '// expect: sync-io @ 3', 'run();'), 'x.js'), /both/);
    assert.throws(() => parseSampleHeader(src('run();'), 'x.js'), /no "\/\/ expect:"/);
    const spec = parseSampleHeader(src('// expect: sync-io @ 4', '// allow: info blocking-cpu', '// env: UV_THREADPOOL_SIZE=8', 'run();'), 'x.js');
    assert.deepEqual(spec.expects, [{ kind: 'sync-io', line: 4 }]);
    assert.deepEqual(spec.allowInfo, ['blocking-cpu']);
    assert.deepEqual(spec.env, { UV_THREADPOOL_SIZE: '8' });
  });

  it('are checked strictly against a report', () => {
    const spec = parseSampleHeader('// expect: sync-io @ 3\n// allow: info blocking-cpu\nrun();\n', '/s/x.js');
    const finding = (kind, line, severity = 'warning', file = '/s/x.js') => ({ kind, severity, location: { file, line, column: 1 }, laneId: 'l' });
    const check = (...findings) => checkFindings(spec, { findings });
    assert.equal(check(finding('sync-io', 3)).ok, true);
    assert.equal(check(finding('sync-io', 3), finding('blocking-cpu', 3, 'info')).ok, true, 'allowed info finding');
    assert.deepEqual(check(finding('sync-io', 4)).missing, ['sync-io @ 3'], 'wrong line');
    assert.equal(check(finding('sync-io', 3, 'warning', '/s/other.js')).ok, false, 'wrong file');
    assert.equal(check(finding('sync-io', 3), finding('blocking-cpu', 3)).ok, false, 'allowed kind but not info');
    assert.equal(check(finding('sync-io', 3), finding('await-in-loop', 9, 'info')).ok, false, 'info of a kind not allowed');
    assert.equal(check().ok, false, 'nothing found');
  });
});

describe('samples under the real CLI', () => {
  const rows = [];
  before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

  for (const spec of specs) {
    it(`${spec.variant}: ${spec.expectNothing ? 'nothing' : spec.expects.map((e) => `${e.kind} @ ${e.line}`).join(', ')}`, async () => {
      const run = await profileWithCli(spec);
      assert.ok(run.report, `no report (CLI exit ${run.code} ${run.signal ?? ''})\n${run.stderr}`);
      assert.equal(run.report.program.exitCode, 0, `the sample failed: ${run.report.program.error ?? ''}\n${run.stderr}`);
      assert.equal(run.code, 0, `CLI exit code\n${run.stderr}`);
      const row = rowFor(spec, run.report);
      if (lessonVariants.has(spec.variant)) row.plainWallMs = await timePlainRun(spec);
      rows.push(row);
      const check = checkFindings(spec, run.report);
      assert.ok(check.ok, [
        `findings do not match the header of ${spec.file}`,
        ...check.missing.map((m) => `  missing:    ${m}`),
        ...check.unexpected.map((u) => `  unexpected: ${u}`),
        `  all findings:\n    ${describeFindings(run.report)}`,
      ].join('\n'));
    });
  }

  it('measures the lessons (I/O Promise.all vs sequential, CPU pool vs sequential, CPU Promise.all vs sequential)', (t) => {
    const lessons = lessonRatios(rows);
    const table = `${formatTable(rows)}\n\n${formatLessons(lessons)}\n`;
    const out = join(tmpdir(), 'concurrency-lens-samples-matrix.txt');
    writeFileSync(out, `${formatTable(rows, true)}\n\n${formatLessons(lessons)}\n`);
    t.diagnostic(`matrix (also in ${out}):\n${table}`);
    process.stdout.write(`\n${table}\n`);
    const ratio = (name) => {
      const l = lessons.find((x) => x.name === name);
      assert.ok(l && l.ratio !== null, `lesson "${name}" has no ratio (did both samples run?)`);
      return l.ratio;
    };
    // The ratios are measurements, reported above and in samples/README.md: speed belongs in the
    // matrix and the benchmark, not in a test's pass/fail (it depends on what else the machine runs).
    for (const name of ['I/O: Promise.all vs sequential', 'CPU: worker pool (= cores) vs sequential', 'CPU: Promise.all vs sequential']) ratio(name);
  });

  after(() => { if (rows.length > 0 && rows.length < specs.length) process.stdout.write(`\n${formatTable(rows)}\n`); });
});
