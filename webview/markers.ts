import type { ScaleLinear } from 'd3-scale';
import type { Report } from '../analyzer/report';
import { el } from './dom';
import { formatMs } from '../analyzer/format';
import { kindLabel, projectedPromiseAll, ghostMarks } from './findings';
import type { RowLayout } from './rows';

/**
 * Findings drawn where they happened: one DOM box per interval over the lane it concerns
 * (few and bounded, so DOM is fine and each box gets a native tooltip), plus the hatched
 * projected Promise.all interval of sequential awaits. Repositioned on every frame.
 */
export const MAX_MARKERS = 500;

interface Marker { el: HTMLElement; lane: number; start: number; end: number; finding: string; label: HTMLElement | null }

/** Width a marker label takes, px: measured once (text does not change), estimated if not laid out. */
function labelWidth(label: HTMLElement): number {
  const cached = Number(label.dataset.width);
  if (cached > 0) return cached;
  const w = label.offsetWidth || label.textContent!.length * 6.5;
  label.dataset.width = String(w + 6);
  return w + 6;
}

export class FindingMarkers {
  private markers: Marker[] = [];

  constructor(private overlay: HTMLElement, report: Report, onSelect: (id: string) => void) {
    const laneIndex = new Map(report.lanes.map((l, i) => [l.id, i]));
    const add = (findingId: string, laneId: string, fallbackLaneId: string, start: number, end: number, node: HTMLElement) => {
      const lane = laneIndex.get(laneId) ?? laneIndex.get(fallbackLaneId);
      if (lane === undefined || this.markers.length >= MAX_MARKERS) return;
      node.dataset.findingId = findingId;
      node.dataset.laneId = report.lanes[lane].id;
      node.addEventListener('click', () => onSelect(findingId));
      overlay.append(node);
      this.markers.push({ el: node, lane, start, end, finding: findingId, label: node.querySelector<HTMLElement>('.cl-marker-label') });
    };
    for (const f of report.findings) {
      for (const iv of f.intervals ?? []) {
        const m = el('div', { class: `cl-marker ${f.severity}`, title: `${kindLabel(f.kind)}: ${f.message}\n${formatMs(iv.endMs - iv.startMs)}` });
        m.dataset.kind = f.kind;
        add(f.id, iv.laneId, f.laneId, iv.startMs, iv.endMs, m);
      }
      for (const g of ghostMarks(projectedPromiseAll(f))) {
        const d = formatMs(g.meanMs);
        const m = g.count === 1
          ? el('div', { class: 'cl-marker ghost warning', title: `Projected: with Promise.all these awaits would take about ${d}` },
            el('span', { class: 'cl-marker-label' }, `Promise.all ≈ ${d}`))
          : el('div', { class: 'cl-marker ghost warning', title: `Projected, ${g.count} overlapping runs of these awaits: with Promise.all each would take about ${d}` },
            el('span', { class: 'cl-marker-label' }, `${g.count}× Promise.all ≈ ${d}`));
        m.dataset.kind = 'projected';
        add(f.id, g.laneId, f.laneId, g.startMs, g.endMs, m);
      }
    }
    // Left to right: labels are laid out in this order (see position).
    this.markers.sort((a, b) => a.start - b.start);
  }

  select(findingId: string | undefined): void {
    for (const m of this.markers) m.el.classList.toggle('selected', m.finding === findingId);
  }

  /**
   * Places every marker for the scale `s` on a time area `width` px wide. A marker's label is
   * shown only where it fits: never over an earlier label on the same lane.
   */
  position(s: ScaleLinear<number, number>, width: number, layout: RowLayout): void {
    const labelEnd = new Map<number, number>();
    for (const m of this.markers) {
      const a = s(m.start), b = s(m.end);
      const st = m.el.style;
      if (b < -2 || a > width + 2) { if (st.display !== 'none') st.display = 'none'; continue; }
      const left = Math.max(-2, a), right = Math.min(width + 2, b);
      st.display = 'block';
      st.left = `${left}px`;
      st.width = `${Math.max(3, right - left)}px`;
      st.top = `${layout.laneTop[m.lane]}px`;
      st.height = `${layout.laneBottom[m.lane] - layout.laneTop[m.lane]}px`;
      const label = m.label;
      if (label) {
        const free = left >= (labelEnd.get(m.lane) ?? -Infinity);
        label.style.display = free ? '' : 'none';
        if (free) labelEnd.set(m.lane, left + labelWidth(label));
      }
    }
  }
}
