// The CLI's start-up: it starts the program before it loads what only the end of the run needs
// (the CDP client's network stack, the analyzer's report writers), so their loading overlaps the
// program's own start; the commands it loads on demand still work.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, FIXTURES, fixture, profile, reportOf } from './fixtures/harness.mjs';

const env = () => { const e = { ...process.env }; delete e.NODE_TEST_CONTEXT; delete e.NODE_OPTIONS; return e; };

describe('profile starts the program first', () => {
  it('has loaded none of https, tls, zlib, crypto when it spawns the program; zlib and crypto by its exit, https and tls never', () => {
    assert.ok(existsSync(CLI), `${CLI} missing: npm run build`);
    const dir = mkdtempSync(join(tmpdir(), 'cl-startup-'));
    const out = join(dir, 'builtins.json');
    const r = spawnSync(process.execPath, ['-r', join(FIXTURES, 'startup/builtinsAtSpawn.cjs'), CLI, 'profile', fixture('exit3.js'), '--json', join(dir, 'report.json'), '--html', join(dir, 'report.html'), '--quiet'],
      { cwd: ROOT, env: { ...env(), BUILTINS_AT_SPAWN: out }, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 3, `exit ${r.status ?? r.signal}\n${r.stderr}`); // the program's own exit code
    const { atSpawn, atExit } = JSON.parse(readFileSync(out, 'utf8'));
    assert.ok(atSpawn, 'the CLI never spawned the program');
    for (const m of ['https', 'tls', 'zlib', 'crypto']) assert.ok(!atSpawn.includes(m), `${m} was loaded before the program was spawned`);
    for (const m of ['zlib', 'crypto']) assert.ok(atExit.includes(m), `${m} was never loaded: the test no longer shows the order`);
    // The CDP client's modules load https and tls only on first use: never, for a ws:// inspector on loopback (scripts/build.mjs).
    for (const m of ['https', 'tls']) assert.ok(!atExit.includes(m), `${m} was loaded: the CLI's bundle loads it eagerly again`);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    assert.equal(report.program.exitCode, 3);
    assert.ok(existsSync(join(dir, 'report.html')));
  });
});

describe('the bundles read Node\'s built-ins as the module objects', () => {
  // esbuild's CommonJS output wraps a namespace import of a built-in in a helper that copies the
  // module, a getter per export (`__toESM(require("node:fs"))`, renamed when minified); our own
  // sources' imports are bundled as `require("node:fs")` itself (scripts/build.mjs): the CLI made
  // 37 such copies before it spawned the program, and the probe one per source file in every thread.
  it('wraps no require of a built-in in dist/cli.js, dist/cliMain.js, dist/cliDeferred.js, dist/probe.js, dist/probeLoader.js, dist/instrumenter.js', () => {
    for (const file of ['cli.js', 'cliMain.js', 'cliDeferred.js', 'probe.js', 'probeLoader.js', 'instrumenter.js']) {
      const text = readFileSync(join(ROOT, 'dist', file), 'utf8');
      assert.ok(/require\("node:fs"\)/.test(text), `${file} does not require node:fs: the test no longer reads what it checks`);
      const wrapped = text.match(/[A-Za-z_$][\w$]*\(require\("node:[\w/]+"\)/g) ?? [];
      assert.deepEqual(wrapped, [], `${file} copies built-in modules`);
    }
  });
});

describe('the probe loads no built-in the program would not', () => {
  it('a program and a worker that never load child_process nor perf_hooks, nor open a directory: profiled, none of them is loaded for them (as in a plain run)', async () => {
    const program = fixture('startup/builtinsNotLoaded.js');
    const plain = spawnSync(process.execPath, [program], { encoding: 'utf8', env: env() });
    assert.match(plain.stdout, /^loaded: main \[\], worker \[\]$/m, plain.stderr);
    // The first run may instrument the fixture (a cold instrument cache: the instrumenter's bundle
    // loads, and names the calls it looks for without loading their modules: recorder/probe/ioNames.ts);
    // the second runs it from the cache, as every run after a file's first does. Both hold.
    for (const run of [await profile([program]), await profile([program])]) {
      reportOf(run);
      assert.match(run.stdout, /^loaded: main \[\], worker \[\]$/m, run.stderr.slice(-2000));
    }
  });
});

describe('non-ASCII text from the program arrives intact', () => {
  it("keeps a hot function's non-ASCII name in the exported CPU profile", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-startup-'));
    const cpuprofile = join(dir, 'main.cpuprofile');
    const run = await profile([fixture('unicode-names.js'), '--cpuprofile', cpuprofile]);
    reportOf(run);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ñandú true/);
    const names = new Set(JSON.parse(readFileSync(cpuprofile, 'utf8')).nodes.map((n) => n.callFrame.functionName));
    assert.ok(names.has('ñandúCálculo'), `function names: ${[...names].join(', ')}`);
  });
});

describe('commands loaded on demand', () => {
  const cli = (...args) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 60_000 });
  it('--help prints every command and option, exit 0; so does each command\'s --help (-h), before the program', () => {
    for (const args of [['--help'], ['profile', '--help'], ['profile', '--json', 'r.json', '-h', 'app.js'], ['attach', '--help'], ['compare', 'a.json', '-h'], ['matrix', '--help']]) {
      const r = cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.equal(r.stderr, '', args.join(' '));
      for (const text of ['concurrency-lens profile', 'Profile options:', '--html FILE', 'Attach options', 'concurrency-lens compare', '--fail-on KIND']) assert.ok(r.stdout.includes(text), `${args.join(' ')}: no '${text}' in:\n${r.stdout}`);
    }
  });
  it("a --help after the program's name is the program's", () => {
    const script = join(mkdtempSync(join(tmpdir(), 'cl-help-')), 'args.js');
    writeFileSync(script, 'console.log(process.argv.slice(2).join(" "))');
    const r = cli('profile', '--quiet', script, '--help', '-h');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '--help -h\n');
  });
  it('an unknown command or option prints the usage, exit 2', () => {
    for (const args of [['bogus'], ['profile', '--bogus', 'x.js']]) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, /^concurrency-lens: .*\n\nUsage:\n {2}concurrency-lens profile/, r.stderr);
    }
  });
  it('compare and attach run their own code (bad input: their own errors, exit 2)', () => {
    const c = cli('compare', 'missing-before.json');
    assert.equal(c.status, 2, c.stderr);
    assert.match(c.stderr, /compare/);
    const a = cli('attach', 'not-a-target');
    assert.equal(a.status, 2, a.stderr);
    assert.match(a.stderr, /concurrency-lens: /);
  });
});
