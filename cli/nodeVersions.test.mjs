// End to end under Node 22 and 24 (installed into .tools/node/ by scripts/setup-node-versions.sh),
// where the probe takes paths Node 20 has no use for:
// - module.registerHooks (22.22.3+, 24.11.1+): our ES-module hooks run in each thread itself, with
//   no hooks thread; every thread gets them, so an ES module a CommonJS thread import()s (a
//   piscina task file) is instrumented too;
// - Node's own type stripping (22.18+): the probe instruments what it makes of an ES module's
//   TypeScript (kept across runs), in the thread;
// - tsx 4.23+'s own synchronous hooks, which the probe follows.
// Each program must print what it prints plain under the same Node, exit 0, and get its planted
// findings at the right lines.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { CLI, ROOT, profile, fixture, lineOf, reportOf, findingAt, describeFindings } from './fixtures/harness.mjs';

const NODES = [['22', '22.23.5'], ['24', '24.22.3']];

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

for (const [major, version] of NODES) {
  const node = join(ROOT, '.tools/node', major, 'bin/node');
  const env = { PATH: `${dirname(node)}:${process.env.PATH}` };

  /**
   * The command run plain under this Node, and profiled by the CLI under it, in `cwd`. `plainFlags`:
   * Node flags of the plain run only (`--import tsx`, where Node alone cannot run the program).
   */
  function runBoth(command, cwd, plainFlags = []) {
    const state = {};
    before(async () => {
      assert.ok(existsSync(node), `${node} missing: run \`bash scripts/setup.sh\` (or scripts/setup-node-versions.sh)`);
      const [file, ...args] = command[0] === 'npx' ? command : [node, ...plainFlags, ...command];
      const plain = spawnSync(file, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
      assert.equal(plain.status, 0, `plain run of ${command.join(' ')} under Node ${version} failed:\n${plain.stderr}`);
      state.plain = plain;
      state.run = await profile([...command, '--quiet'], { node, cwd, timeoutMs: 120_000 });
    });
    return state;
  }

  function assertSameProgram(s) {
    assert.equal(s.run.code, 0, `exit code ${s.run.code}\nstderr:\n${s.run.stderr.slice(-3000)}`);
    assert.equal(s.run.stdout, s.plain.stdout, 'stdout differs from the plain run');
    assert.equal(s.run.stderr, s.plain.stderr, 'stderr differs from the plain run');
    const report = reportOf(s.run);
    assert.equal(report.program.nodeVersion, `v${version}`);
    assert.ok(!report.warnings.some((w) => /not instrumented/.test(w)), report.warnings.join('\n'));
    return report;
  }

  /** The finding at `mark` of `name`, on a lane whose label names `script`. */
  function findingOn(report, kind, name, mark, script) {
    const file = fixture(name);
    const f = findingAt(report, kind, file, lineOf(file, mark));
    const lane = report.lanes.find((l) => l.id === f.laneId);
    assert.ok(lane?.label.endsWith(` · ${script}`), `finding on lane ${lane?.label}, expected one running ${script}: ${describeFindings(report)}`);
    return { f, lane };
  }

  describe(`Node ${version}: a JavaScript ES-module program with a .mts, a .cjs and an ES-module worker`, () => {
    const s = runBoth([fixture('esm-in-thread/main.js')], dirname(fixture('esm-in-thread/main.js')));
    it('runs as it does plain and exits 0', () => assertSameProgram(s));
    it('instruments each kind of module, in both threads', () => {
      const report = reportOf(s.run);
      findingOn(report, 'sequential-awaits', 'esm-in-thread/main.js', 'first', 'main.js');
      findingOn(report, 'await-in-loop', 'esm-in-thread/prices.mts', 'mts-loop', 'main.js');
      findingOn(report, 'await-in-loop', 'esm-in-thread/tally.cjs', 'cjs-loop', 'main.js');
      const { lane } = findingOn(report, 'sequential-awaits', 'esm-worker/worker.js', 'worker-first', 'worker.js');
      assert.equal(lane.kind, 'worker');
    });
  });

  describe(`Node ${version}: a piscina pool whose task file is an ES module (import()ed by piscina's CommonJS worker)`, () => {
    const s = runBoth([fixture('esm-in-thread/pool.cjs')], dirname(fixture('esm-in-thread/pool.cjs')));
    it('runs as it does plain and exits 0', () => assertSameProgram(s));
    it("flags the task's sequential awaits on a worker lane", () => {
      const { lane } = findingOn(reportOf(s.run), 'sequential-awaits', 'esm-in-thread/task.mjs', 'task-first', 'worker.js');
      assert.equal(lane.kind, 'worker');
    });
  });

  describe(`Node ${version}: a TypeScript ES-module entry Node runs by itself (type stripping)`, () => {
    const s = runBoth([fixture('esm-in-thread/entry.mts')], dirname(fixture('esm-in-thread/entry.mts')));
    it('runs as it does plain and exits 0', () => assertSameProgram(s));
    it('flags the findings at the .mts lines', () => {
      const report = reportOf(s.run);
      findingOn(report, 'sequential-awaits', 'esm-in-thread/entry.mts', 'entry-first', 'entry.mts');
      findingOn(report, 'await-in-loop', 'esm-in-thread/prices.mts', 'mts-loop', 'entry.mts');
    });
  });

  describe(`Node ${version}: \`node main.ts\` of an ES-module project (./x.js imports of .ts files: Node alone cannot run it)`, () => {
    const entry = fixture('ts/nodenext-esm/main.ts');
    const s = runBoth([entry], dirname(entry), ['--import', 'tsx']);
    it('runs as under tsx and exits 0', () => assertSameProgram(s));
    it('locates the findings on the .ts lines and columns', () => {
      const report = reportOf(s.run);
      const routes = fixture('ts/nodenext-esm/routes.ts');
      const { f } = findingOn(report, 'sequential-awaits', 'ts/nodenext-esm/routes.ts', 'esm-first', 'main.ts');
      const line = readFileSync(routes, 'utf8').split('\n')[f.location.line - 1];
      assert.equal(line.slice(f.location.column - 1).split('(')[0], 'await fetchUser', `column ${f.location.column} of: ${line}`);
      findingOn(report, 'await-in-loop', 'ts/nodenext-esm/prices.mts', 'mts-loop', 'main.ts');
    });
  });

  describe(`Node ${version}: a JavaScript CommonJS entry that requires TypeScript with tsconfig \`paths\` imports`, () => {
    const entry = fixture('ts/paths-cjs/via-require.js');
    // Plain, Node's type stripping has no `paths`: the reference is tsx's run.
    const s = runBoth([entry], dirname(entry), ['--import', 'tsx']);
    it('runs as under tsx and exits 0', () => assertSameProgram(s));
    it('flags the sequential awaits of the aliased imports at the .ts line', () => {
      findingOn(reportOf(s.run), 'sequential-awaits', 'ts/paths-cjs/main.ts', 'paths-cjs-first', 'via-require.js');
    });
  });

  describe(`Node ${version}: CommonJS code that import()s node:inspector and opens it (the probe's in-thread hooks see the import)`, () => {
    // On Node 20 only the source of the user's CommonJS file tells (README, Limits: a dependency's is not looked at).
    const entry = fixture('runners/inspector/opens-inspector-import.js');
    const s = runBoth([entry], dirname(entry));
    it('runs as it does plain: inspector.open() does not throw', () => {
      assert.equal(s.run.code, 0, s.run.stderr);
      assert.equal(s.run.stdout, s.plain.stdout);
      assert.equal(s.run.stdout, 'inspector open: true\nloaded ab\ninspector closed\n');
    });
    it('is recorded in full', () => {
      const report = reportOf(s.run);
      assert.ok(!report.warnings.some((w) => /no CPU profile|could not attach/.test(w)), JSON.stringify(report.warnings));
      findingAt(report, 'sequential-awaits', fixture('runners/inspector/load-both.js'), lineOf(fixture('runners/inspector/load-both.js'), 'seq'));
    });
  });

  describe(`Node ${version}: \`npx tsx main.ts\` (tsx's own synchronous hooks), an ES-module project`, () => {
    const entry = fixture('ts/nodenext-esm/main.ts');
    // From the repository root, so npx finds the installed tsx (and never the network).
    const s = runBoth(['npx', '--no-install', 'tsx', relative(ROOT, entry)], ROOT);
    it('runs as it does plain and exits 0', () => assertSameProgram(s));
    it('locates the findings on the .ts lines', () => {
      const report = reportOf(s.run);
      findingOn(report, 'sequential-awaits', 'ts/nodenext-esm/routes.ts', 'esm-first', basename(entry));
      findingOn(report, 'await-in-loop', 'ts/nodenext-esm/prices.mts', 'mts-loop', basename(entry));
    });
  });
}
