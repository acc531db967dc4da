import type { Report } from '../analyzer/report';
import type { TimelineModel } from './model';
import type { RowLayout } from './rows';
import { el } from './dom';
import { formatThousands } from '../analyzer/format';
import { buildHeader } from './header';
import { TRACKS, TRACK_H } from './tracks';

/**
 * The timeline's elements, built once per report: header, banner, overview, axis, tracks,
 * lanes (canvas, gutter of row labels, overlay for finding markers), status bar, cursor,
 * tooltip. Contract: builds and returns elements only; no listeners except the header's
 * action buttons (given as callbacks); `root`'s children are replaced.
 */
export interface TimelineDom {
  overview: HTMLCanvasElement;
  /** The time axis (axis.ts). */
  axisCanvas: HTMLCanvasElement;
  tracksCanvas: HTMLCanvasElement;
  /** The scrolling lanes viewport. */
  lanesEl: HTMLElement;
  /** Its content, as tall as all rows. */
  lanesInner: HTMLElement;
  lanesCanvas: HTMLCanvasElement;
  /** Holds the finding markers, over the lanes canvas. */
  overlay: HTMLElement;
  /** The Shift+drag range box. */
  selectionBox: HTMLElement;
  /** The status bar's visible range (role=status; data-t0/t1 carry the exact numbers). */
  rangeText: HTMLElement;
  tooltip: HTMLElement;
  /** The vertical line at the pointer, with a time label as its first child. */
  cursor: HTMLElement;
}

export interface DomActions {
  resetZoom(): void;
  exporters: { trace?: () => void; cpuprofile?: () => void };
}

export function buildTimelineDom(root: HTMLElement, model: TimelineModel, layout: RowLayout, side: HTMLElement, actions: DomActions, baseline?: Report): TimelineDom {
  const r = model.report;
  const buttons = el('div', { class: 'cl-actions' });
  const reset = el('button', { type: 'button', title: 'Show the whole run (key 0)' }, 'Reset zoom');
  reset.addEventListener('click', () => actions.resetZoom());
  buttons.append(reset);
  const { trace, cpuprofile } = actions.exporters;
  if (trace) {
    const b = el('button', { type: 'button', title: 'Chrome Trace Event JSON: opens in Perfetto and chrome://tracing' }, 'Export trace');
    b.addEventListener('click', () => trace());
    buttons.append(b);
  }
  if (cpuprofile) {
    const b = el('button', { type: 'button', title: 'V8 .cpuprofile: opens in VS Code\'s profile viewer' }, 'Export .cpuprofile');
    b.addEventListener('click', () => cpuprofile());
    buttons.append(b);
  }

  // Overview (minimap)
  const overview = el('canvas', { role: 'img', 'aria-label': 'Overview of the whole run; click to center, drag to zoom to a range' });
  const overviewStrip = el('div', { class: 'cl-strip cl-overview' }, el('div', { class: 'cl-gutter-cell' }, 'Overview'), el('div', {}, overview));
  // Axis
  const axisCanvas = el('canvas', { 'aria-hidden': 'true' });
  const axisStrip = el('div', { class: 'cl-strip cl-axis' }, el('div', { class: 'cl-gutter-cell' }, 'Time since start'), el('div', {}, axisCanvas));
  // Tracks
  const labels = el('div', { class: 'cl-gutter-cell cl-track-labels' });
  TRACKS.forEach((tr, k) => {
    const value = el('span', { class: 'value' }, tr.peak(model));
    const sw = el('span', { class: 'swatch' });
    sw.style.background = `var(--cl-${['lag', 'concurrency', 'parallelism', 'pool-running', 'async'][k]})`;
    const lab = el('div', { class: 'cl-track-label', title: `${tr.name}: ${tr.peak(model)}\n${tr.help}` }, sw, el('span', { class: 'name' }, tr.name), value);
    lab.style.height = `${TRACK_H}px`;
    labels.append(lab);
  });
  const tracksCanvas = el('canvas', { role: 'img', 'aria-label': 'Tracks: event-loop lag, concurrency, parallelism, thread pool' });
  const tracksWrap = el('div', {}, tracksCanvas);
  tracksWrap.style.height = `${TRACK_H * TRACKS.length}px`;
  const tracksStrip = el('div', { class: 'cl-strip cl-tracks' }, labels, tracksWrap);
  // Lanes
  const lanesCanvas = el('canvas', {
    class: 'cl-lanes-canvas', tabindex: '0', role: 'application', 'aria-roledescription': 'timeline',
    'aria-label': 'Lanes: busy slices and async spans. Left and right arrows pan, + and - zoom, 0 resets; Enter selects the span in the middle, [ and ] step to the previous and next span; Escape clears.',
  });
  const gutter = el('div', { class: 'cl-lanes-gutter', role: 'list', 'aria-label': 'Lanes' });
  for (const b of layout.bands) {
    const cls = b.type === 'process' ? 'process' : b.first ? 'lane' : 'site';
    const label = el('div', { class: `cl-row-label ${cls}${b.dim ? ' dim' : ''}`, title: b.title, role: 'listitem' }, b.label);
    if (b.type === 'row' && b.first) label.dataset.laneId = r.lanes[b.lane].id;
    label.style.top = `${b.y}px`;
    label.style.height = `${b.h}px`;
    label.style.lineHeight = `${b.h}px`;
    gutter.append(label);
  }
  gutter.style.height = `${layout.height}px`;
  const overlay = el('div', { class: 'cl-overlay' });
  overlay.style.height = `${layout.height}px`;
  const selectionBox = el('div', { class: 'cl-selection' });
  const lanesInner = el('div', { class: 'cl-lanes-inner' }, lanesCanvas, gutter, overlay);
  const lanesEl = el('div', { class: 'cl-lanes' }, lanesInner, selectionBox);
  // Status
  const rangeText = el('span', { class: 'range', role: 'status', 'aria-live': 'polite', id: 'cl-range' });
  const dropped = r.spans.dropped;
  const droppedN = dropped.asyncSpans + dropped.slices + dropped.lag;
  const status = el('div', { class: 'cl-status' }, rangeText,
    el('span', {}, `${formatThousands(model.totalSpans)} spans${droppedN ? ` (${formatThousands(droppedN)} left out${dropped.note ? `: ${dropped.note}` : ''})` : ''}`),
    el('span', {}, 'Wheel/pinch: zoom · drag: pan · Shift+drag: zoom to selection · keys ← → + − 0, Enter [ ]'));
  const cursor = el('div', { class: 'cl-cursor', 'aria-hidden': 'true' }, el('span', {}));
  const main = el('div', { class: 'cl-main' }, overviewStrip, axisStrip, tracksStrip, lanesEl, status, cursor);

  const tooltip = el('div', { class: 'cl-tooltip', role: 'tooltip' });
  const notes = [r.program.error ? `The run did not complete: ${r.program.error}` : '', ...(r.warnings ?? [])].filter(Boolean);
  const banner = el('div', { class: 'cl-banner', role: notes.length ? 'alert' : 'presentation' }, notes.join(' · '));
  if (!notes.length) banner.hidden = true;
  banner.title = notes.join('\n');
  root.classList.toggle('has-banner', notes.length > 0);
  root.replaceChildren(buildHeader(r, buttons, baseline), banner, el('div', { class: 'cl-body' }, main, side), tooltip);
  return { overview, axisCanvas, tracksCanvas, lanesEl, lanesInner, lanesCanvas, overlay, selectionBox, rangeText, tooltip, cursor };
}
