// End to end: each worker thread's lane holds that thread's own CPU profile. The recorder keys a
// worker by its thread id (what its probe writes its records and exit announcement under), read from
// the title Node's inspector gives it, not by NodeWorker's workerId, an attach counter that differs
// from it whenever workers start out of order (a pool) or one never started. And a thread whose
// profile misses CPU its probe measured gets a warning saying so (analyzer/profileCoverage.ts).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as inspector from 'node:inspector';
import { CLI, runOnce, reportOf, fixture, findingAt, lineOf } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** Busy slices of a lane whose dominant user function is in `file`: [count, ms]. */
function slicesIn(report, laneId, file) {
  const { strings, sites, slices } = report.spans;
  const lane = report.lanes.findIndex((l) => l.id === laneId);
  let n = 0, ms = 0;
  for (let i = 0; i < slices.lane.length; i++) {
    const s = slices.site[i];
    if (slices.lane[i] !== lane || s < 0) continue;
    if (strings[sites.file[s]] === file) { n++; ms += slices.end[i] - slices.start[i]; }
  }
  return [n, ms];
}

describe('a worker started after one that was terminated before it ran (thread id 2, attached first)', () => {
  const s = runOnce('worker-after-terminated.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /worker 2 computed \d+/);
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  it("puts the worker's CPU samples on its own lane", () => {
    const report = reportOf(s.run);
    const lane = report.lanes.find((l) => l.kind === 'worker');
    assert.equal(lane?.threadId, 2, JSON.stringify(report.lanes.map((l) => [l.id, l.kind, l.busyMs])));
    const [n, ms] = slicesIn(report, lane.id, s.file);
    // 5e7 iterations: ~100 ms of CPU on an idle machine; its samples are the lane's, whatever the load.
    assert.ok(n > 0 && ms > 20, `worker lane ${lane.id}: ${n} busy slices (${ms.toFixed(1)} ms) in the fixture's code; busyMs ${lane.busyMs}; warnings ${report.warnings.join(' | ')}`);
  });
  it('warns of no CPU a profile misses', () => {
    const report = reportOf(s.run);
    assert.deepEqual(missWarnings(report), []);
  });
});

/**
 * Whether this Node's V8 ends a titled console profile on `console.profileEnd()` with no title (it
 * ends the one started last: Node 20 and 22), or only an untitled one (Node 24). Asked of V8 itself,
 * in this process (the profiled program runs on this Node too): an inspector session sees which
 * profile such a call ends.
 */
function untitledEndEndsTitled() {
  const session = new inspector.Session();
  session.connect();
  try {
    const ended = [];
    session.on('Profiler.consoleProfileFinished', (m) => ended.push(m.params.title));
    session.post('Profiler.enable');
    console.profile('workerLanes.test');
    console.profileEnd();
    const endedByUntitled = ended.includes('workerLanes.test');
    if (!endedByUntitled) console.profileEnd('workerLanes.test');
    return endedByUntitled;
  } finally {
    session.disconnect();
  }
}

/** A figure of a warning (`12.5 ms`, `1.02 s`) in ms. */
const inMs = (value, unit) => Number(value) * (unit === 's' ? 1000 : 1);

/** The warnings of threads whose CPU profile misses CPU their probe measured. */
const missWarnings = (report) => report.warnings.filter((w) => /its CPU profile misses/.test(w));

describe("a worker that ends the recorder's profile chunks (console.profileEnd() with no title)", () => {
  const s = runOnce('worker-ends-profiles.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /computed \d+/);
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  it('says which worker its profile misses CPU of, and how much (where V8 lets that call end it)', () => {
    const report = reportOf(s.run);
    const lane = report.lanes.find((l) => l.kind === 'worker');
    const warnings = missWarnings(report);
    if (!untitledEndEndsTitled()) {
      // Node 24's V8 ends only an untitled console profile: the recorder's chunks run on and the
      // worker's ~1 s of CPU is on its lane. (A warning may still say its profile misses CPU at a
      // seam, never the most of it that chunks ended by the program lose.)
      const [n, ms] = slicesIn(report, lane.id, s.file);
      assert.ok(n > 0 && ms > 300, `worker lane ${lane.id}: ${n} busy slices (${ms.toFixed(1)} ms) in the fixture's code; warnings ${warnings.join(' | ')}`);
      for (const w of warnings) {
        const [, missed, unit] = /misses at least ([\d.]+) (ms|s) of/.exec(w);
        assert.ok(inMs(missed, unit) < 300, w);
      }
      return;
    }
    assert.equal(warnings.length, 1, `warnings: ${report.warnings.join(' | ')}; lanes ${JSON.stringify(report.lanes.map((l) => [l.id, l.busyMs]))}`);
    assert.match(warnings[0], new RegExp(`^worker ${lane.threadId} · worker-ends-profiles\\.js of pid ${lane.pid}: its CPU profile misses at least `));
    // The worker computes ~1 s of CPU (on an idle machine); its first chunk is the recorder's own (not a console
    // profile), ~100 ms of wall time, longer on a loaded machine: the profile misses the rest, after it.
    const [, missed, unit, total, totalUnit] = /misses at least ([\d.]+) (ms|s) of the ([\d.]+) (ms|s)/.exec(warnings[0]);
    assert.ok(inMs(missed, unit) > 300 && inMs(missed, unit) <= inMs(total, totalUnit), warnings[0]);
  });
});

// A worker's entry point is known only as Node runs it (process.argv[1] is unset as its preloads
// run): an ES-module worker got no ES-module hooks, ran uninstrumented and was labelled `[eval]`.
describe('an ES-module worker (new Worker(new URL("./worker.js", import.meta.url)) under "type": "module")', () => {
  const s = runOnce('esm-worker/main.js');
  it('runs the program', () => {
    assert.equal(s.run.stdout, 'worker 3\n');
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  it("records the worker's awaits on its lane, labelled with its file", () => {
    const report = reportOf(s.run);
    const file = fixture('esm-worker/worker.js');
    const f = findingAt(report, 'sequential-awaits', file, lineOf(file, 'worker-first'));
    const lane = report.lanes.find((l) => l.id === f.laneId);
    assert.equal(lane?.kind, 'worker');
    assert.match(lane.label, /^worker \d+ · worker\.js$/);
  });
});
