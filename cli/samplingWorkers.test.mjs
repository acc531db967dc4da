// End to end: worker threads and the switch to coarser CPU sampling on a machine with ≤ 3 cores
// (recorder/launcher/samplingPolicy.ts, threadRecorder.ts). The switch needs a seam with no
// profile running; a worker's seam goes through its process's main thread and, under load, left
// ~200 ms unsampled and the code already running unattributed (a test's CPU block in a vitest
// worker was lost). So a worker is never switched mid-run, even when its own fs work keeps the
// pool busy, and a worker started after its process switched (the pool is the process's) is
// sampled at the coarser interval from its start, and the report says so.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, profile, fixture, reportOf, printed } from './fixtures/harness.mjs';
import { assertSampledCoarserAfter } from './fixtures/sampling.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const SMALL = availableParallelism() <= 3;
const file = fixture('pool-busy-workers.js');
const rawPath = join(mkdtempSync(join(tmpdir(), 'cl-sampling-workers-')), 'raw.json');
const state = {};
before(async () => { state.run = await profile([file], { env: { CONCURRENCY_LENS_RAW: rawPath }, timeoutMs: 180_000 }); });

/** Median gap between a thread's samples, µs. */
function medianInterval(thread) {
  const d = [...thread.profile.timeDeltas.slice(1)].sort((a, b) => a - b);
  return d[d.length >> 1];
}

describe(`an fs-heavy program with worker threads on this ${availableParallelism()}-core machine`, () => {
  it(SMALL
    ? 'switches its main thread mid-run, never a worker; a worker started after the switch is sampled every 2 ms from its start'
    : 'is sampled every 1 ms in every thread', () => {
    const report = reportOf(state.run);
    assert.equal(report.program.exitCode, 0, state.run.stderr);
    const raw = JSON.parse(readFileSync(rawPath, 'utf8'));
    const pid = report.program.mainPid;
    const thread = (tid) => raw.threads.find((t) => t.pid === pid && t.tid === tid);
    const main = thread(0);
    const early = thread(Number(printed(state.run.stdout, 'EARLY_TID')));
    const late = thread(Number(printed(state.run.stdout, 'LATE_TID')));
    for (const t of [main, early, late]) assert.ok(t?.profile, `a thread without a CPU profile: ${JSON.stringify(raw.threads.map((x) => [x.tid, !!x.profile]))}`);
    if (!SMALL) {
      assert.ok(raw.threads.every((t) => t.samplingChanges === undefined));
      return;
    }
    const switched = assertSampledCoarserAfter(main);
    // A worker's interval is set before it runs: a change at or before its profile's start, none later.
    for (const w of [early, late]) {
      for (const c of w.samplingChanges ?? []) assert.ok(c.fromHrUs <= w.profile.startTime, `worker ${w.tid} switched ${((c.fromHrUs - w.profile.startTime) / 1000).toFixed(0)} ms into its run`);
    }
    // The early worker's own fs work keeps the pool busy: before the change it was switched mid-run.
    // (On a crowded machine it may be attached after its process's switch, and then starts coarser.)
    assert.ok(late.profile.startTime > switched.fromHrUs, 'the late worker started before its process was switched (the churn lasts ≥ 1.5 s)');
    assert.equal(late.samplingChanges?.length, 1, 'the late worker does not say it is sampled every 2 ms');
    assert.equal(late.samplingChanges[0].intervalUs, 2000);
    assert.ok(medianInterval(late) >= 1800, `the late worker's median interval ${medianInterval(late)} µs`);
    const lateTid = late.tid;
    // Threads switched alike share one note ("sampled at 2 ms: 2 threads, pid … from … on, pid … worker … from … on").
    assert.ok(report.warnings.some((w) => w.startsWith('sampled at 2 ms: ') && w.includes(`pid ${pid} worker ${lateTid} from`)), report.warnings.join('\n'));
  });
});
