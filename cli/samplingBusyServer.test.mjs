// End to end: a server answering a trivial route hundreds of times a second (autocannon,
// pipelined, loopback), on a machine with ≤ 3 cores, is CPU-sampled every 2 ms from then on, or
// every 4 ms when its thread was also saturated (wanted a CPU 80+ % of the time: on a 2-core
// machine with its load generator beside it, it is) (recorder/launcher/samplingPolicy.ts,
// BusyServer, SaturatedServer); the report says so and why, every request is
// still counted, and a 300 ms CPU block after the switch (process CPU time, the same work on an
// idle or a loaded machine) is still found on its line at its length. On a larger machine nothing
// changes, and the report says nothing.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, reportOf, profile, fixture, printed } from './fixtures/harness.mjs';
import { assertSampledCoarserAfter, assertCrunchFound, mainThreadSampling } from './fixtures/sampling.mjs';
import { underLoad } from './fixtures/underLoad.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const SMALL = availableParallelism() <= 3;
const AMOUNT = 20_000;
const rawPath = join(mkdtempSync(join(tmpdir(), 'cl-busy-server-')), 'raw.json');

describe(`a busy server on this ${availableParallelism()}-core machine`, () => {
  // 20 connections × 10 pipelined requests: hundreds to thousands of requests a second even on a crowded 2-core machine.
  const s = underLoad('servers/busy-then-block.js', { requests: [{ method: 'GET', path: '/' }], amount: AMOUNT, connections: 20, pipelining: 10, env: { CONCURRENCY_LENS_RAW: rawPath } });

  it('counts every response it finished', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(s.load.errors + s.load.timeouts, 0, 'autocannon got every response');
    const route = report.routes.find((r) => r.kind === 'server' && r.route === '/');
    // Every response autocannon received finished; requests still pipelined on a connection when
    // /quit closed them all were handled (served counts them) but their responses never finished.
    assert.ok(route && route.count >= s.load['2xx'] && route.count <= s.served.served, `${route?.count} counted, ${s.load['2xx']} received, ${s.served.served} handled`);
    assert.ok(s.load['2xx'] >= AMOUNT * 0.9, `${s.load['2xx']} received of ${AMOUNT} sent`);
  });

  it(SMALL ? 'is sampled every 4 ms once it served 500+ requests a second saturated (else 2 ms), and the report says so and why' : 'is sampled every 1 ms throughout, and the report says nothing of it', () => {
    const report = reportOf(s.run);
    const sampled = mainThreadSampling(report, rawPath, SMALL, [2, 4]);
    if (!sampled) return;
    const { main, note } = sampled;
    const ms = report.program.samplingIntervalMs;
    // The interval says which judgement fired, and the note says the same.
    const why = ms === 4 ? 'it served 500\\+ HTTP requests a second and wanted a CPU 80\\+ % of the time on a \\d-core machine' : 'it served 500\\+ HTTP requests a second on a \\d-core machine';
    assert.match(note, new RegExp(`^sampled at ${ms} ms: pid ${report.program.mainPid} from [\\d.]+ s on \\(${why}, where`));
    assert.match(note, /requests' own CPU and queued time are estimated from sparser samples from then on$/);
    assert.match(note, /; the switch, made at its event loop so that code running then stays attributed, held the loop [\d.]+ ms;/);
    assertSampledCoarserAfter(main, ms * 1000);
  });

  it('the 300 ms CPU block after the load is one blocking-cpu finding on its hot line, at its length', () => {
    assertCrunchFound(reportOf(s.run), s.run.stdout);
  });
});

// A burst of requests can end before the switch it called for is made (the judgement needs a
// window of the load, the switch waits for the next rotation): then every request was sampled at
// the base interval, and the note must not say otherwise. On a slow machine the switch comes
// during the burst, and the note must say the requests after it are sparser. A judgement whose
// window ended idle (no request since the last seam) makes no switch: on a fast machine there may
// be none. Which it was is read from the raw recording against the program's own clock.
describe(`a burst of requests, then an idle server, on this ${availableParallelism()}-core machine`, () => {
  const burstRaw = join(mkdtempSync(join(tmpdir(), 'cl-burst-')), 'raw.json');
  let run;
  before(async () => { run = await profile([fixture('servers/burst-then-idle.js')], { env: { CONCURRENCY_LENS_RAW: burstRaw } }); });

  it('says whether any request began after its sampling changed, as the program saw it', () => {
    const report = reportOf(run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(printed(run.stdout, 'SERVED'), '1500');
    const raw = JSON.parse(readFileSync(burstRaw, 'utf8'));
    const main = raw.threads.find((t) => t.pid === report.program.mainPid && t.tid === 0);
    const notes = report.warnings.filter((w) => w.startsWith('sampled at'));
    if (!SMALL || !main.samplingChanges) {
      assert.equal(main.samplingChanges, undefined);
      assert.deepEqual(notes, []);
      return;
    }
    assert.equal(notes.length, 1, report.warnings.join('\n'));
    const lastUs = Number(printed(run.stdout, 'LAST_REQUEST_US'));
    const [change] = main.samplingChanges;
    if (lastUs < change.fromHrUs) {
      assert.match(notes[0], /; no HTTP request began after it, so requests' own CPU and queued time were sampled at 1 ms$/);
    } else {
      assert.match(notes[0], /; requests' own CPU and queued time are estimated from sparser samples from then on$/);
    }
  });
});
