// The analyzer on runs far bigger than the small recordings: a busy server's 250,000 requests and
// a long run's 150,000 lag ticks. Built from a real recording (a node:http server that served 300
// requests under autocannon, analyzer/fixtures/server-300-requests.raw.json.gz) whose request rows
// and lag ticks are repeated. Math.max(...values) over such arrays overflowed the stack: the
// analysis crashed (exit 70) and the run's report was lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyze } from './analyze';
import { maxOf } from './stats';
import { REQUEST_FIELDS, type RawRun } from './raw';

const FIXTURE = join(__dirname, 'fixtures', 'server-300-requests.raw.json.gz');

/** The recording with its request rows repeated to `requests` and its lag ticks to `ticks`. */
function enlarged(requests: number, ticks: number): RawRun {
  const raw = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as RawRun;
  const main = raw.threads.find((t) => t.records.some((r) => r.t === 'chunk' && r.requests?.rows.length))!;
  const chunks = main.records.filter((r) => r.t === 'chunk') as Extract<RawRun['threads'][number]['records'][number], { t: 'chunk' }>[];
  const withRequests = chunks.find((c) => c.requests?.rows.length)!;
  const rows = withRequests.requests!.rows;
  const one = rows.slice(0, REQUEST_FIELDS);
  while (rows.length < requests * REQUEST_FIELDS) rows.push(...one);
  const withTicks = chunks.find((c) => c.ticks.length)!;
  const tick = withTicks.ticks.slice(0, 5);
  while (withTicks.ticks.length < ticks * 5) withTicks.ticks.push(...tick);
  return raw;
}

describe('the analyzer on a big run', () => {
  it('maxOf: the largest of 1,000,000 values (Math.max(...values) throws RangeError there)', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    assert.throws(() => Math.max(...values), RangeError);
    assert.equal(maxOf(values), values.reduce((a, b) => Math.max(a, b), -Infinity));
    assert.equal(maxOf([]), 0);
    assert.ok(Number.isNaN(maxOf([1, NaN, 3])));
  });
  it("a busy server's 250,000 requests and 150,000 lag ticks: a report, with the route's figures", () => {
    const report = analyze(enlarged(250_000, 150_000));
    const route = report.routes?.find((r) => r.kind === 'server');
    assert.ok(route, 'the route is reported');
    assert.ok(route.detailed >= 200_000, `detailed ${route.detailed}`);
    assert.ok(Number.isFinite(route.maxMs) && route.maxMs >= route.p99Ms, `max ${route.maxMs} p99 ${route.p99Ms}`);
    const main = report.lanes.find((l) => l.kind === 'main')!;
    assert.ok(main.lagMs && Number.isFinite(main.lagMs.max), 'lag max of the main lane');
  });
});
