import type { ScaleLinear } from 'd3-scale';
import type { TimelineModel } from './model';
import { STEP_BAR_H, STEP_H, type RowLayout } from './rows';
import type { Row } from './model';
import type { Theme } from './theme';
import type { Selection } from './describe';
import { NOT_LOADED, type LevelCache } from './levels';
import type { RunsCache } from './runsCache';
import { lowerBound, RUN_STRIDE, type Drawable, type Runs } from './lod';
import { drawGrid } from './canvas';
import type { PixelLayer } from './pixels';

/**
 * Draws the lanes area: only the rows inside the scrolled window, each as the runs the
 * level of detail gives for the visible time range, a run as high as the share of it that
 * was busy (zoomed out, a lane reads as a utilization chart). The runs are written into a
 * pixel buffer (pixels.ts: rasterizing thousands of canvas rectangles was most of a frame)
 * and put on the canvas at once; the grid, process bands, row separators and the selected
 * item's outline are drawn on top.
 */
export interface LanesFrame {
  model: TimelineModel;
  layout: RowLayout;
  levels: LevelCache;
  runs: Runs;
  /** Runs kept from the last frame with the same time range. */
  runsCache: RunsCache;
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

/** Opacity of launchers' (npm, npx, sh) runs: they only start the processes that matter. */
const DIM_ALPHA = 0.4;

/** Returns how many rows in view were not drawn because their spans are not loaded yet (levels.ts). */
export function drawLanes(ctx: CanvasRenderingContext2D, f: LanesFrame): number {
  const { width: w, height: vh, scrollTop: top, theme: th, pixels } = f;
  const [t0, t1] = f.scale.domain();
  const runsOf = (src: Drawable) => f.runsCache.runs(src, t0, t1, w, f.runs);
  const rows = f.model.rows;
  const msPerPx = (t1 - t0) / w;
  const sliceColors = th.categories, asyncColors = [th.async, th.rejected];
  const asyncAlpha = th.highContrast ? 1 : 0.75;
  const outlined: [number, number, number, number][] | undefined = th.highContrast ? [] : undefined;
  pixels.begin(ctx.canvas, f.dpr);
  const slicePx = sliceColors.map((c) => pixels.color(c)), asyncPx = asyncColors.map((c) => pixels.color(c, asyncAlpha));
  const dimSlicePx = sliceColors.map((c) => pixels.color(c, DIM_ALPHA)), dimAsyncPx = asyncColors.map((c) => pixels.color(c, asyncAlpha * DIM_ALPHA));
  const gapPx = pixels.color(th.bg);
  let notLoaded = 0;
  for (const b of f.layout.bands) {
    const y = b.y - top;
    if (b.type !== 'row' || y + b.h < 0 || y > vh) continue;
    const row = rows[b.row];
    // What the row draws from: the row or a coarse level (levels.ts).
    const src = f.levels.pick(b.row, row, msPerPx);
    if (src === NOT_LOADED) { notLoaded++; continue; }
    const slices = row.kind === 'slices';
    if (eachStep(row, y, (level, sy, h) => { fillRuns(pixels, runsOf(level), b.dim ? dimAsyncPx : asyncPx, sy, h, outlined); })) continue;
    fillRuns(pixels, runsOf(src), slices ? (b.dim ? dimSlicePx : slicePx) : (b.dim ? dimAsyncPx : asyncPx), y + (slices ? 1 : 2), slices ? b.h - 2 : b.h - 4, outlined);
    // Back-to-back waits of a flat row: a gap at each boundary, so each is its own bar.
    if (!slices && src === row) drawBoundaries(pixels, row, t0, t1, w, y + 2, b.h - 4, gapPx);
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
  if (outlined?.length) {
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
  return notLoaded;
}

/** Draws a staircase row step by step (stairs.ts); false for a flat row. */
function eachStep(row: Row, y: number, draw: (level: Drawable, y: number, h: number) => void): boolean {
  const st = row.stairs;
  if (!st || st.steps <= 1) return false;
  st.levels.forEach((level, k) => draw(level, y + 2 + k * STEP_H, STEP_BAR_H));
  return true;
}

/** Items wider than this many px that start where the previous one ended get a 1px gap. */
const BOUNDARY_MIN_PX = 4;

function drawBoundaries(pixels: PixelLayer, row: Row, t0: number, t1: number, w: number, y: number, h: number, gap: number): void {
  const k = w / (t1 - t0);
  let i = Math.max(1, lowerBound(row.start, t0 - row.maxDur));
  const iEnd = lowerBound(row.start, t1);
  for (; i < iEnd; i++) {
    const x0 = (row.start[i] - t0) * k;
    if ((row.end[i] - row.start[i]) * k < BOUNDARY_MIN_PX || x0 < 0) continue;
    // Touching (or overlapping) the previous item: they would merge into one bar.
    if ((row.start[i] - row.end[i - 1]) * k < 1 && row.end[i - 1] > row.start[i - 1]) pixels.fill(Math.floor(x0), Math.floor(x0) + 1, y, h, gap);
  }
}

/** Runs shorter than a row are drawn at least this high (px): anything at all stays visible. */
const MIN_RUN_H = 2;

/**
 * Runs painted into the pixel buffer, each as high as the share of it that was busy, from the
 * bottom of the row. In high contrast, collects the rectangles to outline.
 */
function fillRuns(pixels: PixelLayer, runs: Runs, colors: number[], y: number, h: number, outlined?: [number, number, number, number][]): void {
  pixels.paintBars(runs.buf, runs.count, colors, y, h, MIN_RUN_H);
  if (!outlined) return;
  const buf = runs.buf;
  for (let i = 0; i < runs.count; i++) {
    const o = i * RUN_STRIDE;
    const cover = buf[o + 3], hh = cover >= 1 ? h : Math.max(MIN_RUN_H, h * cover);
    if (buf[o + 1] - buf[o] >= 3) outlined.push([buf[o], y + h - hh, buf[o + 1] - buf[o], hh]);
  }
}
