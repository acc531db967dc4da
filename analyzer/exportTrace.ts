import type { Report } from './report';
import { SLICE_CATEGORIES } from './report';

/**
 * The run as Chrome Trace Event JSON (the "JSON Object Format"), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open. Pure: Report in, plain object out; the
 * caller writes `JSON.stringify(result)`.
 *
 * Mapping (timestamps are µs since run start; `otherData.startEpochMs` anchors them):
 * - every lane is a thread (pid, tid = lane pid / thread id) named by process_name /
 *   thread_name metadata, main thread first;
 * - busy slices are complete events (`ph: 'X'`, cat = slice category, name = the slice's
 *   function or its category);
 * - async waits are nestable async events (`ph: 'b'/'e'`, cat 'await', name = the await's
 *   site label) on their lane;
 * - findings are async events (cat 'finding') at their intervals, so they show as tracks;
 * - the whole-run series and per-lane event-loop lag are counters (`ph: 'C'`), emitted
 *   only when the value changes.
 */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'b' | 'e' | 'C' | 'M' | 'i';
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  id?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

export interface TraceJson {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string | number>;
}

const US = 1000;

export function exportTrace(report: Report): TraceJson {
  const ev: TraceEvent[] = [];
  const sp = report.spans;
  const str = (i: number) => (i >= 0 && i < sp.strings.length ? sp.strings[i] : '');
  const siteLabel = (s: number) => (s >= 0 && s < sp.sites.label.length ? str(sp.sites.label[s]) : '');
  const siteWhere = (s: number) => (s >= 0 && s < sp.sites.file.length ? `${str(sp.sites.file[s])}:${sp.sites.line[s]}:${sp.sites.column[s]}` : undefined);
  const lanes = report.lanes;
  const mainLane = lanes.find((l) => l.kind === 'main') ?? lanes[0];
  const mainPid = mainLane?.pid ?? 1;
  const laneById = new Map(lanes.map((l) => [l.id, l]));

  // Metadata: process and thread names, ordering.
  const pids = [...new Set(lanes.map((l) => l.pid))];
  pids.forEach((pid, k) => {
    const first = lanes.find((l) => l.pid === pid)!;
    const procName = pid === mainPid ? `node ${report.program.command.join(' ')}`.trim() : `child process${first.script ? ` ${first.script}` : ''}`;
    ev.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: procName } });
    ev.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: k } });
  });
  for (const l of lanes) {
    ev.push({ name: 'thread_name', ph: 'M', ts: 0, pid: l.pid, tid: l.threadId, args: { name: `${l.label}${l.script ? ` (${l.script})` : ''}` } });
    ev.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: l.pid, tid: l.threadId, args: { sort_index: l.threadId } });
  }

  // Busy slices.
  const sl = sp.slices;
  for (let i = 0; i < sl.start.length; i++) {
    const l = lanes[sl.lane[i]];
    if (!l) continue;
    const cat = SLICE_CATEGORIES[sl.category[i]] ?? 'unknown';
    const label = siteLabel(sl.site[i]);
    const args: Record<string, unknown> = { category: cat };
    const where = siteWhere(sl.site[i]);
    if (where) args.location = where;
    ev.push({ name: label || cat, cat, ph: 'X', ts: sl.start[i] * US, dur: Math.max(0, sl.end[i] - sl.start[i]) * US, pid: l.pid, tid: l.threadId, args });
  }

  // Async waits.
  const as = sp.asyncSpans;
  for (let i = 0; i < as.start.length; i++) {
    const l = lanes[as.lane[i]];
    if (!l) continue;
    const name = siteLabel(as.site[i]) || 'await';
    const id = `a${i.toString(16)}`;
    const args: Record<string, unknown> = { rejected: !!as.rejected[i], suspendedAtMs: as.suspend[i] };
    const where = siteWhere(as.site[i]);
    if (where) args.location = where;
    if (as.invocation[i]) args.invocation = as.invocation[i];
    ev.push({ name, cat: 'await', ph: 'b', id, ts: as.start[i] * US, pid: l.pid, tid: l.threadId, args });
    ev.push({ name, cat: 'await', ph: 'e', id, ts: as.end[i] * US, pid: l.pid, tid: l.threadId });
  }

  // Findings at their intervals.
  report.findings.forEach((f) => {
    (f.intervals ?? []).forEach((iv, k) => {
      const l = laneById.get(iv.laneId) ?? laneById.get(f.laneId) ?? mainLane;
      if (!l) return;
      const id = `f-${f.id}-${k}`;
      const name = `${f.kind}: ${f.message}`;
      ev.push({ name, cat: 'finding', ph: 'b', id, ts: iv.startMs * US, pid: l.pid, tid: l.threadId, args: { severity: f.severity, location: `${f.location.file}:${f.location.line}:${f.location.column}` } });
      ev.push({ name, cat: 'finding', ph: 'e', id, ts: iv.endMs * US, pid: l.pid, tid: l.threadId });
    });
  });

  // Counters.
  const series = sp.series;
  const counter = (name: string, values: number[]) => {
    let last = NaN;
    for (let b = 0; b < values.length; b++) {
      if (values[b] === last) continue;
      last = values[b];
      ev.push({ name, ph: 'C', ts: b * series.bucketMs * US, pid: mainPid, tid: 0, args: { value: values[b] } });
    }
  };
  counter('concurrency (async ops in flight)', series.concurrency);
  counter('parallelism (lanes on CPU)', series.parallelism);
  counter('libuv thread pool running', series.threadpoolRunning);
  counter('libuv thread pool queued', series.threadpoolQueued);
  const lag = sp.lag;
  for (let i = 0; i < lag.t.length; i++) {
    const l = lanes[lag.lane[i]];
    if (!l) continue;
    ev.push({ name: `event-loop lag ms (${l.label})`, ph: 'C', ts: lag.t[i] * US, pid: l.pid, tid: l.threadId, args: { value: lag.ms[i] } });
  }

  return {
    traceEvents: ev,
    displayTimeUnit: 'ms',
    otherData: {
      producer: 'Concurrency Lens',
      command: report.program.command.join(' '),
      startEpochMs: report.program.startEpochMs,
      wallMs: report.program.wallMs,
      nodeVersion: report.program.nodeVersion,
    },
  };
}
