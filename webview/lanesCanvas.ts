import type { ScaleLinear } from 'd3-scale';
import type { TimelineModel } from './model';
import type { RowLayout } from './rows';
import type { Theme } from './theme';
import type { Selection } from './describe';
import type { LevelCache } from './levels';
import { visibleRuns, RUN_STRIDE, type Runs } from './lod';
import { drawGrid } from './canvas';
import type { PixelLayer } from './pixels';

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
  pixels: PixelLayer;
  dpr: number;
}

export function drawLanes(ctx: CanvasRenderingContext2D, f: LanesFrame): void {
  const { width: w, height: vh, scrollTop: top, theme: th, runs, pixels } = f;
  const [t0, t1] = f.scale.domain();
  const rows = f.model.rows;
  const msPerPx = (t1 - t0) / w;
  // Dense data first, into the pixel buffer; lines and bands are drawn over it.
  pixels.begin(ctx.canvas, f.dpr);
  const sliceColors = th.categories.map((c) => pixels.color(c));
  const asyncColors = [pixels.color(th.async, th.highContrast ? 1 : 0.75), pixels.color(th.rejected, th.highContrast ? 1 : 0.75)];
  const outlined: [number, number, number, number][] = [];
  for (const b of f.layout.bands) {
    const y = b.y - top;
    if (b.type !== 'row' || y + b.h < 0 || y > vh) continue;
    const row = rows[b.row];
    visibleRuns(f.levels.pick(b.row, row, msPerPx), t0, t1, w, runs);
    const slices = row.kind === 'slices';
    fillRuns(pixels, runs, slices ? sliceColors : asyncColors, slices ? y + 1 : y + 2, slices ? b.h - 2 : b.h - 4, th.highContrast ? outlined : undefined);
  }
  pixels.commit(ctx);
  drawGrid(ctx, f.scale, f.ticks, vh, th);
  ctx.strokeStyle = th.grid;
  ctx.beginPath();
  for (const b of f.layout.bands) {
    const y = b.y - top;
    if (y + b.h < 0 || y > vh) continue;
    if (b.type === 'process') {
      ctx.fillStyle = th.band;
      ctx.fillRect(0, y, w, b.h);
    } else if (rows[b.row].kind === 'async') {
      ctx.moveTo(0, y + b.h + 0.5); ctx.lineTo(w, y + b.h + 0.5);
    }
  }
  ctx.stroke();
  if (outlined.length) {
    // High contrast: every drawn run outlined.
    ctx.beginPath();
    for (const [x, y, ww, hh] of outlined) ctx.rect(x + 0.5, y + 0.5, Math.max(0, ww - 1), Math.max(0, hh - 1));
    ctx.stroke();
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
 * Fills the runs into the pixel buffer. A run that its items only partly fill is drawn
 * that fraction high, from the bottom of the row: zoomed out, a lane reads as a
 * utilization chart. In high contrast, collects the rectangles to outline.
 */
function fillRuns(pixels: PixelLayer, runs: Runs, colors: number[], y: number, h: number, outlined?: [number, number, number, number][]): void {
  const buf = runs.buf;
  for (let i = 0; i < runs.count; i++) {
    const o = i * RUN_STRIDE;
    const hh = buf[o + 3] >= 1 ? h : Math.max(2, h * buf[o + 3]);
    const color = colors[buf[o + 2]] ?? colors[0];
    pixels.fill(buf[o], buf[o + 1], y + h - hh, hh, color);
    if (outlined && buf[o + 1] - buf[o] >= 3) outlined.push([buf[o], y + h - hh, buf[o + 1] - buf[o], hh]);
  }
}
