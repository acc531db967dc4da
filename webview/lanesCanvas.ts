import type { ScaleLinear } from 'd3-scale';
import type { TimelineModel } from './model';
import type { RowLayout } from './rows';
import type { Theme } from './theme';
import type { Selection } from './describe';
import type { LevelCache } from './levels';
import { visibleRuns, RUN_STRIDE, type Runs } from './lod';
import { drawGrid } from './canvas';

/**
 * Draws the lanes area: only the rows inside the scrolled window, each as the runs the
 * level of detail gives for the visible time range, batched into one path per colour
 * (few fillStyle changes whatever the item count), plus the selected item's outline.
 */
export interface LanesFrame {
  model: TimelineModel;
  layout: RowLayout;
  levels: LevelCache;
  runs: Runs;
  scale: ScaleLinear<number, number>;
  ticks: number[];
  width: number;
  height: number;
  scrollTop: number;
  theme: Theme;
  selected?: Selection;
}

export function drawLanes(ctx: CanvasRenderingContext2D, f: LanesFrame): void {
  const { width: w, height: vh, scrollTop: top, theme: th, runs } = f;
  const [t0, t1] = f.scale.domain();
  ctx.clearRect(0, 0, w, vh);
  drawGrid(ctx, f.scale, f.ticks, vh, th);
  const rows = f.model.rows;
  const msPerPx = (t1 - t0) / w;
  for (const b of f.layout.bands) {
    const y = b.y - top;
    if (y + b.h < 0 || y > vh) continue;
    if (b.type === 'process') {
      ctx.fillStyle = th.band;
      ctx.fillRect(0, y, w, b.h);
      continue;
    }
    const row = rows[b.row];
    visibleRuns(f.levels.pick(b.row, row, msPerPx), t0, t1, w, runs);
    if (row.kind === 'slices') {
      fillRuns(ctx, runs, th.categories, y + 1, b.h - 2, 1, th.highContrast ? th.grid : undefined);
    } else {
      ctx.strokeStyle = th.grid;
      ctx.beginPath(); ctx.moveTo(0, y + b.h + 0.5); ctx.lineTo(w, y + b.h + 0.5); ctx.stroke();
      fillRuns(ctx, runs, [th.async, th.rejected], y + 2, b.h - 4, th.highContrast ? 1 : 0.75, th.highContrast ? th.grid : undefined);
    }
  }
  if (f.selected) {
    const row = rows[f.selected.row];
    const y = f.layout.rowY[f.selected.row] - top, h = f.layout.rowH[f.selected.row];
    const x0 = f.scale(row.start[f.selected.index]), x1 = Math.max(x0 + 2, f.scale(row.end[f.selected.index]));
    ctx.strokeStyle = th.selection;
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.max(-2, x0) - 1, y, Math.min(w + 4, x1 - x0) + 2, h);
    ctx.lineWidth = 1;
  }
}

/**
 * Fills the runs of each colour as one path; in high contrast, outlines them too. A run
 * that its items only partly fill is drawn that fraction high, from the bottom of the row:
 * zoomed out, a lane reads as a utilization chart.
 */
function fillRuns(ctx: CanvasRenderingContext2D, runs: Runs, colors: string[], y: number, h: number, alpha: number, outline?: string): void {
  const buf = runs.buf;
  ctx.globalAlpha = alpha;
  for (let c = 0; c < colors.length; c++) {
    ctx.fillStyle = colors[c];
    ctx.beginPath();
    let any = false;
    for (let i = 0; i < runs.count; i++) {
      const o = i * RUN_STRIDE;
      if (buf[o + 2] !== c) continue;
      const hh = buf[o + 3] >= 1 ? h : Math.max(2, h * buf[o + 3]);
      ctx.rect(buf[o], y + h - hh, buf[o + 1] - buf[o], hh);
      any = true;
    }
    if (!any) continue;
    ctx.fill();
    if (outline) { ctx.strokeStyle = outline; ctx.lineWidth = 1; ctx.stroke(); }
  }
  ctx.globalAlpha = 1;
}
