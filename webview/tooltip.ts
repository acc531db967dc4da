import type { TimelineModel } from './model';
import type { Viewport } from './viewport';
import type { Selection } from './describe';
import { describeItem } from './describe';
import { setText } from './dom';
import { formatMs } from '../analyzer/format';
import { TRACKS, TRACK_H, trackValuesAt } from './tracks';

/**
 * Hover readouts: the tooltip (text only, kept inside the window) over lanes and tracks, and the
 * cursor line with its time through the axis, tracks and lanes. Contract: reads the model and
 * the viewport, writes only the tooltip and cursor elements; `hitTest` finds the lane item under
 * the pointer (selection.ts).
 */
export class HoverReadouts {
  constructor(
    private readonly model: TimelineModel,
    private readonly viewport: Viewport,
    private readonly els: { tooltip: HTMLElement; cursor: HTMLElement; lanesCanvas: HTMLCanvasElement; tracksCanvas: HTMLCanvasElement },
    private readonly hitTest: (e: MouseEvent) => Selection | undefined,
  ) {}

  hoverLanes(e: MouseEvent): void {
    const hit = this.hitTest(e);
    if (!hit) { this.hide(); return; }
    const lines = describeItem(this.model, hit);
    this.show(e, lines.filter(([k]) => k !== 'Start' && k !== 'End').map(([k, v]) => `${k}: ${v}`).join('\n'));
  }

  hoverTracks(e: MouseEvent): void {
    const rect = this.els.tracksCanvas.getBoundingClientRect();
    const k = Math.floor((e.clientY - rect.top) / TRACK_H);
    const t = this.viewport.xScale().invert(e.clientX - rect.left);
    const vals = trackValuesAt(this.model, t);
    if (k < 0 || k >= TRACKS.length) { this.hide(); return; }
    this.show(e, `${TRACKS[k].name} at ${formatMs(t)}: ${vals[k]}`);
  }

  /** A vertical line through the axis, tracks and lanes at the pointer, with its time. */
  moveCursor(e: MouseEvent): void {
    const cursor = this.els.cursor;
    const rect = this.els.lanesCanvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    if (x < 0 || x > rect.width) { cursor.style.display = 'none'; return; }
    const main = cursor.parentElement!.getBoundingClientRect();
    cursor.style.display = 'block';
    cursor.style.left = `${rect.left - main.left + x}px`;
    const label = cursor.firstElementChild as HTMLElement;
    setText(label, formatMs(this.viewport.xScale().invert(x)));
    label.classList.toggle('flip', x > rect.width - 80);
  }

  hideCursor(): void {
    this.els.cursor.style.display = 'none';
  }

  show(e: MouseEvent, text: string): void {
    const tip = this.els.tooltip;
    setText(tip, text);
    tip.style.display = 'block';
    const w = tip.offsetWidth, h = tip.offsetHeight;
    const x = e.clientX + 14 + w > window.innerWidth ? e.clientX - w - 10 : e.clientX + 14;
    const y = e.clientY + 16 + h > window.innerHeight ? e.clientY - h - 10 : e.clientY + 16;
    tip.style.left = `${Math.max(0, x)}px`;
    tip.style.top = `${Math.max(0, y)}px`;
  }

  hide(): void {
    this.els.tooltip.style.display = 'none';
  }
}
