import type { Report } from '../analyzer/report';
import { exportTrace } from '../analyzer/exportTrace';
import { connectHost } from './host';
import { Timeline } from './timeline';
import { el } from './dom';
import { unpackColumns, base64Bytes, type PackedHeader } from './packedColumns';
import { classFor, previewModel, seedClass, type ClassHeader, type Preview, type PreviewHeader } from './preview';
import { buildModel } from './model';
import { warmUpDrawLoops } from './lod';

/**
 * Entry point of dist/webview.js. Reads the embedded report (the JSON data block written
 * by page.ts, or `globalThis.CONCURRENCY_LENS_MODEL` if a host set it), renders the
 * timeline, and talks to VS Code when there is one. Exposes `globalThis.concurrencyLens`
 * (visible range, zoom, last render time, `timings`: where the time to the first frame went and,
 * as `loadedMs`, when every span was loaded) for the browser tests and the render benchmark.
 * A page with the host's preview (preview.ts) builds the view from its head, measures the lanes,
 * draws its first frame from class 0 (before the script; coarse, and labelled so, when the lanes
 * draw a finer class), redraws once the class of that width is parsed
 * (`timings.exactMs`), then loads the spans (its model is `pending` until then).
 */
declare global {
  // eslint-disable-next-line no-var
  var CONCURRENCY_LENS_MODEL: Report | undefined;
  // eslint-disable-next-line no-var
  var concurrencyLens: { timeline: Timeline; firstPaintMs?: number; timings: Record<string, number>; exactPending?: boolean } | undefined;
  /** If set (by a host or a test), the spans of a page with a preview are loaded only once it resolves. */
  // eslint-disable-next-line no-var
  var concurrencyLensHoldSpans: Promise<unknown> | undefined;
  /**
   * If set (by a test), a page with a preview whose lanes draw a finer class than class 0 reads
   * that class only once it resolves: its first frame is the coarse one even if the class is parsed.
   */
  // eslint-disable-next-line no-var
  var concurrencyLensHoldExact: Promise<unknown> | undefined;
  /** If set (by a test), how many off-screen draws of the lanes the page makes once loaded (renderLoop.ts: warmDraw). */
  // eslint-disable-next-line no-var
  var concurrencyLensWarmDraws: number | undefined;
}

/** The page's data blocks (page.ts): the report, the host's preview and its classes, the packed columns. */
function block(id: string): string | undefined {
  return document.getElementById(id)?.textContent || undefined;
}

/**
 * Block `id` once the parser is past it (the blocks after the script: page.ts), or undefined if
 * the page has none. An element is whole once something follows it or the document is parsed.
 */
function parsedBlock(id: string): Promise<string | undefined> {
  const done = () => isParsed(id);
  if (done()) return Promise.resolve(block(id));
  return new Promise((resolve) => {
    const check = () => {
      if (!done()) return;
      mo.disconnect();
      document.removeEventListener('DOMContentLoaded', check);
      resolve(block(id));
    };
    const mo = new MutationObserver(check);
    mo.observe(document.body, { childList: true });
    document.addEventListener('DOMContentLoaded', check);
  });
}

/** Whether the parser is past block `id` (or the document is parsed). */
function isParsed(id: string): boolean {
  return document.readyState !== 'loading' || !!document.getElementById(id)?.nextSibling;
}

/** "header JSON\nbase64" → [header, base64]. */
function splitBlock(text: string): [unknown, string] {
  const nl = text.indexOf('\n');
  return [JSON.parse(text.slice(0, nl)), text.slice(nl + 1)];
}

/**
 * The packed columns into `report` (they follow the script in the page: read once it is parsed).
 * False if the page has none.
 */
async function loadColumns(report: Report, timings: Record<string, number>): Promise<boolean> {
  if (document.readyState === 'loading') await new Promise((res) => document.addEventListener('DOMContentLoaded', res, { once: true }));
  const packed = block('cl-columns');
  if (!packed) return false;
  const t = performance.now();
  const [header, base64] = splitBlock(packed);
  await unpackColumns(report, header as PackedHeader, base64, timings);
  timings.unpackMs = performance.now() - t;
  return true;
}

