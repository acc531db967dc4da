import type { TimelineModel } from './model';
import type { RowLayout } from './rows';
import type { Viewport } from './viewport';
import type { TimelineDom } from './timelineDom';
import type { FindingMarkers } from './markers';
import type { Selection } from './describe';
import { createRuns } from './lod';
import { LevelCache } from './levels';
import { RunsCache } from './runsCache';
import { readTheme, type Theme } from './theme';
import { canvasDpr, drawGrid, fitCanvas } from './canvas';
import { PixelLayer } from './pixels';
import { setText } from './dom';
import { formatMs } from '../analyzer/format';
import { TRACKS, TRACK_H, TrackOverlay, drawTracks, trackMaxima } from './tracks';
import { drawOverview, overviewWidth, OverviewCache } from './overview';
import { drawLanes, type LanesFrame } from './lanesCanvas';
import type { ScaleLinear } from 'd3-scale';
import { AXIS_H, drawAxis } from './axis';

/**
 * Drawing: at most one render per animation frame (`invalidate`), from the flat model at the
 * viewport's current range: axis, tracks, lanes (only the scrolled-in rows), finding
 * markers, overview, status range. Owns the draw caches (levels, runs, pixels, scratch) and the
 * theme, re-read when VS Code switches theme or the OS scheme changes. Contract: reads state,
 * never changes the viewport or the selection.
 */
export class RenderLoop {
  /** Off-screen draws made (warmDraw; read by tests). */
  get warmDrawsMade(): number { return this.warmDraws; }
  /** Whether the off-screen draws are over (made, or skipped). */
  get warmDone(): boolean { return this.warmSkipped || this.warmDraws >= this.warmDrawsWanted; }
  /** Milliseconds the last render() took (read by the render benchmark). */
  lastRenderMs = 0;
  /** performance.now() at the start of the last render and after each of its parts (axis, tracks, lanes, markers, overview). */
  renderParts: Record<string, number> = {};
  private frame = 0;
  private idle = 0;
  /**
   * Idle prebuilding's place in the layout's bands: first (0 … bands) the steps a zoom in from
   * the current view takes next, for every row, then (bands … 2 × bands) all other levels.
   */
  private prebuiltRows = 0;
  /** Off-screen draws of the lanes made so far (warmDraw), and how many to make. */
  private warmDraws = 0;
  /** Set when the page was kept busy before the draws were made: they are skipped. */
  private warmSkipped = false;
  private readonly warmDrawsWanted = globalThis.concurrencyLensWarmDraws ?? WARM_DRAWS;
  /** What warmDraw draws into and keeps its runs in: dropped once it is done. */
  private warm: { canvas: HTMLCanvasElement; runsCache: RunsCache } | undefined;
  /** The lanes' visible height and scroll position at the last frame. */
  private lanesHeight = 0;
  private lanesScroll = 0;
  private theme: Theme = readTheme();
  private runs = createRuns();
  private levels: LevelCache;
  private runsCache = new RunsCache();
  private pixels = new PixelLayer();
  private trackPixels = new PixelLayer();
  private trackOverlay = new TrackOverlay();
  private scratch: Float32Array[] = [];
  private overviewBars = new OverviewCache();
  private maxima: number[];
  private observers: { disconnect(): void }[] = [];
  /** Rows the last frame could not draw: their spans are not loaded yet (pending model). */
  private notLoaded = 0;
  /** Rows the last frame drew from a preview level other than the loaded view's (close, not identical). */
  private approximated = 0;
  /** The lanes' size last measured (width, content height), and whether a frame was drawn. */
  private size = [NaN, NaN];
  private drawn = false;

  constructor(
    private readonly model: TimelineModel,
    private readonly layout: RowLayout,
    private readonly viewport: Viewport,
    private readonly dom: TimelineDom,
    private readonly markers: FindingMarkers,
    private readonly selected: () => Selection | undefined,
    /** Levels seeded from the host's preview (a pending model), else built here. */
    levels?: LevelCache,
  ) {
    this.maxima = trackMaxima(model);
    this.levels = levels ?? new LevelCache(model.wallMs);
  }

  /** The model's rows now hold their items (Timeline.load): finer levels come from them; redraws. */
  loaded(): void {
    this.levels.loaded();
    this.invalidate();
  }

  /** Redraw on the next animation frame. */
  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /** Follows theme changes (VS Code switches the body class; standalone follows the OS) and lanes resizes. */
  observe(): void {
    const mo = new MutationObserver(() => { this.theme = readTheme(); this.invalidate(); });
    mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.observers.push(mo);
    const mq = window.matchMedia?.('(prefers-color-scheme: light)');
    const onScheme = () => { this.theme = readTheme(); this.invalidate(); };
    mq?.addEventListener?.('change', onScheme);
    this.observers.push({ disconnect: () => mq?.removeEventListener?.('change', onScheme) });
    const ro = new ResizeObserver(() => this.resize());
    ro.observe(this.dom.lanesEl);
    this.observers.push(ro);
  }

