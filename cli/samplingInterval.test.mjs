// End to end: a program whose fs work keeps libuv's thread pool busy, on a machine with ≤ 3 cores,
// is CPU-sampled every 2 ms from early in its run on (recorder/launcher/samplingPolicy.ts); the
// report says so, and a CPU block after the switch is still found on its line at its length. On
// a larger machine nothing changes, and the report says nothing. The block is 300 ms of CPU time
// (process.cpuUsage), the same work on an idle or a loaded machine. An interval the user chose is kept.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, profile, fixture, reportOf, printed } from './fixtures/harness.mjs';
import { assertSampledCoarserAfter, assertCrunchFound, mainThreadSampling } from './fixtures/sampling.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const SMALL = availableParallelism() <= 3;
const file = fixture('pool-busy-then-block.js');
const rawPath = join(mkdtempSync(join(tmpdir(), 'cl-sampling-')), 'raw.json');
const state = {};
before(async () => { state.run = await profile([file], { env: { CONCURRENCY_LENS_RAW: rawPath }, timeoutMs: 180_000 }); });

describe(`an fs-heavy program on this ${availableParallelism()}-core machine`, () => {
  it(SMALL ? 'is sampled every 2 ms from the first second on, and the report says so' : 'is sampled every 1 ms throughout, and the report says nothing of it', () => {
    const report = reportOf(state.run);
    assert.equal(report.program.exitCode, 0);
    const sampled = mainThreadSampling(report, rawPath, SMALL);
    if (!sampled) return;
    const { main, note, raw } = sampled;
    assert.match(note, new RegExp(`^sampled at 2 ms: pid ${report.program.mainPid} from [\\d.]+ s on \\(its fs/dns work kept libuv's thread pool busy`));
    // Made at the loop (code running then stays attributed): the loop was held for it, and the note says how long.
    assert.match(note, /; the switch, made at its event loop so that code running then stays attributed, held the loop [\d.]+ ms$/);
    const change = assertSampledCoarserAfter(main);
    // The switch came while the churn ran (it lasts ≥ 1.5 s), not at its end.
    assert.ok(change.fromHrUs < raw.endHrUs - 500_000, `switched ${((raw.endHrUs - change.fromHrUs) / 1000).toFixed(0)} ms before the end`);
  });

  it('the 300 ms CPU block after the switch is one blocking-cpu finding on its hot line, at its length', () => {
    // Findings in crunch() only: on a crowded machine the first fs call can wait for libuv's pool
    // threads to start (the loop does not turn meanwhile), which the samples read as a block at
    // that call (a limit the README states); this test is about the block after the switch.
    assertCrunchFound(reportOf(state.run), state.run.stdout);
  });
});

describe('the same program with an interval the user chose (--sampling-interval 1500)', () => {
  const chosen = {};
  const chosenRaw = join(mkdtempSync(join(tmpdir(), 'cl-sampling-')), 'raw.json');
  before(async () => { chosen.run = await profile(['--sampling-interval', '1500', file], { env: { CONCURRENCY_LENS_RAW: chosenRaw }, timeoutMs: 180_000 }); });
  it('is sampled at that interval throughout, and the report says nothing of it', () => {
    const report = reportOf(chosen.run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(report.program.samplingIntervalMs, undefined);
    assert.deepEqual(report.warnings.filter((w) => w.startsWith('sampled at')), []);
    const raw = JSON.parse(readFileSync(chosenRaw, 'utf8'));
    assert.ok(raw.threads.every((t) => t.samplingChanges === undefined));
  });
});

describe('CPU blocks while the pool is busy: the switch is made between them, at the loop', () => {
  const s = {};
  const blocksRaw = join(mkdtempSync(join(tmpdir(), 'cl-sampling-')), 'raw.json');
  const BLOCKS = fixture('pool-busy-across-blocks.js');
  before(async () => { s.run = await profile([BLOCKS], { env: { CONCURRENCY_LENS_RAW: blocksRaw }, timeoutMs: 180_000 }); });

  it('keeps every block\'s samples on the block (none left unattributed by a restarted profiler)', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0, s.run.stderr);
    const blocks = JSON.parse(printed(s.run.stdout, 'BLOCKS'));
    assert.equal(blocks.length, 16);
    const raw = JSON.parse(readFileSync(blocksRaw, 'utf8'));
    const main = raw.threads.find((t) => t.pid === report.program.mainPid && t.tid === 0);
    if (SMALL) {
      // The switch came while the blocks ran (they hold the loop 88 % of the time), between two of them.
      const change = assertSampledCoarserAfter(main);
      assert.ok(change.fromHrUs > blocks[0][0] && change.fromHrUs < blocks[15][1], `switched at ${change.fromHrUs}, blocks ${blocks[0][0]}–${blocks[15][1]}`);
      const inside = blocks.findIndex(([a, b]) => change.fromHrUs > a && change.fromHrUs < b);
      assert.equal(inside, -1, `switched inside block ${inside}`);
    }
    // Each block's samples (a margin of 5 ms at each end) are in its function (cl-block-<i>.js),
    // bar the garbage collector's and the probe's (the recorder's commands interrupt the block):
    // not `(program)`.
    const { stacks } = sampleStacks(main.profile);
    for (const [i, [a, b]] of blocks.entries()) {
      const within = stacks.filter((x) => x.t > a + 5000 && x.t < b - 5000 && x.top !== '(garbage collector)' && !x.urls[0].endsWith('/probe.js'));
      assert.ok(within.length >= 5, `block ${i}: ${within.length} samples`);
      const elsewhere = within.filter((x) => x.urls[0] !== `cl-block-${i}.js`);
      assert.ok(elsewhere.length <= within.length * 0.1, `block ${i}: ${elsewhere.length} of ${within.length} samples outside it: ${[...new Set(elsewhere.map((x) => x.top))].join(', ')}`);
    }
  });
});

/** Each sample of a CPU profile: its time (the profile's clock, µs), its top function and the script of every frame on its stack. */
function sampleStacks(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const frames = [];
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) frames.push(byId.get(id).callFrame);
    stacks.push({ t, top: frames[0].functionName, urls: frames.map((f) => f.url) });
  }
  return { stacks };
}
