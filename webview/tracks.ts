import type { TimelineModel } from './model';
import type { Theme } from './theme';
import { seriesColumns } from './lod';
import type { PixelLayer } from './pixels';
import { formatCount, formatMs } from '../analyzer/format';
import { awaitsRan } from '../analyzer/awaitsRan';

/**
 * The whole-run tracks above the lanes: event-loop lag, concurrency (async ops in flight),
 * parallelism (lanes on CPU, with a line at the core count) and the libuv thread pool
 * (running, with queued stacked on top, and a line at the pool size), HTTP requests in flight. Each is drawn as
 * the max per pixel column so short spikes stay visible at any zoom.
 */
export interface TrackSpec {
  id: string;
  name: string;
  /** Explains the track (tooltip of its label). */
  help: string;
  colors: (t: Theme) => string[];
  series: (m: TimelineModel) => Float32Array[];
  /** A horizontal reference line (core count, pool size), if any. */
  limit?: (m: TimelineModel) => number | undefined;
  limitLabel?: string;
  peak: (m: TimelineModel) => string;
}

export const TRACK_H = 34;

export const TRACKS: TrackSpec[] = [
  {
    id: 'lag', name: 'Event-loop lag', help: 'How late timers fired: the worst lane in each 10 ms. High means the event loop was blocked.',
    colors: (t) => [t.lag], series: (m) => [m.lag],
    peak: (m) => `p99 ${formatMs(m.report.metrics.eventLoopLagMs.p99)}`,
  },
  {
    id: 'concurrency', name: 'Concurrency', help: 'Async operations in flight (awaits waiting on I/O, timers or other threads; a server\'s requests where they outnumber those).',
    colors: (t) => [t.concurrency], series: (m) => [m.concurrency],
    peak: (m) => (awaitsRan(m.report) ? `max ${formatCount(m.report.metrics.maxConcurrency)}` : 'no awaits of yours'),
  },
  {
    id: 'parallelism', name: 'Parallelism', help: 'Threads and processes on CPU at once. The line is the number of cores.',
    colors: (t) => [t.parallelism], series: (m) => [m.parallelism],
    limit: (m) => m.report.program.cores, limitLabel: 'cores',
    peak: (m) => `max ${formatCount(m.report.metrics.maxParallelism)} / ${m.report.program.cores}`,
  },
  {
    id: 'threadpool', name: 'libuv thread pool', help: 'Thread-pool tasks running (purple) and queued waiting for a thread (orange). The line is the pool size.',
    colors: (t) => [t.poolRunning, t.poolQueued], series: (m) => [m.threadpoolRunning, m.threadpoolQueued],
    limit: (m) => m.report.metrics.threadpool.size || undefined, limitLabel: 'size',
    peak: (m) => {
      const tp = m.report.metrics.threadpool as { maxInFlight: number; maxRunning?: number; maxQueued: number };
      return `max ${tp.maxRunning ?? tp.maxInFlight} + ${tp.maxQueued} queued`;
    },
  },
  {
    id: 'requests', name: 'HTTP requests', help: 'HTTP requests in flight: served by the program and made by it (fetch, http.request), all threads.',
    colors: (t) => [t.async], series: (m) => [m.requestsInFlight],
    peak: (m) => (m.report.metrics.maxRequestsInFlight === undefined ? 'none recorded' : `max ${formatCount(m.report.metrics.maxRequestsInFlight)}`),
  },
];

/** Largest value each track reaches over the whole run (fixed y scale: zooming never rescales). */
export function trackMaxima(m: TimelineModel): number[] {
  return TRACKS.map((tr) => {
    const ss = tr.series(m);
    let max = 0;
    if (ss.length === 2) for (let i = 0; i < ss[0].length; i++) max = Math.max(max, ss[0][i] + (ss[1][i] ?? 0));
    else for (const v of ss[0]) if (v > max) max = v;
    const lim = tr.limit?.(m) ?? 0;
    return niceCeil(Math.max(max, lim, tr.id === 'lag' ? 10 : 1));
  });
}

/** The scale's top: the next 1, 2, 5 × 10^k at or above v, so its labels read as round numbers. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const k of [1, 2, 5, 10]) if (k * p >= v - 1e-9) return k * p;
  return 10 * p;
}

/** Scale labels of a track: its top and middle, in its unit ("20 ms", "10"). */
export function scaleLabels(tr: TrackSpec, max: number): [number, string][] {
  const text = (v: number) => (tr.id === 'lag' ? formatMs(v) : formatCount(v));
  return [[max, text(max)], [max / 2, text(max / 2)]];
}

/**
 * Draws the tracks over the grid (already on `ctx`): the alternate tracks' bands, the bars
 * (written into `pixels` and drawn at once: rasterizing a canvas rectangle per pixel column
 * and series was most of a frame), then the overlay (each track's limit line, scale and
 * separator), which does not depend on the time range: drawn once into `overlay` and copied.
 */