  /** Stops observing and drops a pending frame and idle work. */
  dispose(): void {
    for (const o of this.observers) o.disconnect();
    this.observers = [];
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.idle) cancelIdle(this.idle);
    this.idle = 0;
  }

  /**
   * Builds the rows' coarse levels while the page is idle, in layout order (the top rows are
   * the ones on screen first), a level at a time, so that zooming never stalls a frame on
   * building one: first the steps a zoom in from the current view takes next (every row), then
   * (after WARM_DRAWS off-screen draws of the lanes: warmDraw) all the others. Stops when every
   * row is done.
   */
  private prebuildLevels(): void {
    if (this.idle) return;
    const rows = this.model.rows, order = this.layout.bands, n = order.length;
    const step = (deadline: IdleDeadlineLike) => {
      this.idle = 0;
      const [t0, t1] = this.viewport.visibleRange(), msPerPx = (t1 - t0) / this.viewport.width;
      while (this.prebuiltRows < 2 * n) {
        // Between the two passes: the off-screen draws (they use the next steps, just built).
        // A page kept busy for a second (frames all along: they warm the code themselves) skips
        // them, so the levels a zoom needs next are not held up.
        if (this.prebuiltRows === n && !this.warmDone) {
          if (deadline.timeRemaining() >= 8) this.warmDraw(this.warmDraws++);
          else if (deadline.didTimeout) this.warmSkipped = true;
          else break;
          continue;
        }
        const b = order[this.prebuiltRows % n];
        const more = b.type === 'row' && (this.prebuiltRows < n
          ? this.levels.prebuildNext(b.row, rows[b.row], msPerPx)
          : this.levels.prebuild(b.row, rows[b.row]));
        if (!more) { this.prebuiltRows++; continue; }
        if (deadline.timeRemaining() < 4) break;
      }
      if (this.prebuiltRows < 2 * n) this.idle = requestIdle(step);
      if (this.warmDone) this.warm = undefined;
    };
    this.idle = requestIdle(step);
  }

  /**
   * Draws the lanes as a frame would, into a canvas that is never shown, at the visible range
   * and zoomed in from it (i: the draw's number). The first frames of a zoom used to pay for
   * V8's first uses of the drawing code (the first frame at the next level of detail took
   * 16–30 ms of lanes instead of ~6, and its optimizing compiler took it up again ~18 frames
   * later, 9–15 ms): these draws pay them in idle time instead. Nothing they draw is kept.
   */
  private warmDraw(i: number): void {
    const w = this.viewport.width, vh = this.lanesHeight;
    if (!(w > 0) || !(vh > 0)) return;
    this.warm ??= { canvas: document.createElement('canvas'), runsCache: new RunsCache() };
    const [v0, v1] = this.viewport.visibleRange();
    // The view, then the view zoomed in around its middle (the next levels of detail).
    const share = WARM_ZOOMS[i % WARM_ZOOMS.length], mid = (v0 + v1) / 2, half = ((v1 - v0) * share) / 2;
    const s = this.viewport.xScale().copy().domain([mid - half, mid + half]);
    drawLanes(fitCanvas(this.warm.canvas, w, vh), this.lanesFrame(s, axisTicks(s, w), vh, this.lanesScroll, this.warm.runsCache, undefined));
  }

  /** What drawLanes draws from, at scale `s` on lanes `height` px high scrolled to `scrollTop` (a frame, or warmDraw). */
  private lanesFrame(s: ScaleLinear<number, number>, ticks: number[], height: number, scrollTop: number, runsCache: RunsCache, selected: Selection | undefined): LanesFrame {
    return {
      model: this.model, layout: this.layout, levels: this.levels, runs: this.runs, runsCache, scale: s, ticks,
      width: this.viewport.width, height, scrollTop, theme: this.theme, selected, pixels: this.pixels, dpr: canvasDpr(),
    };
  }

  /**
   * Reads the lanes' size into the viewport (which keeps its time range); true if it is not the
   * size last read. The content's height first: a scrollbar it brings narrows the lanes.
   */
  measure(): boolean {
    const { lanesCanvas, lanesInner, lanesEl } = this.dom;
    const h = Math.max(this.layout.height, lanesEl.clientHeight);
    lanesInner.style.height = `${h}px`;
    const w = lanesCanvas.parentElement!.clientWidth - lanesCanvas.offsetLeft;
    const changed = w !== this.size[0] || h !== this.size[1];
    this.size = [w, h];
    this.viewport.resize(w);
    return changed;
  }

  /**
   * The lanes may have a new size: renders now if they do or nothing was drawn yet (the
   * ResizeObserver's first call reports the size the first frame was drawn at: no second render).
   */
  resize(): void {
    if (this.measure() || !this.drawn) this.render();
  }

  /** The status bar's visible range, updated at once (the canvases follow on the next frame). */
  showRange(): void {
    const [t0, t1] = this.viewport.visibleRange();
    const rangeText = this.dom.rangeText;
    const loading = !this.model.pending ? ''
      : this.notLoaded ? ' · loading spans: this zoom is drawn when they are decoded'
        : this.approximated ? ' · coarse preview: loading spans…' : ' · loading spans…';
    setText(rangeText, `Visible ${formatMs(t0)} – ${formatMs(t1)} (${formatMs(t1 - t0)} of ${formatMs(this.model.wallMs)})${loading}`);
    rangeText.dataset.t0 = String(t0);
    rangeText.dataset.t1 = String(t1);
  }

  render(): void {
    const t0p = performance.now();
    this.drawn = true;
    this.renderParts = { start: t0p };
    const [t0, t1] = this.viewport.visibleRange();
    const w = this.viewport.width;
    const th = this.theme;
    const s = this.viewport.xScale();
    const ticks = axisTicks(s, w);
    const { axisCanvas, tracksCanvas, lanesCanvas, lanesEl, overview } = this.dom;
    // Layout reads first: once the frame writes to the page, a read would force a layout.
    const vh = Math.max(1, lanesEl.clientHeight), scrollTop = lanesEl.scrollTop, ow = overviewWidth(overview);
    this.lanesHeight = vh;
    this.lanesScroll = scrollTop;

    // Axis
    drawAxis(fitCanvas(axisCanvas, w, AXIS_H), s, ticks, w, th, canvasDpr());

    const mark = (name: string) => { this.renderParts[name] = performance.now(); };
    mark('axis');
    // Tracks
    const tctx = fitCanvas(tracksCanvas, w, TRACK_H * TRACKS.length);
    tctx.clearRect(0, 0, w, TRACK_H * TRACKS.length);
    drawGrid(tctx, s, ticks, TRACK_H * TRACKS.length, th);
    drawTracks(tctx, this.model, this.maxima, t0, t1, w, th, this.scratch, this.trackPixels, canvasDpr(), this.trackOverlay);

    mark('tracks');
    // Lanes (only the rows in the scrolled window) and finding markers
    this.levels.approximated = 0;
    this.notLoaded = drawLanes(fitCanvas(lanesCanvas, w, vh), this.lanesFrame(s, ticks, vh, scrollTop, this.runsCache, this.selected()));
    this.approximated = this.levels.approximated;
    mark('lanes');
    this.markers.position(s, w, this.layout);
    mark('markers');
    // Overview
    drawOverview(overview, ow, this.model, this.maxima, t0, t1, th, this.scratch, this.overviewBars);

    mark('overview');
    this.showRange();
    this.lastRenderMs = performance.now() - t0p;
    if (this.prebuiltRows === 0 && !this.model.pending) this.prebuildLevels();
  }
}

