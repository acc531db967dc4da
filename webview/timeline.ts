import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { axisBottom } from 'd3-axis';
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { Report } from '../analyzer/report';
import { buildModel, type TimelineModel } from './model';
import { layoutRows, bandAt, type RowLayout } from './rows';
import { createRuns, itemAt } from './lod';
import { LevelCache } from './levels';
import { readTheme, type Theme } from './theme';
import { canvasDpr, drawGrid, fitCanvas } from './canvas';
import { PixelLayer } from './pixels';
import { el, setText } from './dom';
import { formatMs } from './format';
import { buildHeader } from './header';
import { TRACKS, TRACK_H, drawTracks, trackMaxima, trackValuesAt } from './tracks';
import { findingRange } from './findings';
import { drawOverview } from './overview';
import { drawLanes } from './lanesCanvas';
import { FindingMarkers } from './markers';
import { SidePanel } from './sidePanel';
import { describeItem, itemLocation, type Selection } from './describe';
import type { Host } from './host';

/**
 * The timeline view: header, overview, time axis, tracks, lanes, findings panel, details.
 * One shared x transform (d3-zoom) drives every strip; all dense data goes on canvas and
 * is redrawn once per animation frame from the flat model. Text from the program is only
 * ever put in the page with textContent / fillText.
 */

export type { Selection } from './describe';

const MIN_SPAN_MS = 0.005;

export class Timeline {
  readonly model: TimelineModel;
  readonly layout: RowLayout;
  private theme: Theme;
  private base: ScaleLinear<number, number>;
  private transform: ZoomTransform = zoomIdentity;
  private zoom: ZoomBehavior<Element, unknown>;
  private width = 1;
  private frame = 0;
  private runs = createRuns();
  private levels: LevelCache;
  private pixels = new PixelLayer();
  private scratch: Float32Array[] = [];
  private maxima: number[];
  private selected: Selection | undefined;
  private laneIndex = new Map<string, number>();
  private markers!: FindingMarkers;
  private side!: SidePanel;
  private observers: { disconnect(): void }[] = [];
  /** Milliseconds the last render() took (read by the render benchmark). */
  lastRenderMs = 0;
  /** performance.now() after each part of the last render (axis, tracks, lanes, markers, overview). */
  renderParts: Record<string, number> = {};
  /** Milliseconds building the flat model took. */
  modelMs = 0;

  // Elements
  readonly root: HTMLElement;
  private overview!: HTMLCanvasElement;
  private axisSvg!: SVGSVGElement;
  private tracksCanvas!: HTMLCanvasElement;
  private trackValues: HTMLElement[] = [];
  private lanesEl!: HTMLElement;
  private lanesInner!: HTMLElement;
  private lanesCanvas!: HTMLCanvasElement;
  private overlay!: HTMLElement;
  private selectionBox!: HTMLElement;
  private rangeText!: HTMLElement;
  private tooltip!: HTMLElement;
  private cursor!: HTMLElement;

  constructor(root: HTMLElement, report: Report, private host: Host, private exporters: { trace?: () => void; cpuprofile?: () => void }, private baseline?: Report) {
    this.root = root;
    const t = performance.now();
    this.model = buildModel(report);
    this.modelMs = performance.now() - t;
    this.layout = layoutRows(this.model);
    report.lanes.forEach((l, i) => this.laneIndex.set(l.id, i));
    this.theme = readTheme();
    this.maxima = trackMaxima(this.model);
    this.levels = new LevelCache(this.model.wallMs);
    this.base = scaleLinear().domain([0, this.model.wallMs]).range([0, 1]);
    this.zoom = d3zoom<Element, unknown>()
      .scaleExtent([1, Math.max(1, this.model.wallMs / MIN_SPAN_MS)])
      .filter((e: any) => (e.type === 'wheel' || (!e.ctrlKey && !e.shiftKey && !e.button)))
      .on('zoom', (e) => this.onZoom(e.transform, e.sourceEvent));
    this.build();
  }

  /** The time range on screen, [t0, t1] in ms since run start. */
  visibleRange(): [number, number] {
    const d = this.transform.rescaleX(this.base).domain();
    return [d[0], d[1]];
  }