export function drawTracks(ctx: CanvasRenderingContext2D, m: TimelineModel, maxima: number[], t0: number, t1: number, width: number, theme: Theme, scratch: Float32Array[], pixels: PixelLayer, dpr: number, overlay: TrackOverlay): void {
  const cols = Math.max(1, Math.floor(width));
  ctx.fillStyle = theme.band;
  TRACKS.forEach((_, k) => { if (k % 2) ctx.fillRect(0, k * TRACK_H, width, TRACK_H); });
  pixels.begin(ctx.canvas, dpr);
  const alpha = theme.highContrast ? 1 : 0.85;
  TRACKS.forEach((tr, k) => {
    const top = k * TRACK_H;
    const h = TRACK_H - 4;
    const base = top + TRACK_H - 1;
    const max = maxima[k];
    const ss = tr.series(m), colors = tr.colors(theme);
    let below: Float32Array | undefined;
    ss.forEach((s, j) => {
      if (!scratch[j] || scratch[j].length !== cols) scratch[j] = new Float32Array(cols);
      const col = seriesColumns(s, m.bucketMs, t0, t1, scratch[j]);
      const color = pixels.color(colors[j], alpha);
      for (let x = 0; x < cols; x++) {
        const lo = below ? below[x] : 0;
        const v = col[x];
        if (v <= 0) continue;
        const y0 = base - ((lo + v) / max) * h, y1 = base - (lo / max) * h;
        pixels.paint(x, x + 1, y0, Math.max(0.75, y1 - y0), color, j > 0);
      }
      if (ss.length > 1 && j === 0) { below = Float32Array.from(col); }
    });
  });
  pixels.commitOver(ctx);
  const layer = overlay.canvas(m, maxima, width, theme, dpr);
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.drawImage(layer, 0, 0);
  ctx.restore();
}

/**
 * What is drawn over the tracks' bars whatever the time range (limit lines and their labels,
 * scales, separators): it depends on the model, the width, the pixel ratio and the theme
 * only, so it is drawn once into an offscreen canvas the size of the tracks' and copied on
 * every frame (its text and dashed lines were a good part of a tracks frame).
 */
export class TrackOverlay {
  private layer: HTMLCanvasElement | undefined;
  private key = '';
  private theme: Theme | undefined;

  canvas(m: TimelineModel, maxima: number[], width: number, theme: Theme, dpr: number): HTMLCanvasElement {
    const key = `${width}|${dpr}|${maxima.join()}`;
    if (this.layer && key === this.key && theme === this.theme) return this.layer;
    this.key = key;
    this.theme = theme;
    const c = (this.layer ??= document.createElement('canvas'));
    c.width = Math.max(1, Math.round(width * dpr));
    c.height = Math.max(1, Math.round(TRACK_H * TRACKS.length * dpr));
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, TRACK_H * TRACKS.length);
    drawOverlay(ctx, m, maxima, width, theme);
    return c;
  }
}

function drawOverlay(ctx: CanvasRenderingContext2D, m: TimelineModel, maxima: number[], width: number, theme: Theme): void {
  TRACKS.forEach((tr, k) => {
    const top = k * TRACK_H;
    const h = TRACK_H - 4;
    const base = top + TRACK_H - 1;
    const max = maxima[k];
    const lim = tr.limit?.(m);
    if (lim) {
      const y = Math.round(base - (lim / max) * h) + 0.5;
      ctx.strokeStyle = theme.limit;
      ctx.setLineDash([4, 3]);
      ctx.globalAlpha = 0.7;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(width, y); ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      // The label sits on a patch of background so the data under it cannot hide it.
      const text = `${lim} ${tr.limitLabel ?? ''}`;
      ctx.font = '10px sans-serif';
      const tw = ctx.measureText(text).width;
      const ty = Math.max(top + 10, y - 2);
      ctx.fillStyle = theme.bg;
      ctx.globalAlpha = 0.8;
      ctx.fillRect(width - tw - 8, ty - 9, tw + 6, 11);
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.fg;
      ctx.textAlign = 'right';
      ctx.fillText(text, width - 4, ty);
      ctx.textAlign = 'left';
    }
    drawScale(ctx, tr, max, top, base, h, width, theme);
    ctx.strokeStyle = theme.grid;
    ctx.beginPath(); ctx.moveTo(0, top + TRACK_H - 0.5); ctx.lineTo(width, top + TRACK_H - 0.5); ctx.stroke();
  });
}

/** Track values at time t (for the hover readout). */
export function trackValuesAt(m: TimelineModel, t: number): string[] {
  const b = Math.floor(t / m.bucketMs);
  const at = (a: Float32Array) => (b >= 0 && b < a.length ? a[b] : 0);
  return [
    `lag ${formatMs(at(m.lag))}`,
    `${formatCount(at(m.concurrency))} in flight`,
    `${formatCount(at(m.parallelism))} on CPU`,
    `${formatCount(at(m.threadpoolRunning))} running, ${formatCount(at(m.threadpoolQueued))} queued`,
    `${formatCount(at(m.requestsInFlight))} requests in flight`,
  ];
}

/**
 * The track's y axis at its left edge: ticks and labels at the top and middle of the scale, on
 * a patch of background (visible at any width: the scale is what tells max 1 from max 21).
 */
function drawScale(ctx: CanvasRenderingContext2D, tr: TrackSpec, max: number, top: number, base: number, h: number, width: number, theme: Theme): void {
  ctx.font = '9px sans-serif';
  ctx.textAlign = 'left';
  for (const [v, text] of scaleLabels(tr, max)) {
    const y = Math.round(base - (v / max) * h) + 0.5;
    ctx.strokeStyle = theme.grid;
    ctx.setLineDash([2, 4]);
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(width, y); ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = theme.muted;
    ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(4, y); ctx.stroke();
    const tw = ctx.measureText(text).width;
    const ty = Math.max(top + 9, Math.min(base - 1, y + 4));
    ctx.fillStyle = theme.bg;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(5, ty - 8, tw + 4, 10);
    ctx.globalAlpha = 1;
    ctx.fillStyle = theme.fg;
    ctx.fillText(text, 7, ty);
  }
}
