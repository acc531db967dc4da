// End to end, on the Node that runs the suite: ES modules however the program loads them are
// instrumented. cli/nodeVersions.test.mjs covers what Node 22 and 24 do differently.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { CLI, profile, fixture, lineOf, reportOf, findingAt } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** The fixture run plain, then profiled, in its folder. */
function runBoth(name) {
  const state = { file: fixture(name) };
  before(async () => {
    state.plain = spawnSync(process.execPath, [state.file], { cwd: dirname(state.file), encoding: 'utf8', timeout: 60_000 });
    assert.equal(state.plain.status, 0, state.plain.stderr);
    state.run = await profile([state.file, '--quiet'], { cwd: dirname(state.file), timeoutMs: 120_000 });
  });
  return state;
}

function assertSameProgram(s) {
  assert.equal(s.run.code, 0, s.run.stderr.slice(-3000));
  assert.equal(s.run.stdout, s.plain.stdout);
  assert.equal(s.run.stderr, s.plain.stderr);
}

// Node passes Module.prototype._compile a third argument, the format; the probe's wrapper dropped
// it and instrumented the source as a script, which an ES module is not: it ran uninstrumented.
describe('require() of an ES module (require(esm))', () => {
  const s = runBoth('esm-worker/require-esm.cjs');
  it('runs as it does plain (Module.prototype._compile keeps its name and length)', () => assertSameProgram(s));
  it("flags the module's sequential awaits", () => {
    const file = fixture('esm-worker/lib.mjs');
    findingAt(reportOf(s.run), 'sequential-awaits', file, lineOf(file, 'lib-first'));
  });
});

// piscina's CommonJS worker require()s the task file first (import() only where that throws).
describe('a piscina pool whose task file is an ES module', () => {
  const s = runBoth('esm-in-thread/pool.cjs');
  it('runs as it does plain', () => assertSameProgram(s));
  it("flags the task's sequential awaits on a worker lane", () => {
    const report = reportOf(s.run);
    const file = fixture('esm-in-thread/task.mjs');
    const f = findingAt(report, 'sequential-awaits', file, lineOf(file, 'task-first'));
    assert.equal(report.lanes.find((l) => l.id === f.laneId)?.kind, 'worker');
  });
});