/** The axis's ticks for lanes `w` px wide (about one per 110 px); the lanes' grid lines stand at them. */
function axisTicks(s: ScaleLinear<number, number>, w: number): number[] {
  return s.ticks(Math.max(2, Math.floor(w / 110)));
}

/**
 * Off-screen lanes draws once the next steps are built (RenderLoop.warmDraw; V8's optimizing
 * compiler took up the drawing code ~18 frames in), and the share of the view each draws: at
 * least half, which the steps prebuildNext built hold (no level is merged in a draw).
 */
const WARM_DRAWS = 24;
const WARM_ZOOMS = [1, 0.9995, 0.75, 0.55];

/** What an idle callback is given: the time left, and whether it runs because its timeout passed (the page was busy). */
interface IdleDeadlineLike { timeRemaining(): number; readonly didTimeout: boolean }

/** requestIdleCallback where there is one (Chromium: VS Code, the HTML report), else a timeout with a 10 ms budget. */
function requestIdle(cb: (deadline: IdleDeadlineLike) => void): number {
  if (typeof requestIdleCallback === 'function') return requestIdleCallback(cb, { timeout: 1000 });
  const t = performance.now();
  return window.setTimeout(() => cb({ timeRemaining: () => Math.max(0, 10 - (performance.now() - t)), didTimeout: false }), 16);
}

function cancelIdle(id: number): void {
  if (typeof cancelIdleCallback === 'function') cancelIdleCallback(id);
  else clearTimeout(id);
}
