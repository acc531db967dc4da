import type { Report } from '../analyzer/report';
import { siteLabel, siteLocation, type Row, type TimelineModel } from './timelineModel';
import { formatMs } from '../analyzer/format';

/**
 * HTTP requests on the timeline: per lane, rows of request spans where overlapping requests
 * are stacked (each request goes to the first row free at its start; at most MAX_STACK rows,
 * the last one takes the rest and may overlap), and what a request's tooltip/details say.
 */
export const MAX_STACK = 6;

type RowData = Pick<Row, 'start' | 'end' | 'ref' | 'cat' | 'maxDur'>;
type Split = (col: ArrayLike<number>, start: ArrayLike<number>, end: ArrayLike<number>, n: number, rowOf: (i: number) => number, catOf: (i: number) => number) => RowData[];

/** The request rows of every lane (index = lane), built with the model's row splitter. */
export function requestRows(report: Report, split: Split): { label: string; data: RowData }[][] {
  const q = report.spans.requests;
  const lanes = report.lanes.length;
  const out: { label: string; data: RowData }[][] = Array.from({ length: lanes }, () => []);
  if (!q || q.lane.length === 0) return out;
  const order = Array.from({ length: q.lane.length }, (_, i) => i).sort((a, b) => q.start[a] - q.start[b] || a - b);
  const level = new Int32Array(q.lane.length);
  const freeAt: number[][] = Array.from({ length: lanes }, () => []);
  const used = new Int32Array(lanes);
  for (const i of order) {
    const ends = freeAt[q.lane[i]];
    let k = ends.findIndex((e) => e <= q.start[i]);
    if (k < 0) k = ends.length < MAX_STACK ? ends.length : MAX_STACK - 1;
    ends[k] = Math.max(ends[k] ?? 0, q.end[i]);
    level[i] = q.lane[i] * MAX_STACK + k;
    used[q.lane[i]] = Math.max(used[q.lane[i]], k + 1);
  }
  const data = split(q.lane, q.start, q.end, lanes * MAX_STACK, (i) => level[i], (i) => (q.error[i] || q.status[i] >= 500 ? 1 : 0));
  for (let l = 0; l < lanes; l++) {
    for (let k = 0; k < used[l]; k++) out[l].push({ label: k === 0 ? 'HTTP requests' : '', data: data[l * MAX_STACK + k] });
  }
  return out;
}

/** [label, value] pairs describing request `ref` (index into spans.requests). */
export function describeRequest(m: TimelineModel, ref: number): [string, string][] {
  const r = m.report;
  const q = r.spans.requests!;
  const str = (i: number) => r.spans.strings[i] ?? '';
  const server = q.kind[ref] === 0;
  const out: [string, string][] = [[server ? 'Request' : 'Request made', `${str(q.method[ref])} ${str(q.route[ref])}`]];
  out.push(['Status', q.status[ref] ? String(q.status[ref]) : 'none (failed)']);
  if (server && q.ownMs[ref] >= 0) {
    const total = q.end[ref] - q.start[ref];
    const waiting = Math.max(0, total - q.ownMs[ref] - q.queuedMs[ref]);
    out.push(['Own CPU', formatMs(q.ownMs[ref])]);
    // The work that held the loop is named beside the wait it caused: queued while open, or
    // (when that rounds to nothing) before Node could read the request.
    const blocker = q.blocker[ref] >= 0 ? ` (most: ${siteLabel(r, q.blocker[ref])})` : '';
    const queuedOpen = q.queuedMs[ref] >= 0.5;
    const before = q.queuedBeforeMs?.[ref] ?? 0;
    out.push(['Queued', `${formatMs(q.queuedMs[ref])} behind other work on the loop${queuedOpen ? blocker : ''}`]);
    const loc = siteLocation(r, q.blocker[ref]);
    if (loc) out.push(['Queued behind', `${loc.file}:${loc.line}`]);
    if (before >= 0.5) out.push(['Before it was read', `≤ ${formatMs(before)} (the loop was busy when it could have arrived)${queuedOpen ? '' : blocker}`]);
    out.push(['Waiting', `${formatMs(waiting)} (off the CPU: I/O, timers, upstreams, or no free core)`]);
    out.push(['Estimated', 'from CPU samples (~1 ms)']);
  }
  const route = r.routes?.find((x) => x.kind === (server ? 'server' : 'client') && x.method === str(q.method[ref]) && x.route === str(q.route[ref]));
  if (route) out.push(['Route', `${route.count} requests · p50 ${formatMs(route.p50Ms)} · p99 ${formatMs(route.p99Ms)}`]);
  return out;
}

/** Where a request points in the source: what it was queued behind, else its route's handler. */
export function requestLocation(m: TimelineModel, ref: number) {
  const r = m.report, q = r.spans.requests!;
  const loc = siteLocation(r, q.blocker[ref]);
  if (loc) return loc;
  const str = (i: number) => r.spans.strings[i] ?? '';
  return r.routes?.find((x) => x.method === str(q.method[ref]) && x.route === str(q.route[ref]))?.handler;
}
