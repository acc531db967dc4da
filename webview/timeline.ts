import type { Report } from '../analyzer/report';
import { buildModel, type TimelineModel } from './model';
import type { LevelCache } from './levels';
import { layoutRows, type RowLayout } from './rows';
import { FindingMarkers } from './markers';
import { SidePanel } from './sidePanel';
import type { Host } from './host';
import { Viewport } from './viewport';
import { buildTimelineDom } from './timelineDom';
import { SelectionController } from './selection';
import { HoverReadouts } from './tooltip';
import { RenderLoop } from './renderLoop';
import { wireInteraction } from './interaction';

/**
 * The timeline view: header, overview, time axis, tracks, lanes, findings panel, details.
 * One shared x transform (viewport.ts, d3-zoom) drives every strip; all dense data goes on
 * canvas and is redrawn once per animation frame from the flat model (renderLoop.ts). Text
 * from the program is only ever put in the page with textContent / fillText.
 *
 * This class only assembles the parts, each in its own file:
 *   timelineDom.ts  the elements          interaction.ts  wheel, drag, keys, hover, click
 *   viewport.ts     visible time range     selection.ts    the selected item or finding
 *   tooltip.ts      hover readouts         renderLoop.ts   drawing, resize, theme
 */

export type { Selection } from './describe';

export class Timeline {
  readonly model: TimelineModel;
  readonly layout: RowLayout;
  readonly root: HTMLElement;
  /** Milliseconds building the flat model took. */
  modelMs = 0;
  private readonly viewport: Viewport;
  private readonly selection: SelectionController;
  private readonly loop: RenderLoop;

  /**
   * `preview`: the model the host built (preview.ts), pending until load() gives its rows'
   * items; without one the model is built here from the report. With `hold` nothing is drawn
   * until release() (the page measures the lanes, `width`, and seeds the preview first).
   */
  constructor(root: HTMLElement, report: Report, host: Host, exporters: { trace?: () => void; cpuprofile?: () => void }, baseline?: Report,
    preview?: { model: TimelineModel; levels: LevelCache; hold?: boolean }) {
    this.root = root;
    const t = performance.now();
    this.model = preview?.model ?? buildModel(report);
    this.modelMs = performance.now() - t;
    this.layout = layoutRows(this.model);

    const side = new SidePanel(report, (id) => this.selectFinding(id, true));
    const dom = buildTimelineDom(root, this.model, this.layout, side.element, { resetZoom: () => this.resetZoom(), exporters }, baseline);
    const markers = new FindingMarkers(dom.overlay, report, (id) => this.selectFinding(id, true));
    // Zoom/pan: hide the tooltip, show the new range at once, redraw on the next frame.
    this.viewport = new Viewport(this.model.wallMs, [dom.lanesCanvas, dom.tracksCanvas, dom.axisCanvas], () => {
      hover.hide();
      this.loop.showRange();
      this.loop.invalidate();
    });
    const invalidate = () => this.loop.invalidate();
    this.selection = new SelectionController(this.model, this.layout, this.viewport, dom, side, markers, host, invalidate);
    const hover = new HoverReadouts(this.model, this.viewport, dom, (e) => this.selection.hitTest(e));
    this.loop = new RenderLoop(this.model, this.layout, this.viewport, dom, markers, () => this.selection.selected, preview?.levels);
    wireInteraction({ model: this.model, dom, viewport: this.viewport, selection: this.selection, hover, host, invalidate });
    this.loop.measure();
    if (!preview?.hold) this.release();
  }

  /** Draws (now) and follows the page's size and theme from here on. */
  release(): void {
    this.loop.observe();
    this.loop.resize();
  }

  /** The lanes' width in CSS px (measured when the view was built and on each resize). */
  get width(): number { return this.viewport.width; }

  /**
   * A pending (preview) model's rows get their items: `full` is buildModel of the same report
   * once its columns are decoded, row for row what the preview described (the host built it
   * with the same code). False, changing nothing, if its rows do not match.
   */
  load(full: TimelineModel): boolean {
    const rows = this.model.rows;
    if (!this.model.pending || full.rows.length !== rows.length
      || full.rows.some((r, i) => r.kind !== rows[i].kind || r.lane !== rows[i].lane || r.label !== rows[i].label || (r.stairs?.steps ?? 1) !== (rows[i].stairs?.steps ?? 1))) return false;
    for (let i = 0; i < rows.length; i++) rows[i] = full.rows[i];
    this.model.pending = false;
    this.loop.loaded();
    return true;
  }

  /** Milliseconds the last render() took (read by the render benchmark). */
  get lastRenderMs(): number { return this.loop.lastRenderMs; }
  /** performance.now() after each part of the last render (axis, tracks, lanes, markers, overview). */
  get renderParts(): Record<string, number> { return this.loop.renderParts; }

  /** The time range on screen, [t0, t1] in ms since run start. */
  visibleRange(): [number, number] { return this.viewport.visibleRange(); }

  zoomTo(t0: number, t1: number): void { this.viewport.zoomTo(t0, t1); }

  resetZoom(): void { this.zoomTo(0, this.model.wallMs); }

  /** Stops observing the page (before a new report replaces this view). */
  dispose(): void { this.loop.dispose(); }

  /** Redraw on the next animation frame. */
  invalidate(): void { this.loop.invalidate(); }

  render(): void { this.loop.render(); }

  /** Highlights a finding, shows it on the timeline and (fromUser: in VS Code) reveals its source. */
  selectFinding(id: string, fromUser: boolean): void { this.selection.selectFinding(id, fromUser); }
}
