import type { SourceLocation } from '../analyzer/report';
import { SLICE_CATEGORIES } from '../analyzer/report';
import { siteLabel, siteLocation, type TimelineModel } from './model';
import { formatMs } from '../analyzer/format';
import { describeRequest, requestLocation } from './requestsRow';

/** An item on the timeline: index `index` of model row `row`. */
export interface Selection {
  row: number;
  index: number;
}

/** What the tooltip and the details panel say about an item: [label, value] pairs, as text. */
export function describeItem(m: TimelineModel, sel: Selection): [string, string][] {
  const row = m.rows[sel.row];
  const r = m.report;
  const lane = r.lanes[row.lane];
  const ref = row.ref[sel.index];
  const start = row.start[sel.index], end = row.end[sel.index];
  const out: [string, string][] = [];
  if (row.kind === 'slices') {
    const site = r.spans.slices.site[ref];
    out.push(['Busy', SLICE_CATEGORIES[r.spans.slices.category[ref]] ?? 'unknown']);
    out.push(['Function', siteLabel(r, site) || '(not attributed)']);
    const loc = siteLocation(r, site);
    if (loc) out.push(['Location', `${loc.file}:${loc.line}:${loc.column}`]);
  } else if (row.kind === 'requests') {
    out.push(...describeRequest(m, ref));
  } else {
    const site = r.spans.asyncSpans.site[ref];
    out.push(['Await', siteLabel(r, site) || '(unknown site)']);
    const loc = siteLocation(r, site);
    if (loc) out.push(['Site', `${loc.file}:${loc.line}:${loc.column}`]);
    const inv = r.spans.asyncSpans.invocation[ref];
    const it = row.stairs?.iter[sel.index] ?? 0, of = row.stairs?.iterOf[sel.index] ?? 0;
    if (of > 1) out.push(['Iteration', `${it} of ${of}${inv ? ` in call #${inv}` : ''}`]);
    else if (inv) out.push(['Invocation', `#${inv}`]);
    out.push(['Settled', r.spans.asyncSpans.rejected[ref] ? 'rejected' : 'resolved']);
  }
  out.push(['Duration', formatMs(end - start)]);
  out.push(['Start', formatMs(start)]);
  out.push(['End', formatMs(end)]);
  out.push(['Lane', `${lane.label} (pid ${lane.pid}, thread ${lane.threadId})`]);
  return out;
}

/** The source location of an item (its function or await site), if known. */
export function itemLocation(m: TimelineModel, sel: Selection): SourceLocation | undefined {
  const row = m.rows[sel.row];
  const ref = row.ref[sel.index];
  if (row.kind === 'requests') return requestLocation(m, ref);
  const site = row.kind === 'slices' ? m.report.spans.slices.site[ref] : m.report.spans.asyncSpans.site[ref];
  return siteLocation(m.report, site);
}
