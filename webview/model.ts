import type { Report } from '../analyzer/report';
import { distinctRowLabels } from './rowLabels';
import { SLICE_CATEGORIES, INSTRUMENTING_NOTE_MS } from '../analyzer/report';
import { baseName, formatMs } from '../analyzer/format';
import { isNodeExecutable } from '../analyzer/nodeExecutable';
import { buildStairs } from './stairs';
import { requestRows } from './requestsRow';
import { MAX_SITE_ROWS, OTHER_SITES, newRow, siteLabel, type Row, type TimelineModel, type LaneView, type ProcessView } from './timelineModel';

export { MAX_SITE_ROWS, OTHER_SITES, siteLabel, siteLocation } from './timelineModel';
export type { RowKind, Row, LaneView, ProcessView, TimelineModel } from './timelineModel';

/**
 * The flat model the timeline draws: the report's struct-of-arrays columns turned into one
 * typed-array row per thing drawn (a lane's busy slices, or its awaits from one creation
 * site), each sorted by start time so a visible window is found by binary search.
 * Built once per report; the view only reads it.
 */

export function buildModel(report: Report): TimelineModel {
  const sp = report.spans;
  const laneCount = report.lanes.length;
  const rows: Row[] = [];

  // Busy slices: one row per lane.
  const sliceRows = splitIntoRows(sp.slices.lane, sp.slices.start, sp.slices.end, laneCount, (i) => sp.slices.lane[i], (i) => sp.slices.category[i] ?? 0);

  // Async spans: per lane, the most used creation sites get their own row. Counting and
  // slot lookup go through one flat (lane, site) table, so no per-item hashing.
  const siteCount = sp.sites.label.length + 1; // +1: site -1 ("unknown") is column 0
  const al = sp.asyncSpans.lane, as = sp.asyncSpans.site;
  const cellOf = (lane: number, site: number) => lane * siteCount + (site >= -1 && site < siteCount - 1 ? site + 1 : 0);
  const counts = new Uint32Array(laneCount * siteCount);
  for (let i = 0; i < al.length; i++) if (al[i] >= 0 && al[i] < laneCount) counts[cellOf(al[i], as[i])]++;
  const perLaneSites: number[][] = [];
  const slotOfCell = new Int32Array(laneCount * siteCount);
  let slotCount = 0;
  const slotBase: number[] = [];
  for (let l = 0; l < laneCount; l++) {
    const used: number[] = [];
    for (let s = 0; s < siteCount; s++) if (counts[l * siteCount + s]) used.push(s - 1);
    const ranked = used.sort((a, b) => counts[cellOf(l, b)] - counts[cellOf(l, a)] || a - b);
    const own = ranked.length <= MAX_SITE_ROWS + 1 ? ranked : ranked.slice(0, MAX_SITE_ROWS);
    own.sort((a, b) => a - b);
    const slots = [...own];
    if (ranked.length > own.length) slots.push(OTHER_SITES);
    perLaneSites.push(slots);
    slotBase.push(slotCount);
    const other = slots.length - 1;
    for (const s of ranked) slotOfCell[cellOf(l, s)] = slotCount + other;
    own.forEach((s, k) => { slotOfCell[cellOf(l, s)] = slotCount + k; });
    slotCount += slots.length;
  }
  const asyncSlot = (i: number) => (al[i] >= 0 && al[i] < laneCount ? slotOfCell[cellOf(al[i], as[i])] : -1);
  const asyncRows = splitIntoRows(sp.asyncSpans.lane, sp.asyncSpans.start, sp.asyncSpans.end, slotCount, asyncSlot, (i) => (sp.asyncSpans.rejected[i] ? 1 : 0));

  const reqRows = requestRows(report, splitIntoRows);
  const laneViews: LaneView[] = [];
  for (let l = 0; l < laneCount; l++) {
    const lane = report.lanes[l];
    const sliceRow = rows.length;
    rows.push(newRow('slices', l, 'CPU', -1, sliceRows[l]));
    const asyncRowIdx: number[] = [];
    // HTTP requests first (stacked rows), then awaits.
    for (const q of reqRows[l]) { asyncRowIdx.push(rows.length); rows.push(newRow('requests', l, q.label, -1, q.data)); }
    const labels = distinctRowLabels(report, perLaneSites[l],
      (s) => s === OTHER_SITES ? 'other awaits' : siteLabel(report, s) || (s >= 0 ? `site ${s}` : 'await (unknown site)'));
    perLaneSites[l].forEach((s, k) => {
      asyncRowIdx.push(rows.length);
      const data = asyncRows[slotBase[l] + k];
      rows.push(newRow('async', l, labels[k], s, data, buildStairs(report, data)));
    });
    const script = baseName(lane.script);
    laneViews.push({
      lane: l,
      label: script && !lane.label.includes(script) ? `${lane.label} · ${script}` : lane.label,
      title: laneTitle(lane),
      sliceRow,
      asyncRows: asyncRowIdx,
    });
  }

  // Processes: the main lane's pid first, then by pid; within one, main thread first.
  const mainPid = report.lanes.find((l) => l.kind === 'main')?.pid ?? report.lanes[0]?.pid ?? 0;
  const byPid = new Map<number, LaneView[]>();
  for (const lv of laneViews) {
    const pid = report.lanes[lv.lane].pid;
    if (!byPid.has(pid)) byPid.set(pid, []);
    byPid.get(pid)!.push(lv);
  }
  // Launchers (npm, npx, sh) last: they only start the processes that matter.
  const launcherOf = (pid: number) => byPid.get(pid)!.map((lv) => report.lanes[lv.lane].launcher).find((x) => x);
  const pids = [...byPid.keys()].sort((a, b) => (a === mainPid ? -1 : b === mainPid ? 1 : 0)
    || (launcherOf(a) ? 1 : 0) - (launcherOf(b) ? 1 : 0) || a - b);
  const processes: ProcessView[] = pids.map((pid) => {
    const lanes = byPid.get(pid)!.sort((a, b) => report.lanes[a.lane].threadId - report.lanes[b.lane].threadId);
    const first = report.lanes[lanes[0].lane];
    const script = baseName(first.script);
    const launcher = launcherOf(pid);
    const what = launcher ? `launcher ${pid} · ${launcher}` : `${pid === mainPid ? 'process' : 'child process'} ${pid}${lanes.length > 1 && script ? ` · ${script}` : ''}`;
    const unrecorded = isNodeExecutable(first.script) ? 'unrecorded' : 'not node';
    return { pid, label: first.external && !launcher ? `${what} · ${script ?? '?'} (${unrecorded})` : what, lanes, ...(launcher ? { launcher } : {}) };
  });

  let wallMs = report.program.wallMs || 0;
  for (const r of rows) for (let i = 0; i < r.end.length; i++) if (r.end[i] > wallMs) wallMs = r.end[i];
  for (const l of report.lanes) if (l.endMs > wallMs) wallMs = l.endMs;
  if (!(wallMs > 0)) wallMs = 1;

  const bucketMs = sp.series.bucketMs > 0 ? sp.series.bucketMs : 10;
  const nb = Math.max(1, Math.ceil(wallMs / bucketMs));
  const lag = new Float32Array(nb);
  for (let i = 0; i < sp.lag.t.length; i++) {
    const b = Math.floor(sp.lag.t[i] / bucketMs);
    if (b >= 0 && b < nb && sp.lag.ms[i] > lag[b]) lag[b] = sp.lag.ms[i];
  }
  return {
    report, wallMs, rows, processes, bucketMs, lag,
    concurrency: Float32Array.from(sp.series.concurrency ?? []),
    parallelism: Float32Array.from(sp.series.parallelism ?? []),
    threadpoolRunning: Float32Array.from(sp.series.threadpoolRunning ?? []),
    threadpoolQueued: Float32Array.from(sp.series.threadpoolQueued ?? []),
    requestsInFlight: Float32Array.from(sp.series.requestsInFlight ?? []),
    totalSpans: sp.slices.start.length + sp.asyncSpans.start.length,
  };
}