async function start(): Promise<void> {
  const root = document.getElementById('root') ?? document.body.appendChild(el('div', { id: 'root', class: 'cl' }));
  root.classList.add('cl');
  const host = connectHost();
  const timings: Record<string, number> = { startMs: performance.now() };
  const mount = (report: Report, baseline?: Report, preview?: Preview & { hold?: boolean }) => {
    const exporters = host.inVsCode
      ? { trace: () => host.post({ type: 'export', format: 'trace' }),
        // Only runs of this session have CPU profiles; a reopened report has none to export.
        ...(document.body.dataset.cpuprofile === '1' ? { cpuprofile: () => host.post({ type: 'export', format: 'cpuprofile' }) } : {}) }
      : { trace: () => download(report) };
    const t = performance.now();
    globalThis.concurrencyLens?.timeline.dispose();
    const timeline = new Timeline(root, report, host, exporters, baseline, preview);
    Object.assign(timings, { mountMs: performance.now() - t, modelMs: timeline.modelMs, firstRenderMs: timeline.lastRenderMs });
    globalThis.concurrencyLens = { timeline, timings };
    return timeline;
  };
  let report: Report | undefined;
  let preview: Preview | undefined;
  try {
    report = globalThis.CONCURRENCY_LENS_MODEL;
    const json = report ? undefined : block('cl-model');
    if (json) {
      let t = performance.now();
      report = JSON.parse(json) as Report;
      timings.jsonMs = performance.now() - t;
      const pre = block('cl-preview');
      t = performance.now();
      if (pre) { const [header, base64] = splitBlock(pre); preview = previewModel(report, header as PreviewHeader, base64Bytes(base64)); }
      timings.previewMs = performance.now() - t;
      // Without a preview the model needs the columns first.
      if (!preview) await loadColumns(report, timings);
    }
    timings.parseMs = performance.now() - timings.startMs;
  } catch (e) {
    root.replaceChildren(el('p', {}, `Could not read the report: ${String(e)}`));
    report = undefined;
  }
  let timeline = report ? mount(report, undefined, preview && { ...preview, hold: true }) : undefined;
  if (!report) root.append(el('p', { class: 'cl-empty' }, 'Waiting for a profile…'));
  // The class the lanes' width draws (preview.ts); the first frame does not wait for it: it is
  // drawn from class 0, before the script in the page (page.ts: drawn before the parser reads
  // on), coarse when the lanes draw a finer class, and labelled so (renderLoop.ts); then redrawn
  // once the lanes' class (after the script) is parsed.
  let exact: Promise<void> | undefined;
  if (preview && timeline) {
    const k = classFor(preview.model.wallMs, timeline.width);
    const seed = async (level: number) => {
      const t = performance.now();
      const text = await parsedBlock(`cl-preview-${level}`);
      timings[level === 0 ? 'classWaitMs' : 'exactClassWaitMs'] = performance.now() - t;
      if (!text) throw new Error(`the page has a preview but not its class ${level} (cl-preview-${level})`);
      const c = performance.now();
      const [header, base64] = splitBlock(text);
      seedClass(preview!, header as ClassHeader, base64Bytes(base64));
      timings[level === 0 ? 'classMs' : 'exactClassMs'] = performance.now() - c;
    };
    try {
      await seed(0);
      // Already parsed (a page read from cache, a small page): no coarse frame first.
      const hold = globalThis.concurrencyLensHoldExact;
      if (k > 0 && !hold && isParsed(`cl-preview-${k}`)) await seed(k);
      else if (k > 0) {
        exact = Promise.resolve(hold).then(() => seed(k));
        exact.catch(() => undefined); // handled where it is awaited (finishLoading)
      }
    } catch (e) {
      root.replaceChildren(el('p', {}, `Could not read the report's preview: ${String(e)}`));
      return;
    }
    const t = performance.now();
    timeline.release();
    timings.firstRenderMs = timeline.lastRenderMs;
    timings.mountMs += performance.now() - t;
  }
  if (exact && globalThis.concurrencyLens) globalThis.concurrencyLens.exactPending = true;
  requestAnimationFrame(() => {
    if (globalThis.concurrencyLens) globalThis.concurrencyLens.firstPaintMs = performance.now();
    if (!exact) timings.exactMs = performance.now();
    // After the first frame is on screen: the lanes' class (if the first frame was coarse), then the spans, then the model built from them.
    if (report && preview && timeline) setTimeout(() => void finishLoading(report!, timeline!), 0);
    else timings.loadedMs = performance.now();
  });
  const finishLoading = async (r: Report, tl: Timeline) => {
    if (exact) {
      try {
        await exact;
      } catch (e) {
        if (globalThis.concurrencyLens) globalThis.concurrencyLens.exactPending = false;
        root.replaceChildren(el('p', {}, `Could not read the report's preview: ${String(e)}`));
        return;
      }
      if (globalThis.concurrencyLens?.timeline !== tl) return;
      tl.invalidate();
      await new Promise((res) => requestAnimationFrame(res));
      timings.exactMs = performance.now();
      globalThis.concurrencyLens.exactPending = false;
    }
    try {
      await globalThis.concurrencyLensHoldSpans;
      if (!await loadColumns(r, timings)) throw new Error('the page has a preview but no spans block (cl-columns)');
      if (globalThis.concurrencyLens?.timeline !== tl) return; // replaced by a newer report meanwhile
      const t = performance.now();
      const full = buildModel(r);
      timings.fullModelMs = performance.now() - t;
      // The host's preview and this build disagree (should not happen): show the loaded build.
      if (!tl.load(full)) timeline = mount(r);
      timings.loadedMs = performance.now();
    } catch (e) {
      root.replaceChildren(el('p', {}, `Could not read the report's spans: ${String(e)}`));
    }
  };
  host.onMessage((m) => {
    if (m.type === 'report') timeline = mount(m.report, m.baseline);
    else if (m.type === 'revealFinding') timeline?.selectFinding(m.findingId, false);
  });
  host.post({ type: 'ready' });
}

/** Standalone: save the trace JSON through a download link (no host to write files). */
function download(report: Report): void {
  const blob = new Blob([JSON.stringify(exportTrace(report))], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: 'concurrency-lens.trace.json' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

warmUpDrawLoops(); // before any frame (lod.ts: why)
// The script follows the root and the report's blocks in the page (page.ts): it starts at once,
// before the packed columns after it are parsed. A page laid out otherwise starts when parsed.
if (document.readyState !== 'loading' || document.getElementById('cl-model')) void start();
else document.addEventListener('DOMContentLoaded', () => void start());
