import type { Report } from '../analyzer/report';
import { exportTrace } from '../analyzer/exportTrace';
import { connectHost } from './host';
import { Timeline } from './timeline';
import { el } from './dom';
import { unpackColumns, type PackedHeader } from './packedColumns';

/**
 * Entry point of dist/webview.js. Reads the embedded report (the JSON data block written
 * by page.ts, or `globalThis.CONCURRENCY_LENS_MODEL` if a host set it), renders the
 * timeline, and talks to VS Code when there is one. Exposes `globalThis.concurrencyLens`
 * (visible range, zoom, last render time) for the browser tests and the render benchmark.
 */
declare global {
  // eslint-disable-next-line no-var
  var CONCURRENCY_LENS_MODEL: Report | undefined;
  // eslint-disable-next-line no-var
  var concurrencyLens: { timeline: Timeline; firstPaintMs?: number; timings: Record<string, number> } | undefined;
}

async function readModel(timings: Record<string, number>): Promise<Report | undefined> {
  if (globalThis.CONCURRENCY_LENS_MODEL) return globalThis.CONCURRENCY_LENS_MODEL;
  const block = document.getElementById('cl-model');
  if (!block?.textContent) return undefined;
  const t = performance.now();
  const report = JSON.parse(block.textContent) as Report;
  timings.jsonMs = performance.now() - t;
  const packed = document.getElementById('cl-columns')?.textContent;
  if (packed) {
    const t1 = performance.now();
    const nl = packed.indexOf('\n');
    await unpackColumns(report, JSON.parse(packed.slice(0, nl)) as PackedHeader, packed.slice(nl + 1), timings);
    timings.unpackMs = performance.now() - t1;
  }
  return report;
}

async function start(): Promise<void> {
  const root = document.getElementById('root') ?? document.body.appendChild(el('div', { id: 'root', class: 'cl' }));
  root.classList.add('cl');
  const host = connectHost();
  const mount = (report: Report, baseline?: Report) => {
    const exporters = host.inVsCode
      ? { trace: () => host.post({ type: 'export', format: 'trace' }),
        // Only runs of this session have CPU profiles; a reopened report has none to export.
        ...(document.body.dataset.cpuprofile === '1' ? { cpuprofile: () => host.post({ type: 'export', format: 'cpuprofile' }) } : {}) }
      : { trace: () => download(report) };
    const t = performance.now();
    globalThis.concurrencyLens?.timeline.dispose();
    const timeline = new Timeline(root, report, host, exporters, baseline);
    globalThis.concurrencyLens = { timeline, timings: { ...timings, mountMs: performance.now() - t, modelMs: timeline.modelMs, firstRenderMs: timeline.lastRenderMs } };
    return timeline;
  };
  let report: Report | undefined;
  const timings: Record<string, number> = { startMs: performance.now() };
  try {
    report = await readModel(timings);
    timings.parseMs = performance.now() - timings.startMs;
  } catch (e) {
    root.replaceChildren(el('p', {}, `Could not read the report: ${String(e)}`));
  }
  let timeline = report ? mount(report) : undefined;
  if (!report) root.append(el('p', { class: 'cl-empty' }, 'Waiting for a profile…'));
  requestAnimationFrame(() => {
    if (globalThis.concurrencyLens) globalThis.concurrencyLens.firstPaintMs = performance.now();
  });
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

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void start());
else void start();
