// End to end: CLI contract (arguments, errors, exit codes, summary, HTML) and inspector security.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, basename } from 'node:path';
import {
  CLI, ROOT, profile, fixture, lineOf, reportOf, findingAt, printed,
} from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

describe('bad input', () => {
  it('a missing program file: clear error, non-zero exit, no stack trace', async () => {
    const missing = join(tmpdir(), `cl-no-such-${process.pid}.js`);
    const run = await profile([missing], { timeoutMs: 20_000 });
    assert.ok(!run.timedOut);
    assert.notEqual(run.code, 0);
    assert.ok(run.code !== null, `killed by ${run.signal}`);
    const out = run.stdout + run.stderr;
    assert.ok(out.includes(basename(missing)), `error should name the file:\n${out}`);
    assert.match(out, /not found|no such file|does not exist|cannot find/i);
    assert.doesNotMatch(out, /^\s+at .+:\d+:\d+\)?$/m, `stack trace dumped:\n${out}`);
  });
  it('an unknown option: usage error, non-zero exit, no stack trace', async () => {
    const run = await profile(['--no-such-option', fixture('args.js')], { timeoutMs: 20_000, json: false });
    assert.notEqual(run.code, 0);
    assert.doesNotMatch(run.stdout + run.stderr, /^\s+at .+:\d+:\d+\)?$/m);
  });
  it('a bad --duration value is rejected', async () => {
    const run = await profile([fixture('args.js'), '--duration', 'soon'], { timeoutMs: 20_000, json: false });
    assert.notEqual(run.code, 0);
    assert.doesNotMatch(run.stdout, /ARGS=/, 'the program should not run with invalid options');
  });
});

describe('report files (--json, --html, …)', () => {
  // A program that leaves a mark, so a test can tell whether it ran at all.
  const marking = (dir) => {
    const file = join(dir, 'marks.js');
    writeFileSync(file, `require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'ran'))}, 'yes');\n`);
    return file;
  };
  it('creates the missing folders of every output file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-out-'));
    const json = join(dir, 'a', 'b', 'r.json');
    const html = join(dir, 'c', 'r.html');
    const run = await profile(['--quiet', '--json', json, '--html', html, marking(dir)], { timeoutMs: 60_000, json: false });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(readFileSync(json, 'utf8')).program.exitCode, 0);
    assert.match(readFileSync(html, 'utf8'), /^<!doctype html>/i);
  });
  it('a folder given as the file, or a path through a file: usage error before the program runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-out-'));
    writeFileSync(join(dir, 'plain-file'), '');
    for (const [option, target, says] of [['--json', dir, /is a folder/], ['--html', join(dir, 'plain-file', 'r.html'), /is a file, not a folder/]]) {
      const run = await profile([option, target, marking(dir)], { timeoutMs: 20_000, json: false });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, says);
      assert.ok(run.stderr.includes(`${option} ${target}`), `the error names the option and path:\n${run.stderr}`);
      assert.ok(!existsSync(join(dir, 'ran')), 'the program must not run when its report cannot be written');
    }
  });
  it('a report that cannot be written where asked is saved in the temp folder: exit 73, nothing lost', async () => {
    // The program itself turns the output folder into a file while it runs.
    const dir = mkdtempSync(join(tmpdir(), 'cl-out-'));
    const outDir = join(dir, 'out');
    const program = join(dir, 'swap.js');
    writeFileSync(program, `const fs = require('node:fs');\nfs.rmSync(${JSON.stringify(outDir)}, { recursive: true, force: true });\nfs.writeFileSync(${JSON.stringify(outDir)}, 'not a folder');\n`);
    const run = await profile(['--quiet', '--json', join(outDir, 'r.json'), program], { timeoutMs: 60_000, json: false });
    assert.equal(run.code, 73, run.stderr);
    assert.match(run.stderr, /could not write --json .*r\.json/);
    const saved = /the report was saved to (\S+\.json) instead/.exec(run.stderr);
    assert.ok(saved, run.stderr);
    const report = JSON.parse(readFileSync(saved[1], 'utf8'));
    assert.equal(report.program.exitCode, 0);
    assert.ok(report.program.command.some((a) => a.endsWith('swap.js')));
  });
});