  zoomTo(t0: number, t1: number): void {
    const w = this.model.wallMs;
    let a = Math.max(0, Math.min(t0, t1)), b = Math.min(w, Math.max(t0, t1));
    if (b - a < MIN_SPAN_MS) { const c = (a + b) / 2; a = c - MIN_SPAN_MS / 2; b = c + MIN_SPAN_MS / 2; }
    const k = w / (b - a);
    const t = zoomIdentity.translate(-k * this.base(a), 0).scale(k);
    this.zoom.transform(select(this.lanesCanvas as Element), t);
  }

  resetZoom(): void { this.zoomTo(0, this.model.wallMs); }

  /** Stops observing the page (before a new report replaces this view). */
  dispose(): void {
    for (const o of this.observers) o.disconnect();
    this.observers = [];
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Redraw on the next animation frame. */
  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  // ---------------------------------------------------------------- building

  private build(): void {
    const r = this.model.report;
    const actions = el('div', { class: 'cl-actions' });
    const reset = el('button', { type: 'button', title: 'Show the whole run (key 0)' }, 'Reset zoom');
    reset.addEventListener('click', () => this.resetZoom());
    actions.append(reset);
    if (this.exporters.trace) {
      const b = el('button', { type: 'button', title: 'Chrome Trace Event JSON: opens in Perfetto and chrome://tracing' }, 'Export trace');
      b.addEventListener('click', () => this.exporters.trace!());
      actions.append(b);
    }
    if (this.exporters.cpuprofile) {
      const b = el('button', { type: 'button', title: 'V8 .cpuprofile: opens in VS Code\'s profile viewer' }, 'Export .cpuprofile');
      b.addEventListener('click', () => this.exporters.cpuprofile!());
      actions.append(b);
    }

    // Overview (minimap)
    this.overview = el('canvas', { role: 'img', 'aria-label': 'Overview of the whole run; click to center, drag to zoom to a range' });
    const overviewStrip = el('div', { class: 'cl-strip cl-overview' }, el('div', { class: 'cl-gutter-cell' }, 'Overview'), el('div', {}, this.overview));
    // Axis
    this.axisSvg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.axisSvg.setAttribute('aria-hidden', 'true');
    const axisStrip = el('div', { class: 'cl-strip cl-axis' }, el('div', { class: 'cl-gutter-cell' }, 'Time since start'), el('div', {}, this.axisSvg));
    // Tracks
    const labels = el('div', { class: 'cl-gutter-cell cl-track-labels' });
    TRACKS.forEach((tr, k) => {
      const value = el('span', { class: 'value' }, tr.peak(this.model));
      this.trackValues.push(value);
      const sw = el('span', { class: 'swatch' });
      sw.style.background = `var(--cl-${['lag', 'concurrency', 'parallelism', 'pool-running'][k]})`;
      const lab = el('div', { class: 'cl-track-label', title: `${tr.name}: ${tr.peak(this.model)}\n${tr.help}` }, sw, el('span', { class: 'name' }, tr.name), value);
      lab.style.height = `${TRACK_H}px`;
      labels.append(lab);
    });
    this.tracksCanvas = el('canvas', { role: 'img', 'aria-label': 'Tracks: event-loop lag, concurrency, parallelism, thread pool' });
    const tracksWrap = el('div', {}, this.tracksCanvas);
    tracksWrap.style.height = `${TRACK_H * TRACKS.length}px`;
    const tracksStrip = el('div', { class: 'cl-strip cl-tracks' }, labels, tracksWrap);
    // Lanes
    this.lanesCanvas = el('canvas', {
      class: 'cl-lanes-canvas', tabindex: '0', role: 'application', 'aria-roledescription': 'timeline',
      'aria-label': 'Lanes: busy slices and async spans. Left and right arrows pan, + and - zoom, 0 resets; Enter selects the span in the middle, [ and ] step to the previous and next span; Escape clears.',
    });
    const gutter = el('div', { class: 'cl-lanes-gutter', role: 'list', 'aria-label': 'Lanes' });
    for (const b of this.layout.bands) {
      const cls = b.type === 'process' ? 'process' : b.first ? 'lane' : 'site';
      const label = el('div', { class: `cl-row-label ${cls}${b.dim ? ' dim' : ''}`, title: b.title, role: 'listitem' }, b.label);
      if (b.type === 'row' && b.first) label.dataset.laneId = r.lanes[b.lane].id;
      label.style.top = `${b.y}px`;
      label.style.height = `${b.h}px`;
      label.style.lineHeight = `${b.h}px`;
      gutter.append(label);
    }
    gutter.style.height = `${this.layout.height}px`;
    this.overlay = el('div', { class: 'cl-overlay' });
    this.overlay.style.height = `${this.layout.height}px`;
    this.selectionBox = el('div', { class: 'cl-selection' });
    this.lanesInner = el('div', { class: 'cl-lanes-inner' }, this.lanesCanvas, gutter, this.overlay);
    this.lanesEl = el('div', { class: 'cl-lanes' }, this.lanesInner, this.selectionBox);
    // Status
    this.rangeText = el('span', { class: 'range', role: 'status', 'aria-live': 'polite', id: 'cl-range' });
    const dropped = r.spans.dropped;
    const droppedN = dropped.asyncSpans + dropped.slices + dropped.lag;
    const status = el('div', { class: 'cl-status' }, this.rangeText,
      el('span', {}, `${this.model.totalSpans.toLocaleString('en-US')} spans${droppedN ? ` (${droppedN.toLocaleString('en-US')} left out${dropped.note ? `: ${dropped.note}` : ''})` : ''}`),
      el('span', {}, 'Wheel/pinch: zoom · drag: pan · Shift+drag: zoom to selection · keys ← → + − 0, Enter [ ]'));
    this.cursor = el('div', { class: 'cl-cursor', 'aria-hidden': 'true' }, el('span', {}));
    const main = el('div', { class: 'cl-main' }, overviewStrip, axisStrip, tracksStrip, this.lanesEl, status, this.cursor);

    this.side = new SidePanel(r, (id) => this.selectFinding(id, true));

    this.tooltip = el('div', { class: 'cl-tooltip', role: 'tooltip' });
    const notes = [r.program.error ? `The run did not complete: ${r.program.error}` : '', ...(r.warnings ?? [])].filter(Boolean);
    const banner = el('div', { class: 'cl-banner', role: notes.length ? 'alert' : 'presentation' }, notes.join(' · '));
    if (!notes.length) banner.hidden = true;
    banner.title = notes.join('\n');
    this.root.classList.toggle('has-banner', notes.length > 0);
    this.root.replaceChildren(buildHeader(r, actions, this.baseline), banner, el('div', { class: 'cl-body' }, main, this.side.element), this.tooltip);

    this.markers = new FindingMarkers(this.overlay, r, (id) => this.selectFinding(id, true));
    this.wire();
    const ro = new ResizeObserver(() => this.resize());
    ro.observe(this.lanesEl);
    this.observers.push(ro);
    this.resize();
  }

  // ---------------------------------------------------------------- interaction

  private wire(): void {
    for (const target of [this.lanesCanvas, this.tracksCanvas, this.axisSvg]) {
      const s = select(target as Element).call(this.zoom as any);
      s.on('dblclick.zoom', null);
    }
    this.lanesEl.addEventListener('scroll', () => this.invalidate(), { passive: true });
    // Finding markers lie over the canvas: wheel and drag on them still zoom and pan.
    this.overlay.addEventListener('wheel', (e) => {
      e.preventDefault();
      this.lanesCanvas.dispatchEvent(new WheelEvent('wheel', e));
    }, { passive: false });
    this.overlay.addEventListener('mousedown', (e) => {
      if (e.shiftKey) return;
      e.preventDefault();
      this.lanesCanvas.dispatchEvent(new MouseEvent('mousedown', e));
    });

    // Hover and click on lanes
    this.lanesCanvas.addEventListener('mousemove', (e) => this.hoverLanes(e));
    this.lanesCanvas.addEventListener('mouseleave', () => this.hideTooltip());
    for (const c of [this.lanesCanvas, this.tracksCanvas]) {
      c.addEventListener('mousemove', (e) => this.moveCursor(e));
      c.addEventListener('mouseleave', () => { this.cursor.style.display = 'none'; });
    }
    this.lanesCanvas.addEventListener('click', (e) => {
      const hit = this.hitTest(e);
      this.select(hit);
    });
    this.lanesCanvas.addEventListener('dblclick', (e) => {
      const hit = this.hitTest(e);
      const loc = hit && itemLocation(this.model, hit);
      if (loc) this.host.post({ type: 'openLocation', location: loc });
    });
    this.tracksCanvas.addEventListener('mousemove', (e) => this.hoverTracks(e));
    this.tracksCanvas.addEventListener('mouseleave', () => this.hideTooltip());

    // Shift+drag: zoom to selection
    this.lanesCanvas.addEventListener('pointerdown', (e) => {
      if (!e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      const rect = this.lanesCanvas.getBoundingClientRect();
      const x0 = e.clientX - rect.left;
      const box = this.selectionBox;
      const move = (ev: PointerEvent) => {
        const x1 = Math.max(0, Math.min(rect.width, ev.clientX - rect.left));
        const offset = this.lanesCanvas.offsetLeft;
        box.style.display = 'block';
        box.style.left = `${offset + Math.min(x0, x1)}px`;
        box.style.width = `${Math.abs(x1 - x0)}px`;
      };
      const up = (ev: PointerEvent) => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        box.style.display = 'none';
        const x1 = Math.max(0, Math.min(rect.width, ev.clientX - rect.left));
        if (Math.abs(x1 - x0) > 3) {
          const s = this.xScale();
          this.zoomTo(s.invert(Math.min(x0, x1)), s.invert(Math.max(x0, x1)));
        }
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });

    // Overview: click centers, drag zooms to the dragged range
    this.overview.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      const rect = this.overview.getBoundingClientRect();
      const toT = (cx: number) => (Math.max(0, Math.min(rect.width, cx - rect.left)) / rect.width) * this.model.wallMs;
      const t0 = toT(e.clientX);
      const up = (ev: PointerEvent) => {
        window.removeEventListener('pointerup', up);
        const t1 = toT(ev.clientX);
        if (Math.abs(ev.clientX - e.clientX) > 3) this.zoomTo(t0, t1);
        else {
          const [a, b] = this.visibleRange();
          const half = (b - a) / 2;
          const c = Math.max(half, Math.min(this.model.wallMs - half, t0));
          this.zoomTo(c - half, c + half);
        }
      };
      window.addEventListener('pointerup', up);
    });

    // Keyboard
    this.lanesCanvas.addEventListener('keydown', (e) => {
      const [a, b] = this.visibleRange();
      const span = b - a, c = (a + b) / 2;
      let handled = true;
      switch (e.key) {
        case 'ArrowLeft': case 'a': this.zoomTo(a - span * 0.2, b - span * 0.2); break;
        case 'ArrowRight': case 'd': this.zoomTo(a + span * 0.2, b + span * 0.2); break;
        case '+': case '=': case 'w': this.zoomTo(c - span / 3, c + span / 3); break;
        case '-': case '_': case 's': this.zoomTo(c - span * 0.75, c + span * 0.75); break;
        case '0': case 'Home': this.resetZoom(); break;
        case 'ArrowDown': this.lanesEl.scrollTop += 40; break;
        case 'ArrowUp': this.lanesEl.scrollTop -= 40; break;
        case 'PageDown': this.lanesEl.scrollTop += this.lanesEl.clientHeight * 0.9; break;
        case 'PageUp': this.lanesEl.scrollTop -= this.lanesEl.clientHeight * 0.9; break;
        case 'Escape': this.select(undefined); break;
        case 'Enter': this.select(this.selected ?? this.itemNearCenter()); this.revealSelected(); break;
        case ']': this.stepSelection(1); break;
        case '[': this.stepSelection(-1); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });

    // Theme changes (VS Code switches the body class; standalone follows the OS).
    const mo = new MutationObserver(() => { this.theme = readTheme(); this.invalidate(); });
    mo.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.observers.push(mo);
    const mq = window.matchMedia?.('(prefers-color-scheme: light)');
    const onScheme = () => { this.theme = readTheme(); this.invalidate(); };
    mq?.addEventListener?.('change', onScheme);
    this.observers.push({ disconnect: () => mq?.removeEventListener?.('change', onScheme) });
  }

  private onZoom(t: ZoomTransform, _source: unknown): void {
    this.transform = zoomIdentity.translate(t.x, 0).scale(t.k);
    for (const target of [this.lanesCanvas, this.tracksCanvas, this.axisSvg] as any[]) target.__zoom = this.transform;
    this.hideTooltip();
    this.showRange();
    this.invalidate();
  }

  /** The status bar's visible range, updated at once (the canvases follow on the next frame). */
  private showRange(): void {
    const [t0, t1] = this.visibleRange();
    setText(this.rangeText, `Visible ${formatMs(t0)} – ${formatMs(t1)} (${formatMs(t1 - t0)} of ${formatMs(this.model.wallMs)})`);
    this.rangeText.dataset.t0 = String(t0);
    this.rangeText.dataset.t1 = String(t1);
  }

  /** Time → px in the time area at the current zoom. */
  private xScale(): ScaleLinear<number, number> {
    return this.transform.rescaleX(this.base);
  }

  private hitTest(e: MouseEvent): Selection | undefined {
    const rect = this.lanesCanvas.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top + this.lanesEl.scrollTop;
    const band = bandAt(this.layout, y);
    if (!band || band.type !== 'row') return undefined;
    const s = this.xScale();
    const t = s.invert(x);
    const tol = Math.abs(s.invert(x + 3) - t);
    const idx = itemAt(this.model.rows[band.row], t, tol);
    return idx >= 0 ? { row: band.row, index: idx } : undefined;
  }

  /** The item nearest the middle of the view in the topmost visible row that has any. */
  private itemNearCenter(): Selection | undefined {
    const [a, b] = this.visibleRange();
    const top = this.lanesEl.scrollTop;
    for (const band of this.layout.bands) {
      if (band.type !== 'row' || band.y + band.h < top) continue;
      const idx = itemAt(this.model.rows[band.row], (a + b) / 2, (b - a) / 2);
      if (idx >= 0) return { row: band.row, index: idx };
    }
    return undefined;
  }

  /** Keyboard: the next or previous item of the selected row, panned into view. */
  private stepSelection(dir: 1 | -1): void {
    const sel = this.selected ?? this.itemNearCenter();
    if (!sel) return;
    const n = this.model.rows[sel.row].start.length;
    const index = this.selected ? Math.max(0, Math.min(n - 1, sel.index + dir)) : sel.index;
    this.select({ row: sel.row, index });
    this.revealSelected();
  }

  private revealSelected(): void {
    if (!this.selected) return;
    const row = this.model.rows[this.selected.row];
    const s0 = row.start[this.selected.index], s1 = row.end[this.selected.index];
    const [a, b] = this.visibleRange();
    if (s0 < a || s1 > b) {
      const span = Math.max(b - a, (s1 - s0) * 1.5);
      const c = (s0 + s1) / 2;
      this.zoomTo(c - span / 2, c + span / 2);
    }
    const y = this.layout.rowY[this.selected.row], h = this.layout.rowH[this.selected.row];
    if (y < this.lanesEl.scrollTop || y + h > this.lanesEl.scrollTop + this.lanesEl.clientHeight) this.lanesEl.scrollTop = Math.max(0, y - 40);
  }

  private select(sel: Selection | undefined): void {
    this.selected = sel;
    if (!sel) this.side.showHint();
    else this.side.showItem(describeItem(this.model, sel));
    this.invalidate();
  }

  /** Highlights a finding, shows it on the timeline and (in VS Code) reveals its source. */
  selectFinding(id: string, fromUser: boolean): void {
    const f = this.model.report.findings.find((x) => x.id === id);
    if (!f) return;
    this.markers.select(id);
    this.side.showFinding(f);
    const range = findingRange(f);
    if (range) {
      const [a, b] = range;
      const pad = Math.max((b - a) * 0.15, 1);
      this.zoomTo(a - pad, b + pad);
      const lane = this.laneIndex.get(f.intervals![0].laneId) ?? this.laneIndex.get(f.laneId);
      if (lane !== undefined) {
        const top = this.layout.laneTop[lane] - 24, bottom = this.layout.laneBottom[lane];
        const st = this.lanesEl.scrollTop, h = this.lanesEl.clientHeight;
        if (top < st || bottom > st + h) this.lanesEl.scrollTop = Math.max(0, top);
      }
    }
    if (fromUser) {
      this.host.post({ type: 'selectFinding', findingId: id });
      this.host.post({ type: 'openLocation', location: f.location });
    }
  }

  private hoverLanes(e: MouseEvent): void {
    const hit = this.hitTest(e);
    if (!hit) { this.hideTooltip(); return; }
    const lines = describeItem(this.model, hit);
    this.showTooltip(e, lines.filter(([k]) => k !== 'Start' && k !== 'End').map(([k, v]) => `${k}: ${v}`).join('\n'));
  }

  private hoverTracks(e: MouseEvent): void {
    const rect = this.tracksCanvas.getBoundingClientRect();
    const k = Math.floor((e.clientY - rect.top) / TRACK_H);
    const t = this.xScale().invert(e.clientX - rect.left);
    const vals = trackValuesAt(this.model, t);
    if (k < 0 || k >= TRACKS.length) { this.hideTooltip(); return; }
    this.showTooltip(e, `${TRACKS[k].name} at ${formatMs(t)}: ${vals[k]}`);
  }

  /** A vertical line through the axis, tracks and lanes at the pointer, with its time. */
  private moveCursor(e: MouseEvent): void {
    const rect = this.lanesCanvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    if (x < 0 || x > rect.width) { this.cursor.style.display = 'none'; return; }
    const main = this.cursor.parentElement!.getBoundingClientRect();
    this.cursor.style.display = 'block';
    this.cursor.style.left = `${rect.left - main.left + x}px`;
    const label = this.cursor.firstElementChild as HTMLElement;
    setText(label, formatMs(this.xScale().invert(x)));
    label.classList.toggle('flip', x > rect.width - 80);
  }

  private showTooltip(e: MouseEvent, text: string): void {
    const tip = this.tooltip;
    setText(tip, text);
    tip.style.display = 'block';
    const w = tip.offsetWidth, h = tip.offsetHeight;
    const x = e.clientX + 14 + w > window.innerWidth ? e.clientX - w - 10 : e.clientX + 14;
    const y = e.clientY + 16 + h > window.innerHeight ? e.clientY - h - 10 : e.clientY + 16;
    tip.style.left = `${Math.max(0, x)}px`;
    tip.style.top = `${Math.max(0, y)}px`;
  }

  private hideTooltip(): void {
    this.tooltip.style.display = 'none';
  }

  // ---------------------------------------------------------------- drawing

  private resize(): void {
    const w = this.lanesCanvas.parentElement!.clientWidth - this.lanesCanvas.offsetLeft;
    const [a, b] = this.visibleRange();
    this.width = Math.max(50, w);
    // The base scale maps the whole run onto the time area; zoom transforms are in its px.
    this.base.range([0, this.width]);
    this.zoom.extent([[0, 0], [this.width, 100]]).translateExtent([[0, -1e9], [this.width, 1e9]]);
    const k = this.model.wallMs / Math.max(MIN_SPAN_MS, b - a);
    this.transform = zoomIdentity.translate(-k * this.base(a), 0).scale(k);
    for (const target of [this.lanesCanvas, this.tracksCanvas, this.axisSvg] as any[]) target.__zoom = this.transform;
    this.lanesInner.style.height = `${Math.max(this.layout.height, this.lanesEl.clientHeight)}px`;
    this.render();
  }

  render(): void {
    const t0p = performance.now();
    const [t0, t1] = this.visibleRange();
    const w = this.width;
    const th = this.theme;
    const s = this.xScale();
    const ticks = s.ticks(Math.max(2, Math.floor(w / 110)));

    // Axis
    const svg = select(this.axisSvg);
    let g = svg.select<SVGGElement>('g');
    if (g.empty()) g = svg.append('g');
    g.attr('transform', 'translate(0,1)').call(axisBottom(s).tickValues(ticks).tickFormat((d) => formatMs(+d)).tickSizeOuter(0));
    // Keep the labels at the edges inside the strip.
    g.selectAll<SVGTextElement, number>('.tick text').attr('text-anchor', (d) => (s(d) < 24 ? 'start' : s(d) > w - 24 ? 'end' : 'middle'));

    const mark = (name: string) => { this.renderParts[name] = performance.now(); };
    mark('axis');
    // Tracks
    const tctx = fitCanvas(this.tracksCanvas, w, TRACK_H * TRACKS.length);
    tctx.clearRect(0, 0, w, TRACK_H * TRACKS.length);
    drawGrid(tctx, s, ticks, TRACK_H * TRACKS.length, th);
    drawTracks(tctx, this.model, this.maxima, t0, t1, w, th, this.scratch);

    mark('tracks');
    // Lanes (only the rows in the scrolled window) and finding markers
    const vh = Math.max(1, this.lanesEl.clientHeight);
    drawLanes(fitCanvas(this.lanesCanvas, w, vh), {
      model: this.model, layout: this.layout, levels: this.levels, runs: this.runs, scale: s, ticks,
      width: w, height: vh, scrollTop: this.lanesEl.scrollTop, theme: th, selected: this.selected,
      pixels: this.pixels, dpr: canvasDpr(),
    });
    mark('lanes');
    this.markers.position(s, w, this.layout);
    mark('markers');
    // Overview
    drawOverview(this.overview, this.model, this.maxima, t0, t1, th, this.scratch);

    mark('overview');
    this.showRange();
    this.lastRenderMs = performance.now() - t0p;
  }
}
