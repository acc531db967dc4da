import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';

/** The narrowest time range the view zooms to (ms). */
export const MIN_SPAN_MS = 0.005;

/**
 * The shared x transform of every strip: which time range is on screen and how it maps to px.
 * Contract: one d3-zoom behaviour, attached by interaction.ts to the lanes, tracks and axis;
 * every change (wheel, drag, zoomTo, resize) lands in `transform` and calls `onChange` once.
 * Time → px: `xScale()`; px are in the time area, 0 … `width`.
 */
export class Viewport {
  readonly zoom: ZoomBehavior<Element, unknown>;
  /** Maps the whole run onto the time area; zoom transforms are in its px. */
  private base: ScaleLinear<number, number>;
  private transform: ZoomTransform = zoomIdentity;
  width = 1;

  /**
   * @param zoomTargets the elements d3-zoom is attached to (their stored transform is kept in step).
   * @param onChange called after each zoom or pan, with the event that caused it (if any).
   */
  constructor(private readonly wallMs: number, private readonly zoomTargets: Element[], private readonly onChange: () => void) {
    this.base = scaleLinear().domain([0, wallMs]).range([0, 1]);
    this.zoom = d3zoom<Element, unknown>()
      .scaleExtent([1, Math.max(1, wallMs / MIN_SPAN_MS)])
      .filter((e: any) => (e.type === 'wheel' || (!e.ctrlKey && !e.shiftKey && !e.button)))
      .on('zoom', (e) => this.onZoom(e.transform));
  }

  /** The time range on screen, [t0, t1] in ms since run start. */
  visibleRange(): [number, number] {
    const d = this.transform.rescaleX(this.base).domain();
    return [d[0], d[1]];
  }

  /** Time → px in the time area at the current zoom. */
  xScale(): ScaleLinear<number, number> {
    return this.transform.rescaleX(this.base);
  }

  /** Shows [t0, t1] (clamped to the run, at least MIN_SPAN_MS wide) through d3-zoom, so onChange follows. */
  zoomTo(t0: number, t1: number): void {
    const w = this.wallMs;
    let a = Math.max(0, Math.min(t0, t1)), b = Math.min(w, Math.max(t0, t1));
    if (b - a < MIN_SPAN_MS) { const c = (a + b) / 2; a = c - MIN_SPAN_MS / 2; b = c + MIN_SPAN_MS / 2; }
    const k = w / (b - a);
    const t = zoomIdentity.translate(-k * this.base(a), 0).scale(k);
    this.zoom.transform(select(this.zoomTargets[0]), t);
  }

  /** A new time-area width (px): keeps the visible time range; does not call onChange. */
  resize(width: number): void {
    const [a, b] = this.visibleRange();
    this.width = Math.max(50, width);
    this.base.range([0, this.width]);
    this.zoom.extent([[0, 0], [this.width, 100]]).translateExtent([[0, -1e9], [this.width, 1e9]]);
    const k = this.wallMs / Math.max(MIN_SPAN_MS, b - a);
    this.setTransform(zoomIdentity.translate(-k * this.base(a), 0).scale(k));
  }

  private onZoom(t: ZoomTransform): void {
    this.setTransform(zoomIdentity.translate(t.x, 0).scale(t.k));
    this.onChange();
  }

  /** x only (no vertical zoom); d3-zoom's per-element state follows, so the next gesture starts from here. */
  private setTransform(t: ZoomTransform): void {
    this.transform = t;
    for (const target of this.zoomTargets as any[]) target.__zoom = t;
  }
}