describe('program arguments and environment', () => {
  it('passes every argument after -- to the program verbatim', async () => {
    const args = ['--port', '0', 'hello world', '--json', 'x.json', '-p', '.', './src/../lib', '--'];
    const run = await profile([fixture('args.js')], { programArgs: args });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(printed(run.stdout, 'ARGS')), args);
    const report = reportOf(run);
    assert.ok(Array.isArray(report.program.command) && report.program.command.includes('hello world'), JSON.stringify(report.program.command));
    assert.equal(report.program.cwd, ROOT);
    // The summary's header shows the arguments as typed (a relative path is not rewritten, `.` not dropped).
    const header = run.stderr.split('\n').find((l) => l.startsWith('── Concurrency Lens ──'));
    assert.ok(header?.includes('hello world --json x.json -p . ./src/../lib --'), header);
  });
  it('keeps the user\'s own NODE_OPTIONS (a --title and a --require)', async () => {
    const preload = fixture('user-preload.js');
    const run = await profile([fixture('node-options.js')], { env: { NODE_OPTIONS: `--title=cl-user-title --require ${preload}` } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(printed(run.stdout, 'TITLE'), 'cl-user-title');
    assert.equal(printed(run.stdout, 'USER_PRELOADED'), 'true');
    reportOf(run);
  });
  it('profiles a whole command (`node file`), not only a file', async () => {
    const file = fixture('sequential-awaits.js');
    const run = await profile([process.execPath, file]);
    assert.equal(run.code, 0, run.stderr);
    const report = reportOf(run);
    findingAt(report, 'sequential-awaits', file, lineOf(file, 'seq-first'));
  });
  it('profiles node processes started through a shell (as npm scripts do)', async () => {
    const file = fixture('sequential-awaits.js');
    // Dash-led program arguments go after `--` (CLI usage): profile sh -- -c "node file".
    const run = await profile(['sh'], { programArgs: ['-c', `"${process.execPath}" "${file}"`] });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /dashboard abc/);
    const report = reportOf(run);
    findingAt(report, 'sequential-awaits', file, lineOf(file, 'seq-first'));
  });
});

