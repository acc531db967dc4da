import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTrace } from './exportTrace';
import { syntheticReport } from '../webview/fixtures/syntheticReport';

test('every lane becomes a named thread of its process', () => {
  const r = syntheticReport({ lanes: 4, spans: 400, childProcesses: 1 });
  const t = exportTrace(r);
  const threads = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  assert.deepEqual(threads.map((e) => `${e.pid}:${e.tid}`).sort(), r.lanes.map((l) => `${l.pid}:${l.threadId}`).sort());
  const procs = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name');
  assert.equal(procs.length, new Set(r.lanes.map((l) => l.pid)).size);
  assert.match(String(procs[0].args!.name), /node node \/app\/server\.js/);
});

test('slices are complete events in µs; awaits are balanced async pairs', () => {
  const r = syntheticReport({ lanes: 2, spans: 200 });
  const t = exportTrace(r);
  const x = t.traceEvents.filter((e) => e.ph === 'X');
  assert.equal(x.length, r.spans.slices.start.length);
  const i = 3;
  const e = x[i];
  assert.equal(e.ts, r.spans.slices.start[i] * 1000);
  assert.ok(Math.abs(e.dur! - (r.spans.slices.end[i] - r.spans.slices.start[i]) * 1000) < 1e-6);
  assert.equal(e.pid, r.lanes[r.spans.slices.lane[i]].pid);
  const b = t.traceEvents.filter((e) => e.ph === 'b' && e.cat === 'await');
  const en = t.traceEvents.filter((e) => e.ph === 'e' && e.cat === 'await');
  assert.equal(b.length, r.spans.asyncSpans.start.length);
  assert.deepEqual(b.map((e) => e.id), en.map((e) => e.id));
  assert.equal(new Set(b.map((e) => e.id)).size, b.length, 'ids are unique');
  assert.equal(b[0].name, r.spans.strings[r.spans.sites.label[r.spans.asyncSpans.site[0]]]);
  for (let k = 0; k < b.length; k++) assert.ok(en[k].ts >= b[k].ts);
});

test('findings at their intervals, counters only on change, valid JSON', () => {
  const r = syntheticReport({ lanes: 2, spans: 200, wallMs: 500 });
  const t = exportTrace(r);
  const f = t.traceEvents.filter((e) => e.cat === 'finding' && e.ph === 'b');
  assert.equal(f.length, r.findings.reduce((a, x) => a + (x.intervals?.length ?? 0), 0));
  assert.match(f[0].name, /^blocking-cpu: /);
  const c = t.traceEvents.filter((e) => e.ph === 'C' && e.name.startsWith('libuv thread pool running'));
  for (let k = 1; k < c.length; k++) assert.notEqual(c[k].args!.value, c[k - 1].args!.value);
  assert.ok(c.length > 0 && c.length <= r.spans.series.threadpoolRunning.length);
  const back = JSON.parse(JSON.stringify(t));
  assert.equal(back.displayTimeUnit, 'ms');
  assert.equal(back.otherData.startEpochMs, r.program.startEpochMs);
});
