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
import { analyze, analyzeHandedOver } from './analyze';
import { maxOf } from './stats';
import { REQUEST_FIELDS, SPAN, SPAN_KIND, type RawRun, type RawSite } from './raw';

const FIXTURE = join(__dirname, 'fixtures', 'server-300-requests.raw.json.gz');

/** The recording with its request rows repeated to `requests` and its lag ticks to `ticks`. */
function enlarged(requests: number, ticks: number): RawRun {
  const raw = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as RawRun;
  const main = raw.threads.find((t) => t.records.some((r) => r.t === 'chunk' && r.requests?.rows.length))!;
  const chunks = main.records.filter((r) => r.t === 'chunk') as Extract<RawRun['threads'][number]['records'][number], { t: 'chunk' }>[];
  const withRequests = chunks.find((c) => c.requests?.rows.length)!;
  const rows = withRequests.requests!.rows as number[]; // JSON: an array
  const one = rows.slice(0, REQUEST_FIELDS);
  while (rows.length < requests * REQUEST_FIELDS) rows.push(...one);
  const withTicks = chunks.find((c) => c.ticks.length)!;
  const tick = withTicks.ticks.slice(0, 5);
  while (withTicks.ticks.length < ticks * 5) withTicks.ticks.push(...tick);
  return raw;
}

/**
 * `enlarged`, its chunks' request rows as the recorder reads them from a thread's `.requests` file
 * (threadLogs.ts): one Float64Array, each chunk's rows the part of it after the chunk before's.
 */
function enlargedFromFile(requests: number): RawRun {
  const raw = enlarged(requests, 0);
  for (const t of raw.threads) {
    const chunks = t.records.flatMap((r) => (r.t === 'chunk' && r.requests ? [r.requests] : []));
    const file = Float64Array.from(chunks.flatMap((c) => Array.from(c.rows)));
    let at = 0;
    for (const c of chunks) { const n = c.rows.length; c.rows = file.subarray(at, at + n); at += n; }
  }
  return raw;
}

describe('the analyzer on a big run', () => {
  it("a server's request rows handed over (analyzeHandedOver) are put on the report's clock where they are, with analyze()'s report", () => {
    const raw = enlargedFromFile(20_000);
    const rows = raw.threads.flatMap((t) => t.records.flatMap((r) => (r.t === 'chunk' && r.requests?.rows.length ? [r.requests.rows as Float64Array] : [])));
    assert.ok(rows.length > 0 && rows.every((r) => r instanceof Float64Array), 'rows from a file');
    const probeClock = rows.map((r) => Array.from(r));
    const report = analyzeHandedOver(raw);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), JSON.parse(JSON.stringify(analyze(enlargedFromFile(20_000)))));
    assert.ok(report.routes?.some((r) => r.kind === 'server' && r.detailed >= 20_000), 'the route, with every request');
    // Converted in the recording's own buffer, not in a copy.
    assert.ok(rows.some((r, i) => Array.from(r).some((v, k) => v !== probeClock[i][k])), 'the rows now hold report ms');
  });

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
  it("a promise storm's 200,000 await spans: every one in the timeline's columns, none of an unknown site", () => {
    // The columns are sized for every await span up front and filled by index: spans of a site no
    // table names are skipped, and must leave no hole (the columns are cut to what was filled).
    const raw = enlarged(300, 100);
    const main = raw.threads.find((t) => t.records.some((r) => r.t === 'hello'))!;
    const site = (id: number, kind: RawSite['kind'], label: string): RawSite =>
      ({ id, kind, line: id, column: 2, label, fn: kind === 'fn' ? 0 : 1, group: 0, groupPos: 0, groupSize: 0, loop: 0, discarded: true });
    const base = 5000;
    main.records.push({ t: 'table', base, file: join(__dirname, 'storm.js'), size: 2, sites: [site(1, 'fn', 'leaf'), site(2, 'await', 'await null')], loops: [], groups: [] } as never);
    const before = main.spans?.length ?? 0;
    const N = 200_000, UNKNOWN = 50;
    const spans = new Float64Array(before + (N + UNKNOWN) * SPAN.size);
    spans.set(main.spans ?? []);
    const hello = main.records.find((r) => r.t === 'hello') as unknown as { perfAnchor: number };
    for (let i = 0; i < N + UNKNOWN; i++) {
      const o = before + i * SPAN.size;
      const t0 = hello.perfAnchor + 1 + i * 0.01;
      spans[o + SPAN.kind] = SPAN_KIND.await;
      spans[o + SPAN.site] = i % 4001 === 7 && i / 4001 < UNKNOWN ? base + 99 : base + 2; // 50 of an unknown site, spread out
      spans[o + SPAN.invocation] = i + 1;
      spans[o + SPAN.t0] = t0; spans[o + SPAN.t1] = t0; spans[o + SPAN.t2] = t0 + 0.005;
      spans[o + SPAN.flags] = i % 1000 === 0 ? 1 : 0;
    }
    main.spans = spans;
    const a = analyze(raw).spans!.asyncSpans;
    const columns = Object.entries(a);
    const n = a.lane.length;
    const unknown = Array.from({ length: N + UNKNOWN }, (_, i) => i).filter((i) => i % 4001 === 7 && i / 4001 < UNKNOWN).length;
    assert.equal(unknown, UNKNOWN);
    assert.ok(n >= N && n < N + UNKNOWN, `${n} await spans in the timeline`);
    // Typed columns of each one's width, written to JSON as arrays (numberColumn.ts).
    assert.ok(a.lane instanceof Int32Array && a.site instanceof Int32Array && a.rejected instanceof Uint8Array, 'index and flag columns');
    for (const c of [a.start, a.suspend, a.end, a.invocation]) assert.ok(c instanceof Float64Array, 'time and invocation columns');
    assert.equal(JSON.stringify(a), JSON.stringify(Object.fromEntries(Object.entries(a).map(([k, c]) => [k, Array.from(c)]))), 'JSON: the arrays of their numbers');
    for (const [name, c] of columns) {
      assert.equal(c.length, n, `column ${name}: as long as the others`);
      for (let i = 0; i < c.length; i++) if (typeof c[i] !== 'number' || !Number.isFinite(c[i])) assert.fail(`column ${name}[${i}] = ${c[i]}`);
    }
    const stormSpans = Array.from(a.invocation).filter((x, i) => a.end[i] - a.start[i] > 0.004 && a.end[i] - a.start[i] < 0.006 && x >= 1).length;
    assert.equal(stormSpans, N, 'every span of the known site, none of the unknown one');
    assert.equal(Array.from(a.rejected).reduce((x, y) => x + y, 0) >= Math.floor(N / 1000), true);
  });
});
