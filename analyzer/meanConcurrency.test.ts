// The mean concurrency of a recorded server: cli/fixtures/load/io-route.js (Express 5) served 400
// GET /item under autocannon over 8 connections, each request awaiting two timers in turn (one
// await pending at a time, inside its request), on a slow 2-core machine
// (analyzer/fixtures/io-route-8-connections.raw.json.gz, CONCURRENCY_LENS_RAW). A request waiting
// on its handler's await is one operation: the mean × the wall time is the requests' own time.
// Its busy loop ticked ~once per 30 ms, and matched bucket by bucket with the requests the ticks'
// awaits read 1.26× it (the same test under load in cli/serversLoad.test.mjs failed at 1.35×).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyze } from './analyze';
import type { RawRun } from './raw';

const raw = JSON.parse(gunzipSync(readFileSync(join(__dirname, 'fixtures', 'io-route-8-connections.raw.json.gz'))).toString('utf8')) as RawRun;

describe("a server's mean concurrency, recorded: 400 requests over 8 connections, one await pending at a time in each", () => {
  const report = analyze(raw);
  const q = report.spans.requests!;
  let handled = 0, served = 0;
  for (let i = 0; i < q.lane.length; i++) if (q.kind[i] === 0) { handled += q.end[i] - q.start[i]; served++; }

  it('counts each request once, its awaits within it: the mean × the wall is its requests\' time (±10 %)', () => {
    assert.ok(served >= 400, `${served} requests`);
    const counted = report.metrics.meanConcurrency * report.program.wallMs;
    assert.ok(counted >= 0.9 * handled && counted <= 1.1 * handled, `mean ${report.metrics.meanConcurrency} over ${report.program.wallMs} ms: ${counted.toFixed(0)} ms counted, the requests took ${handled.toFixed(0)} ms`);
  });
  it('never reads more than the 8 connections in flight', () => {
    assert.ok(report.metrics.maxConcurrency <= 8, `max ${report.metrics.maxConcurrency}`);
    assert.ok(Math.max(...report.spans.series.concurrency) <= 8);
  });
});