type RowData = Pick<Row, 'start' | 'end' | 'ref' | 'cat' | 'maxDur'>;

/** Distributes a column into `n` rows (two passes, no per-item objects), sorted by start. */
function splitIntoRows(col: ArrayLike<number>, start: ArrayLike<number>, end: ArrayLike<number>, n: number, rowOf: (i: number) => number, catOf: (i: number) => number): RowData[] {
  const counts = new Uint32Array(n);
  const rowIdx = new Int32Array(col.length);
  // Reads through locals: the columns may be number[] or typed arrays (packed transport, analyzer/numberColumn.ts).
  for (let i = 0; i < col.length; i++) {
    const r = rowOf(i);
    if (r >= 0 && r < n && start[i] <= end[i]) { rowIdx[i] = r; counts[r]++; } else rowIdx[i] = -1;
  }
  const out: RowData[] = [];
  for (let r = 0; r < n; r++) out.push({ start: new Float64Array(counts[r]), end: new Float64Array(counts[r]), ref: new Uint32Array(counts[r]), cat: new Uint8Array(counts[r]), maxDur: 0 });
  const fill = new Uint32Array(n);
  for (let i = 0; i < col.length; i++) {
    const r = rowIdx[i];
    if (r < 0) continue;
    const o = out[r], k = fill[r]++;
    o.start[k] = start[i]; o.end[k] = end[i]; o.ref[k] = i; o.cat[k] = Math.min(catOf(i), SLICE_CATEGORIES.length - 1);
    const d = end[i] - start[i];
    if (d > o.maxDur) o.maxDur = d;
  }
  for (const o of out) sortByStart(o);
  return out;
}

