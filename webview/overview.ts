import type { TimelineModel } from './model';
import type { Theme } from './theme';
import { canvasDpr, fitCanvas } from './canvas';
import { seriesColumns } from './lod';

/**
 * The overview (minimap): the whole run's parallelism and event-loop lag at a glance, with
 * the visible window outlined and the rest dimmed.
 */
/** Height of the overview strip in CSS px (fixed: no layout jumps). */
export const OVERVIEW_H = 43;

/**
 * The overview's whole-run bars depend only on the model, its width, the pixel ratio and the
 * theme, never on the visible range: they are drawn once into this offscreen canvas and
 * copied on every frame (only the visible window's outline moves).
 */
export class OverviewCache {
  canvas: HTMLCanvasElement | undefined;
  private key = '';
  private theme: Theme | undefined;

  /** The bars for this size and theme, drawn if they are not yet. */
  bars(m: TimelineModel, maxima: number[], w: number, th: Theme, scratch: Float32Array[]): HTMLCanvasElement {
    const key = `${w}|${canvasDpr()}`;
    if (this.canvas && key === this.key && th === this.theme) return this.canvas;
    this.key = key;
    this.theme = th;
    this.canvas ??= document.createElement('canvas');
    const ctx = fitCanvas(this.canvas, w, OVERVIEW_H);
    ctx.clearRect(0, 0, w, OVERVIEW_H);
    drawBars(ctx, m, maxima, w, th, scratch);
    return this.canvas;
  }
}

function drawBars(ctx: CanvasRenderingContext2D, m: TimelineModel, maxima: number[], w: number, th: Theme, scratch: Float32Array[]): void {
  const h = OVERVIEW_H;
  const cols = Math.max(1, Math.floor(w));
  const key = 2;
  if (!scratch[key] || scratch[key].length !== cols) scratch[key] = new Float32Array(cols);
  const wall = m.wallMs;
  const draw = (values: Float32Array, max: number, color: string, y0: number, hh: number) => {
    const col = seriesColumns(values, m.bucketMs, 0, wall, scratch[key]);
    ctx.fillStyle = color;
    ctx.beginPath();
    for (let x = 0; x < cols; x++) {
      const v = Math.min(1, col[x] / max);
      if (v > 0) ctx.rect(x, y0 + hh * (1 - v), 1, hh * v);
    }
    ctx.fill();
  };
  ctx.globalAlpha = 0.8;
  draw(m.parallelism, maxima[2], th.parallelism, 2, h * 0.6 - 2);
  draw(m.lag, maxima[0], th.lag, h * 0.62, h * 0.38 - 2);
  ctx.globalAlpha = 1;
}

/** The overview strip's width in CSS px (read before a frame writes to the page: no forced layout). */
export function overviewWidth(c: HTMLCanvasElement): number {
  return Math.max(1, c.parentElement?.clientWidth ?? c.clientWidth);
}

export function drawOverview(c: HTMLCanvasElement, w: number, m: TimelineModel, maxima: number[], t0: number, t1: number, th: Theme, scratch: Float32Array[], cache: OverviewCache): void {
  const h = OVERVIEW_H;
  const ctx = fitCanvas(c, w, h);
  ctx.clearRect(0, 0, w, h);
  ctx.drawImage(cache.bars(m, maxima, w, th, scratch), 0, 0, w, h);
  const wall = m.wallMs;
  const a = (t0 / wall) * w, b = (t1 / wall) * w;
  ctx.fillStyle = th.bg;
  ctx.globalAlpha = 0.55;
  ctx.fillRect(0, 0, a, h);
  ctx.fillRect(b, 0, w - b, h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = th.selection;
  ctx.lineWidth = 1.5;
  ctx.strokeRect(Math.max(0.75, a), 0.75, Math.max(2, Math.min(w - 1.5, b) - Math.max(0.75, a)), h - 1.5);
  ctx.lineWidth = 1;
}
