import type { TimelineModel } from './model';
import type { RowLayout } from './rows';
import type { Viewport } from './viewport';
import type { Host } from './host';
import type { SidePanel } from './sidePanel';
import type { FindingMarkers } from './markers';
import { bandAt } from './rows';
import { itemAt } from './lod';
import { findingRange } from './findings';
import { describeItem, type Selection } from './describe';

/**
 * What is selected: one lane item (a slice or span) or one finding. Contract: `selected` is the
 * only selection state; changing it updates the side panel (and markers, for a finding), asks
 * for a redraw with `invalidate`, and may zoom/scroll to bring it into view. Only a user's
 * choice of a finding is posted to the host (selectFinding + openLocation).
 */
export class SelectionController {
  selected: Selection | undefined;
  private laneIndex = new Map<string, number>();

  constructor(
    private readonly model: TimelineModel,
    private readonly layout: RowLayout,
    private readonly viewport: Viewport,
    private readonly els: { lanesCanvas: HTMLCanvasElement; lanesEl: HTMLElement },
    private readonly side: SidePanel,
    private readonly markers: FindingMarkers,
    private readonly host: Host,
    private readonly invalidate: () => void,
  ) {
    model.report.lanes.forEach((l, i) => this.laneIndex.set(l.id, i));
  }

  /** The lane item under the pointer (3 px tolerance), if any. */
  hitTest(e: MouseEvent): Selection | undefined {
    if (this.model.pending) return undefined;
    const rect = this.els.lanesCanvas.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top + this.els.lanesEl.scrollTop;
    const band = bandAt(this.layout, y);
    if (!band || band.type !== 'row') return undefined;
    const s = this.viewport.xScale();
    const t = s.invert(x);
    const tol = Math.abs(s.invert(x + 3) - t);
    const idx = itemAt(this.model.rows[band.row], t, tol);
    return idx >= 0 ? { row: band.row, index: idx } : undefined;
  }

  /** The item nearest the middle of the view in the topmost visible row that has any. */
  itemNearCenter(): Selection | undefined {
    if (this.model.pending) return undefined;
    const [a, b] = this.viewport.visibleRange();
    const top = this.els.lanesEl.scrollTop;
    for (const band of this.layout.bands) {
      if (band.type !== 'row' || band.y + band.h < top) continue;
      const idx = itemAt(this.model.rows[band.row], (a + b) / 2, (b - a) / 2);
      if (idx >= 0) return { row: band.row, index: idx };
    }
    return undefined;
  }

  /** Keyboard: the next or previous item of the selected row, panned into view. */
  step(dir: 1 | -1): void {
    const sel = this.selected ?? this.itemNearCenter();
    if (!sel) return;
    const n = this.model.rows[sel.row].start.length;
    const index = this.selected ? Math.max(0, Math.min(n - 1, sel.index + dir)) : sel.index;
    this.select({ row: sel.row, index });
    this.reveal();
  }

  /** Keyboard Enter: selects the item near the center unless one is selected, and shows it. */
  selectCenter(): void {
    this.select(this.selected ?? this.itemNearCenter());
    this.reveal();
  }

  /** Pans/zooms and scrolls so the selected item is in view. */
  reveal(): void {
    if (!this.selected) return;
    const lanesEl = this.els.lanesEl;
    const row = this.model.rows[this.selected.row];
    const s0 = row.start[this.selected.index], s1 = row.end[this.selected.index];
    const [a, b] = this.viewport.visibleRange();
    if (s0 < a || s1 > b) {
      const span = Math.max(b - a, (s1 - s0) * 1.5);
      const c = (s0 + s1) / 2;
      this.viewport.zoomTo(c - span / 2, c + span / 2);
    }
    const y = this.layout.rowY[this.selected.row], h = this.layout.rowH[this.selected.row];
    if (y < lanesEl.scrollTop || y + h > lanesEl.scrollTop + lanesEl.clientHeight) lanesEl.scrollTop = Math.max(0, y - 40);
  }

  select(sel: Selection | undefined): void {
    this.selected = sel;
    if (!sel) this.side.showHint();
    else this.side.showItem(describeItem(this.model, sel));
    this.invalidate();
  }

  /** Highlights a finding, shows it on the timeline and (fromUser: in VS Code) reveals its source. */
  selectFinding(id: string, fromUser: boolean): void {
    const f = this.model.report.findings.find((x) => x.id === id);
    if (!f) return;
    this.markers.select(id);
    this.side.showFinding(f);
    const range = findingRange(f);
    if (range) {
      const [a, b] = range;
      const pad = Math.max((b - a) * 0.15, 1);
      this.viewport.zoomTo(a - pad, b + pad);
      const lane = this.laneIndex.get(f.intervals![0].laneId) ?? this.laneIndex.get(f.laneId);
      if (lane !== undefined) {
        const lanesEl = this.els.lanesEl;
        const top = this.layout.laneTop[lane] - 24, bottom = this.layout.laneBottom[lane];
        const st = lanesEl.scrollTop, h = lanesEl.clientHeight;
        if (top < st || bottom > st + h) lanesEl.scrollTop = Math.max(0, top);
      }
    }
    if (fromUser) {
      this.host.post({ type: 'selectFinding', findingId: id });
      this.host.post({ type: 'openLocation', location: f.location });
    }
  }
}
