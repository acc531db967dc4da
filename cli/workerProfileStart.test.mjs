// A worker's CPU profile starts once Node has booted the worker, from its probe (not before
// Node's bootstrap, where V8 would log every function the bootstrap compiles: about half the
// profiler's start-up CPU per worker), and before the program's code: workers that end before
// the recorder's first profile rotation are still recorded in full.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, fixture, profile, reportOf } from './fixtures/harness.mjs';

describe('three quick workers, one after another', () => {
  const state = {};
  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} missing: npm run build`);
    state.rawPath = join(mkdtempSync(join(tmpdir(), 'cl-workerstart-')), 'raw.json');
    state.run = await profile([fixture('startup/quick-workers.js')], { env: { CONCURRENCY_LENS_RAW: state.rawPath } });
  });

  it('runs the program and says nothing is missing', () => {
    const report = reportOf(state.run);
    assert.equal(state.run.code, 0, state.run.stderr);
    assert.match(state.run.stdout, /workers done/);
    assert.deepEqual(report.warnings.filter((w) => /no CPU profile|ended abruptly/.test(w)), []);
  });

  it('has each worker\'s CPU profile from after its probe loaded, with its fib samples', () => {
    const raw = JSON.parse(readFileSync(state.rawPath, 'utf8'));
    const workers = raw.threads.filter((t) => t.tid > 0);
    assert.equal(workers.length, 3, `threads: ${raw.threads.map((t) => `${t.pid}-${t.tid}`).join(', ')}`);
    for (const w of workers) {
      const hello = w.records.find((r) => r.t === 'hello');
      assert.ok(w.profile, `worker ${w.tid} has no CPU profile`);
      // Profiles and the probe's anchor are both CLOCK_MONOTONIC µs.
      assert.ok(w.profile.startTime >= hello.hrAnchorUs, `worker ${w.tid}: profile started at ${w.profile.startTime}, ${hello.hrAnchorUs - w.profile.startTime} µs before its probe loaded`);
      const fib = new Set(w.profile.nodes.filter((n) => n.callFrame.functionName === 'fib').map((n) => n.id));
      const fibSamples = w.profile.samples.filter((s) => fib.has(s)).length;
      // ~40 ms of CPU at 1 ms sampling; a loaded machine delays samples, never removes all of them.
      assert.ok(fibSamples >= 5, `worker ${w.tid}: ${fibSamples} samples in fib of ${w.profile.samples.length}`);
    }
  });
});