/** The lane's tooltip: who it is, what it runs, where it was created, how busy it was. */
function laneTitle(l: Report['lanes'][number]): string {
  const lines = [`${l.label} — pid ${l.pid}, thread ${l.threadId}`];
  if (l.launcher) lines.push(`launcher (${l.launcher}): only starts other processes; its lag and CPU are not the headline`);
  if (l.external) lines.push(`${isNodeExecutable(l.script) ? 'node, unrecorded (started without the recording\'s NODE_OPTIONS)' : 'not node'}: CPU time and memory sampled from /proc; where its busy time falls within each ~100 ms sample is not known`);
  if (l.script) lines.push(l.script);
  if (l.createdAt) lines.push(`created at ${l.createdAt.file}:${l.createdAt.line}:${l.createdAt.column}`);
  const busy = [`busy ${formatMs(l.busyMs)} of ${formatMs(Math.max(0, l.endMs - l.startMs))}`];
  if (l.eventLoopUtilization !== undefined) busy.push(`event-loop utilization ${(l.eventLoopUtilization * 100).toFixed(0)} %`);
  if (l.lagMs) busy.push(`lag p99 ${formatMs(l.lagMs.p99)}`);
  lines.push(busy.join(' · '));
  if ((l.instrumentingMs ?? 0) >= INSTRUMENTING_NOTE_MS) lines.push(`the profiler spent ${formatMs(l.instrumentingMs!)} instrumenting files as they loaded: not in the lag`);
  if ((l.profileChunksMs ?? 0) >= INSTRUMENTING_NOTE_MS) lines.push(`the profiler spent ${formatMs(l.profileChunksMs!)} ending its CPU profile chunks: not in the lag`);
  if (l.exitCode !== undefined && l.exitCode !== null) lines.push(`exit code ${l.exitCode}`);
  return lines.join('\n');
}

function sortByStart(o: RowData): void {
  const s = o.start;
  let sorted = true;
  for (let i = 1; i < s.length; i++) if (s[i] < s[i - 1]) { sorted = false; break; }
  if (sorted) return;
  const idx = new Uint32Array(s.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  idx.sort((a, b) => s[a] - s[b] || a - b);
  const start = new Float64Array(s.length), end = new Float64Array(s.length), ref = new Uint32Array(s.length), cat = new Uint8Array(s.length);
  for (let i = 0; i < idx.length; i++) { const j = idx[i]; start[i] = s[j]; end[i] = o.end[j]; ref[i] = o.ref[j]; cat[i] = o.cat[j]; }
  o.start = start; o.end = end; o.ref = ref; o.cat = cat;
}
