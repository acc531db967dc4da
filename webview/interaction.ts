import { select } from 'd3-selection';
import type { TimelineDom } from './timelineDom';
import type { Viewport } from './viewport';
import type { SelectionController } from './selection';
import type { HoverReadouts } from './tooltip';
import type { Host } from './host';
import type { TimelineModel } from './model';
import { itemLocation } from './describe';

/**
 * Input → view: wheel/pinch and drag zoom and pan (d3-zoom on lanes, tracks and axis), Shift+drag
 * zooms to a range, the overview centers or zooms, keys pan/zoom/scroll/select, hover shows
 * readouts, click selects, double-click opens the source. Contract: listeners only; every
 * state change goes through the viewport, the selection or `invalidate`.
 */
export interface InteractionParts {
  model: TimelineModel;
  dom: TimelineDom;
  viewport: Viewport;
  selection: SelectionController;
  hover: HoverReadouts;
  host: Host;
  invalidate(): void;
}

export function wireInteraction({ model, dom, viewport, selection, hover, host, invalidate }: InteractionParts): void {
  const { lanesCanvas, tracksCanvas, axisCanvas, lanesEl, overlay, overview } = dom;
  for (const target of [lanesCanvas, tracksCanvas, axisCanvas]) {
    const s = select(target as Element).call(viewport.zoom as any);
    s.on('dblclick.zoom', null);
  }
  lanesEl.addEventListener('scroll', () => invalidate(), { passive: true });
  // Finding markers lie over the canvas: wheel and drag on them still zoom and pan.
  overlay.addEventListener('wheel', (e) => {
    e.preventDefault();
    lanesCanvas.dispatchEvent(new WheelEvent('wheel', e));
  }, { passive: false });
  overlay.addEventListener('mousedown', (e) => {
    if (e.shiftKey) return;
    e.preventDefault();
    lanesCanvas.dispatchEvent(new MouseEvent('mousedown', e));
  });

  // Hover and click on lanes
  lanesCanvas.addEventListener('mousemove', (e) => hover.hoverLanes(e));
  lanesCanvas.addEventListener('mouseleave', () => hover.hide());
  for (const c of [lanesCanvas, tracksCanvas]) {
    c.addEventListener('mousemove', (e) => hover.moveCursor(e));
    c.addEventListener('mouseleave', () => hover.hideCursor());
  }
  lanesCanvas.addEventListener('click', (e) => selection.select(selection.hitTest(e)));
  lanesCanvas.addEventListener('dblclick', (e) => {
    const hit = selection.hitTest(e);
    const loc = hit && itemLocation(model, hit);
    if (loc) host.post({ type: 'openLocation', location: loc });
  });
  tracksCanvas.addEventListener('mousemove', (e) => hover.hoverTracks(e));
  tracksCanvas.addEventListener('mouseleave', () => hover.hide());

  wireRangeDrag(dom, viewport);
  wireOverview(overview, model.wallMs, viewport);
  wireKeys(lanesCanvas, lanesEl, viewport, selection, model.wallMs);
}

/** Shift+drag on the lanes: a box follows the pointer; on release (> 3 px) the view zooms to it. */
function wireRangeDrag({ lanesCanvas, selectionBox: box }: TimelineDom, viewport: Viewport): void {
  lanesCanvas.addEventListener('pointerdown', (e) => {
    if (!e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    const rect = lanesCanvas.getBoundingClientRect();
    const x0 = e.clientX - rect.left;
    const move = (ev: PointerEvent) => {
      const x1 = Math.max(0, Math.min(rect.width, ev.clientX - rect.left));
      const offset = lanesCanvas.offsetLeft;
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
        const s = viewport.xScale();
        viewport.zoomTo(s.invert(Math.min(x0, x1)), s.invert(Math.max(x0, x1)));
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  });
}

/** Overview: click centers the current span there, drag zooms to the dragged range. */
function wireOverview(overview: HTMLCanvasElement, wallMs: number, viewport: Viewport): void {
  overview.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    const rect = overview.getBoundingClientRect();
    const toT = (cx: number) => (Math.max(0, Math.min(rect.width, cx - rect.left)) / rect.width) * wallMs;
    const t0 = toT(e.clientX);
    const up = (ev: PointerEvent) => {
      window.removeEventListener('pointerup', up);
      const t1 = toT(ev.clientX);
      if (Math.abs(ev.clientX - e.clientX) > 3) viewport.zoomTo(t0, t1);
      else {
        const [a, b] = viewport.visibleRange();
        const half = (b - a) / 2;
        const c = Math.max(half, Math.min(wallMs - half, t0));
        viewport.zoomTo(c - half, c + half);
      }
    };
    window.addEventListener('pointerup', up);
  });
}

/** Keys on the focused lanes canvas (listed in its aria-label and the status bar). */
function wireKeys(lanesCanvas: HTMLCanvasElement, lanesEl: HTMLElement, viewport: Viewport, selection: SelectionController, wallMs: number): void {
  lanesCanvas.addEventListener('keydown', (e) => {
    const [a, b] = viewport.visibleRange();
    const span = b - a, c = (a + b) / 2;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft': case 'a': viewport.zoomTo(a - span * 0.2, b - span * 0.2); break;
      case 'ArrowRight': case 'd': viewport.zoomTo(a + span * 0.2, b + span * 0.2); break;
      case '+': case '=': case 'w': viewport.zoomTo(c - span / 3, c + span / 3); break;
      case '-': case '_': case 's': viewport.zoomTo(c - span * 0.75, c + span * 0.75); break;
      case '0': case 'Home': viewport.zoomTo(0, wallMs); break;
      case 'ArrowDown': lanesEl.scrollTop += 40; break;
      case 'ArrowUp': lanesEl.scrollTop -= 40; break;
      case 'PageDown': lanesEl.scrollTop += lanesEl.clientHeight * 0.9; break;
      case 'PageUp': lanesEl.scrollTop -= lanesEl.clientHeight * 0.9; break;
      case 'Escape': selection.select(undefined); break;
      case 'Enter': selection.selectCenter(); break;
      case ']': selection.step(1); break;
      case '[': selection.step(-1); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });
}
