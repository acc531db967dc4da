import type { ScaleLinear } from 'd3-scale';
import type { Report } from '../analyzer/report';
import { el } from './dom';
import { formatMs } from '../analyzer/format';
import { kindLabel, projectedPromiseAll } from './findings';
import type { RowLayout } from './rows';

/**
 * Findings drawn where they happened: one DOM box per interval over the lane it concerns
 * (few and bounded, so DOM is fine and each box gets a native tooltip), plus the hatched
 * projected Promise.all interval of sequential awaits. Repositioned on every frame.
 */
export const MAX_MARKERS = 500;

interface Marker { el: HTMLElement; lane: number; start: number; end: number; finding: string }

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
      this.markers.push({ el: node, lane, start, end, finding: findingId });
    };
    for (const f of report.findings) {
      for (const iv of f.intervals ?? []) {
        const m = el('div', { class: `cl-marker ${f.severity}`, title: `${kindLabel(f.kind)}: ${f.message}\n${formatMs(iv.endMs - iv.startMs)}` });
        m.dataset.kind = f.kind;
        add(f.id, iv.laneId, f.laneId, iv.startMs, iv.endMs, m);
      }
      for (const g of projectedPromiseAll(f)) {
        const d = formatMs(g.endMs - g.startMs);
        const m = el('div', { class: 'cl-marker ghost warning', title: `Projected: with Promise.all these awaits would take about ${d}` },
          el('span', { class: 'cl-marker-label' }, `Promise.all ≈ ${d}`));
        m.dataset.kind = 'projected';
        add(f.id, g.laneId, f.laneId, g.startMs, g.endMs, m);
      }
    }
  }

  select(findingId: string | undefined): void {
    for (const m of this.markers) m.el.classList.toggle('selected', m.finding === findingId);
  }

  /** Places every marker for the scale `s` on a time area `width` px wide. */
  position(s: ScaleLinear<number, number>, width: number, layout: RowLayout): void {
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
    }
  }
}