describe('inspector security', () => {
  it('the program\'s inspector listens on 127.0.0.1 only', async () => {
    const run = await profile([fixture('inspector-url.js')]);
    assert.equal(run.code, 0, run.stderr);
    const url = printed(run.stdout, 'INSPECTOR_URL');
    assert.match(url ?? '', /^ws:\/\/127\.0\.0\.1:\d+\//, `inspector url ${url}`);
    assert.doesNotMatch(run.stdout, /0\.0\.0\.0/);
    reportOf(run);
  });
  it('filters the inspector\'s own banner from the program\'s stderr', async () => {
    const run = await profile([fixture('args.js')]);
    assert.doesNotMatch(run.stderr, /Debugger listening on|Debugger attached|Waiting for the debugger/);
  });
});

describe('what the user sees', () => {
  const state = {};
  before(async () => {
    state.file = fixture('sequential-awaits.js');
    state.run = await profile([state.file], { html: true });
  });
  it('stdout is the program\'s alone; the summary goes to stderr', () => {
    assert.ok(state.run.stdout.endsWith('cached 3\n'), `stdout should end with the program's last line:\n${state.run.stdout.slice(-500)}`);
    assert.doesNotMatch(state.run.stdout, /p99|peak RSS|findings/i);
    assert.match(state.run.stderr, /sequential/i);
  });
  it('the summary gives wall, CPU, RSS, lag and findings with file:line', () => {
    const all = state.run.stdout + state.run.stderr;
    assert.match(all, /wall/i);
    assert.match(all, /cpu/i);
    assert.match(all, /rss/i);
    assert.match(all, /lag/i);
    assert.match(all, /p99/i);
    const line = lineOf(state.file, 'seq-first');
    assert.ok(all.includes(`sequential-awaits.js:${line}`), `summary should point at sequential-awaits.js:${line}:\n${all}`);
    assert.match(all, /sequential/i);
  });
  it('the printed summary agrees with the report', () => {
    const all = state.run.stdout + state.run.stderr;
    const r = reportOf(state.run);
    const n = all.match(/findings \((\d+)\)/);
    assert.ok(n, `no "findings (N)" in the summary:\n${all.slice(-1500)}`);
    assert.equal(Number(n[1]), r.findings.length);
    const w = all.match(/wall ([\d.]+) (ms|s)\b/);
    assert.ok(w, 'no wall time in the summary');
    const wallMs = Number(w[1]) * (w[2] === 's' ? 1000 : 1);
    assert.ok(Math.abs(wallMs - r.program.wallMs) <= Math.max(15, r.program.wallMs * 0.02), `summary wall ${wallMs} vs report ${r.program.wallMs}`);
    for (const f of r.findings) assert.ok(all.includes(`:${f.location.line}`), `finding at line ${f.location.line} not in the summary`);
  });
  it('the report\'s program summary is consistent', () => {
    const p = reportOf(state.run).program;
    assert.equal(p.exitCode, 0);
    assert.equal(p.signal, null);
    assert.equal(p.stopReason, 'exit');
    assert.ok(p.wallMs >= 400 && p.wallMs < 10_000, `wallMs ${p.wallMs}: the program waits ~520 ms`);
    assert.ok(p.userCpuMs >= 0 && p.systemCpuMs >= 0);
    assert.ok(p.cpuPercent >= 0 && p.cpuPercent <= 100 * p.cores + 50, `cpuPercent ${p.cpuPercent}`);
    const cpu = (p.userCpuMs + p.systemCpuMs) / p.wallMs * 100;
    assert.ok(Math.abs(cpu - p.cpuPercent) <= Math.max(5, cpu * 0.2), `cpuPercent ${p.cpuPercent} vs (user+sys)/wall ${cpu}`);
    assert.ok(p.maxRssKb > 10_000 && p.maxRssKb < 2_000_000, `maxRssKb ${p.maxRssKb}`);
    assert.ok(Math.abs(p.startEpochMs - Date.now()) < 120_000, `startEpochMs ${p.startEpochMs}`);
  });
  it('metrics are in range', () => {
    const r = reportOf(state.run);
    const m = r.metrics;
    assert.ok(m.eventLoopUtilization >= 0 && m.eventLoopUtilization <= 1, `ELU ${m.eventLoopUtilization}`);
    assert.ok(m.eventLoopUtilization < 0.5, `ELU ${m.eventLoopUtilization}: the program mostly waits on timers`);
    assert.ok(m.cpuParallelism >= 0 && m.cpuParallelism < 0.9, `cpuParallelism ${m.cpuParallelism}`);
    assert.ok(Math.abs(m.cpuParallelism - r.program.cpuPercent / 100) < 0.05, `cpuParallelism ${m.cpuParallelism} vs cpuPercent ${r.program.cpuPercent}`);
    assert.ok(m.maxConcurrency >= 1 && m.meanConcurrency >= 0 && m.meanConcurrency <= m.maxConcurrency, `concurrency ${m.meanConcurrency}/${m.maxConcurrency}`);
  });
  it('writes a self-contained HTML report that lists the finding', () => {
    assert.ok(existsSync(state.run.htmlPath), 'no --html file');
    const html = readFileSync(state.run.htmlPath, 'utf8');
    assert.match(html, /<html/i);
    assert.match(html, /sequential-awaits/);
    assert.doesNotMatch(html, /<script[^>]+src=["']https?:/i, 'HTML must not load scripts from the network');
  });
});

describe('--sampling-interval', () => {
  it('is accepted and the profile still finds the hot fib line', async () => {
    const file = fixture('blocking-cpu.js');
    const run = await profile([file, '--sampling-interval', '200']);
    assert.equal(run.code, 0, run.stderr);
    const report = reportOf(run);
    const f = report.findings.find((x) => x.kind === 'blocking-cpu' && x.location.file === file);
    assert.ok(f && f.location.line >= lineOf(file, 'fib-start') && f.location.line <= lineOf(file, 'fib-end'), JSON.stringify(f?.location));
  });
});

describe('paths with spaces', () => {
  it('profiles a program in a directory whose name has spaces', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cl e2e dir ')));
    const file = join(dir, 'my app.js');
    writeFileSync(file, readFileSync(fixture('sequential-awaits.js')));
    const run = await profile([file]);
    assert.equal(run.code, 0, run.stderr);
    findingAt(reportOf(run), 'sequential-awaits', file, lineOf(file, 'seq-first'));
  });
});

describe('the bin', () => {
  it('package.json declares dist/cli.js as the concurrency-lens bin, and it runs as an executable', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(pkg.bin?.['concurrency-lens'], 'dist/cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'cl-bin-'));
    const json = join(dir, 'r.json');
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(CLI, ['profile', fixture('args.js'), '--json', json, '--', 'via-bin'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(printed(r.stdout, 'ARGS')), ['via-bin']);
    assert.equal(JSON.parse(readFileSync(json, 'utf8')).schemaVersion, 1);
  });
});

describe('paths and durations as users type them', () => {
  it('a program path relative to the cwd is reported as an absolute path', async () => {
    const file = fixture('sequential-awaits.js');
    const run = await profile(['cli/fixtures/sequential-awaits.js'], { cwd: ROOT });
    assert.equal(run.code, 0, run.stderr);
    findingAt(reportOf(run), 'sequential-awaits', file, lineOf(file, 'seq-first'));
  });
  it('--duration longer than the program: it ends by itself, stopReason exit, no waiting for the duration', async () => {
    const run = await profile([fixture('args.js'), '--duration', '30']);
    assert.equal(run.code, 0, run.stderr);
    const report = reportOf(run);
    assert.equal(report.program.stopReason, 'exit');
    assert.ok(run.wallMs < 15_000, `CLI took ${run.wallMs} ms for a program that exits at once`);
  });
});

describe('instrumentation does not change what programs do', () => {
  // Deterministic fixtures: their stdout under the CLI must be byte-identical to plain node
  // (the CLI's summary goes to stderr).
  for (const name of ['semantics.js', 'sequential-awaits.js', 'await-loops.js', 'fake-concurrency.js', 'aggregates.js', 'sequential.mjs']) {
    it(`${name}: same stdout as plain node`, async () => {
      const file = fixture(name);
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const plain = spawnSync(process.execPath, [file], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(plain.status, 0, plain.stderr);
      const run = await profile([file]);
      assert.equal(run.code, 0, run.stderr.slice(-1500));
      assert.equal(run.stdout, plain.stdout);
      reportOf(run);
    });
  }
});

describe('a program with a syntax error', () => {
  it('shows Node\'s SyntaxError with the file and line, exit code 1, report kept', async () => {
    const file = fixture('syntax-error.js');
    const run = await profile([file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /SyntaxError/);
    assert.ok(run.stderr.includes(`${file}:3`), `stderr should point at ${file}:3:\n${run.stderr.slice(-1500)}`);
    // Neither an error of ours nor a warning that the file went uninstrumented (the summary may
    // say how long instrumenting took: `lag … (leaves out N ms the profiler spent instrumenting …)`).
    assert.doesNotMatch(run.stderr, /internal error|not instrumented|could not instrument/i);
    assert.equal(reportOf(run).program.exitCode, 1);
  });
});
