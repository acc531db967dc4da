import type { ScaleLinear } from 'd3-scale';
import type { Theme } from './theme';
import { formatMs } from '../analyzer/format';

/**
 * The time axis, drawn on a canvas: the look of d3's axisBottom (a domain line, a 6 px tick
 * and a label under it per tick, labels at the edges kept inside the strip) without its SVG,
 * whose per-frame DOM updates (new text nodes, a re-layout of the whole page) cost more than
 * the drawing. The tick labels are kept in the canvas's `data-ticks` ("|"-separated) for tests
 * and tools. Coordinates as d3's: half-pixel offset at a pixel ratio of 1, none above.
 */
export const AXIS_H = 24;
const TICK = 6;
/** d3's axisBottom: the label's top is TICK + 3 px below the line, its baseline 0.71 em lower. */
const LABEL_Y = TICK + 3 + 0.71 * 10;

export function drawAxis(ctx: CanvasRenderingContext2D, s: ScaleLinear<number, number>, ticks: number[], width: number, th: Theme, dpr: number): void {
  const off = dpr > 1 ? 0 : 0.5;
  const top = 1;
  ctx.clearRect(0, 0, width, AXIS_H);
  ctx.strokeStyle = th.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(off, top + off); ctx.lineTo(width + off, top + off);
  const xs = ticks.map((t) => s(t) + off);
  for (const x of xs) { ctx.moveTo(x, top); ctx.lineTo(x, top + TICK); }
  ctx.stroke();
  ctx.font = '10px sans-serif';
  ctx.fillStyle = th.muted;
  ctx.textBaseline = 'alphabetic';
  const labels = ticks.map((t) => formatMs(t));
  ticks.forEach((t, i) => {
    const x = s(t);
    ctx.textAlign = x < 24 ? 'start' : x > width - 24 ? 'end' : 'center';
    ctx.fillText(labels[i], xs[i], top + LABEL_Y);
  });
  ctx.textAlign = 'start';
  const text = labels.join('|');
  if (ctx.canvas.dataset.ticks !== text) ctx.canvas.dataset.ticks = text;
}
