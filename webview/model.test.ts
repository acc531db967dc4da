import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, MAX_SITE_ROWS } from './model';
import { layoutRows, bandAt } from './rows';
import { syntheticReport } from './fixtures/syntheticReport';
import { summaryStats } from './header';

test('every span lands in exactly one row, sorted by start', () => {
  const r = syntheticReport({ lanes: 5, spans: 5000, childProcesses: 1 });
  const m = buildModel(r);
  const slices = m.rows.filter((x) => x.kind === 'slices').reduce((a, x) => a + x.start.length, 0);
  const waits = m.rows.filter((x) => x.kind === 'async').reduce((a, x) => a + x.start.length, 0);
  assert.equal(slices, r.spans.slices.start.length);
  assert.equal(waits, r.spans.asyncSpans.start.length);
  for (const row of m.rows) {
    for (let i = 1; i < row.start.length; i++) assert.ok(row.start[i] >= row.start[i - 1], 'sorted');
    for (let i = 0; i < row.start.length; i++) {
      assert.equal(row.end[i] - row.start[i] <= row.maxDur, true);
      const col = row.kind === 'slices' ? r.spans.slices : r.spans.asyncSpans;
      assert.equal(col.start[row.ref[i]], row.start[i], 'ref points back at the column');
      assert.equal(col.lane[row.ref[i]], row.lane);
    }
  }
});

test('lanes are grouped by process: main process first, main thread first', () => {
  const r = syntheticReport({ lanes: 6, spans: 600, childProcesses: 2 });
  const m = buildModel(r);
  assert.equal(m.processes.length, 3);
  assert.equal(m.processes[0].pid, r.lanes[0].pid);
  assert.equal(r.lanes[m.processes[0].lanes[0].lane].kind, 'main');
  assert.deepEqual(m.processes.slice(1).map((p) => r.lanes[p.lanes[0].lane].kind), ['process', 'process']);
  assert.match(m.processes[1].label, /^child process \d+$/);
  assert.match(m.processes[0].label, /^process 4000 · server\.js$/);
  assert.equal(m.processes.reduce((a, p) => a + p.lanes.length, 0), 6);
});

test('async rows: one per creation site, the least used sites share an "other" row', () => {
  const r = syntheticReport({ lanes: 1, spans: 100 });
  // Twelve sites on lane 0, used 12, 11, … 1 times.
  const sp = r.spans;
  const as = { lane: [] as number[], site: [] as number[], start: [] as number[], suspend: [] as number[], end: [] as number[], invocation: [] as number[], rejected: [] as number[] };
  sp.asyncSpans = as;
  for (let s = 0; s < 12; s++) {
    sp.sites.file.push(0); sp.sites.line.push(s + 1); sp.sites.column.push(1); sp.sites.label.push(sp.strings.push(`await s${s}()`) - 1);
    const site = sp.sites.file.length - 1;
    for (let k = 0; k < 12 - s; k++) {
      as.lane.push(0); as.site.push(site); as.start.push(k); as.suspend.push(k);
      as.end.push(k + 1); as.invocation.push(0); as.rejected.push(0);
    }
  }
  const m = buildModel(r);
  const rows = m.processes[0].lanes[0].asyncRows.map((i) => m.rows[i]);
  assert.equal(rows.length, MAX_SITE_ROWS + 1);
  assert.deepEqual(rows.slice(0, MAX_SITE_ROWS).map((x) => x.label), ['s0', 's1', 's2', 's3', 's4', 's5'].map((n) => `await ${n}()`));
  assert.equal(rows[MAX_SITE_ROWS].label, 'other awaits');
  assert.equal(rows[MAX_SITE_ROWS].start.length, 6 + 5 + 4 + 3 + 2 + 1);
});

test('lag track keeps the worst lane per bucket; wall covers the last span', () => {
  const r = syntheticReport({ lanes: 2, spans: 200, wallMs: 1000 });
  r.spans.lag = { lane: [0, 1, 0], t: [12, 15, 500], ms: [3, 40, 7] };
  r.spans.slices.end.push(1500); r.spans.slices.start.push(1400); r.spans.slices.lane.push(1); r.spans.slices.category.push(0); r.spans.slices.site.push(-1);
  const m = buildModel(r);
  assert.equal(m.lag[1], 40);
  assert.equal(m.lag[50], 7);
  assert.equal(m.wallMs, 1500);
});

test('row layout: labelled bands, hit-testing by y', () => {
  const r = syntheticReport({ lanes: 3, spans: 900, childProcesses: 1 });
  const m = buildModel(r);
  const l = layoutRows(m);
  assert.equal(l.bands.filter((b) => b.type === 'process').length, 2);
  for (const b of l.bands) assert.equal(bandAt(l, b.y + b.h / 2), b);
  assert.equal(bandAt(l, -5), undefined);
  assert.equal(bandAt(l, l.height + 100), undefined);
  const first = l.bands.find((b) => b.type === 'row' && b.first)!;
  assert.match(first.label, /^main · server\.js$/);
});

test('header: deltas against the previous run say better or worse', () => {
  const a = syntheticReport({ spans: 100 }), b = syntheticReport({ spans: 100 });
  b.program.wallMs = a.program.wallMs / 2;
  b.metrics.eventLoopLagMs.p99 = a.metrics.eventLoopLagMs.p99 * 3;
  const s = summaryStats(b, a);
  assert.deepEqual(s[0].delta, { text: '−50 %', better: true });
  assert.deepEqual(s[2].delta, { text: '+200 %', better: false });
  assert.equal(s[1].delta, undefined, 'unchanged: no delta');
  assert.equal(summaryStats(b)[0].delta, undefined);
  // Small absolute changes are noise whatever their ratio; a stopped run's wall time compares with nothing.
  const c = syntheticReport({ spans: 100 }), d = syntheticReport({ spans: 100 });
  c.metrics.eventLoopLagMs.p99 = 2; d.metrics.eventLoopLagMs.p99 = 5;
  d.program.wallMs = c.program.wallMs / 2; d.program.stopReason = 'stopped';
  const n = summaryStats(d, c);
  assert.equal(n[2].delta, undefined, 'lag 2 → 5 ms is not +150 %');
  assert.equal(n[0].delta, undefined, 'a run stopped by the user is not faster');
});

test("a lane's tooltip says what the lag left out: the profiler's instrumenting, from 5 ms", () => {
  const r = syntheticReport({ lanes: 2, spans: 10 });
  r.lanes[0].instrumentingMs = 312;
  r.lanes[1].instrumentingMs = 1.8;
  const titles = buildModel(r).processes.flatMap((p) => p.lanes.map((l) => ({ lane: l.lane, title: l.title })));
  const of = (lane: number) => titles.find((t) => t.lane === lane)!.title;
  assert.match(of(0), /the profiler spent 312 ms instrumenting files as they loaded: not in the lag/);
  assert.doesNotMatch(of(1), /instrumenting/);
});

test("a lane's tooltip says the lag left out the profiler's chunk ends too, from 5 ms", () => {
  const r = syntheticReport({ lanes: 2, spans: 10 });
  r.lanes[0].profileChunksMs = 86;
  r.lanes[1].profileChunksMs = 2.4;
  const titles = buildModel(r).processes.flatMap((p) => p.lanes.map((l) => ({ lane: l.lane, title: l.title })));
  const of = (lane: number) => titles.find((t) => t.lane === lane)!.title;
  assert.match(of(0), /the profiler spent 86.0 ms ending its CPU profile chunks: not in the lag/);
  assert.doesNotMatch(of(1), /profile chunks/);
});
