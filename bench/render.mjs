// Render benchmark of the timeline webview (`npm run bench:render`): a synthetic report with 1,000,000
// spans over 20 lanes, as the CLI's self-contained HTML report, loaded in headless Chromium.
//  - first paint: from navigation start to the first animation frame after the timeline was built
//    (HTML load + report parse + model + first render; the page's own concurrencyLens.firstPaintMs);
//  - frames per zoom level: the visible range is ZOOM_LEVELS[i] of the run (whole run … 0.01 %). At each
//    level one frame zooms there, then 40 frames pan across at that level (at the whole run, where
//    nothing pans, the range alternates between 100 % and 98 %); the levels are visited zooming in
//    around 40 % of the run, then zooming out around 70 % (fresh ground for the caches), in each of
//    `runs` page loads. A frame's time is render() (all canvases, axis, markers: the page's
//    lastRenderMs) plus the browser's style/layout/paint of that frame on the main thread (from
//    after render until a task queued in that frame runs).
// Goals (issue 12): first paint ≤ 400 ms; every zoom level: frame p95 ≤ 16 ms and max ≤ 33 ms.
// Usage: node bench/render.mjs [--spans N] [--lanes N] [--runs N]   (or import { runRenderBench })
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { median, percentile, max } from './lib/stats.mjs';
import { fmtMs } from './lib/format.mjs';
import { formatTable } from './lib/table.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Visible fraction of the run at each zoom level measured. */
export const ZOOM_LEVELS = [1, 0.1, 0.01, 0.001, 0.0001];
export const zoomLabel = (f) => (f === 1 ? 'whole run' : `${+(f * 100).toPrecision(2)} % of the run`);
const PAN_FRAMES = 40;

async function ensureBundle() {
  const bundle = join(ROOT, 'dist/webview.js');
  if (existsSync(bundle)) return;
  const esbuild = await import('esbuild');
  await esbuild.build({ platform: 'browser', target: 'es2022', bundle: true, minify: true, logLevel: 'warning', format: 'iife',
    entryPoints: [join(ROOT, 'webview/main.ts')], outfile: bundle });
}

/** Whether the benchmark can run here (Chromium is needed); a reason when not. */
export function renderBenchUnavailable() {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} missing (apt-get install -y chromium, or set CHROMIUM_PATH)`;
}

/**
 * Runs the benchmark; returns the figures (ms):
 * { spans, lanes, wallMs, htmlMB, runs, firstPaintMs, firstPaints, breakdown, levels: [{ fraction, label, frames, p50, p95, max, renderP95 }] }.
 */
export async function runRenderBench({ spans = 1_000_000, lanes = 20, wallMs = 60_000, runs = 3, log = console.log } = {}) {
  const missing = renderBenchUnavailable();
  if (missing) throw new Error(missing);
  await ensureBundle();
  const { syntheticReport } = await tsImport(pathToFileURL(join(ROOT, 'webview/fixtures/syntheticReport.ts')).href, import.meta.url);
  const { htmlReport } = await tsImport(pathToFileURL(join(ROOT, 'cli/htmlReport.ts')).href, import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'cl-render-'));
  const file = join(dir, 'report.html');
  const html = htmlReport(syntheticReport({ spans, lanes, wallMs, childProcesses: 4 }));
  writeFileSync(file, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  try {
    const firstPaints = [], breakdowns = [];
    const byLevel = ZOOM_LEVELS.map(() => ({ frames: [], renders: [] }));
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
      await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs, null, { timeout: 120_000 });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      const r = await page.evaluate(async ({ levels, panFrames }) => {
        const cl = globalThis.concurrencyLens;
        const tl = cl.timeline;
        const wall = tl.model.wallMs;
        const out = levels.map(() => ({ frames: [], renders: [] }));
        // One frame: change the range, let the page render it, then wait for a task queued in that frame
        // (it runs after the frame's style, layout and paint).
        const frame = (level, a, b) => new Promise((res) => {
          tl.zoomTo(a, b);
          requestAnimationFrame(() => {
            const afterRender = performance.now();
            const ch = new MessageChannel();
            ch.port1.onmessage = () => {
              const render = tl.lastRenderMs;
              out[level].renders.push(render);
              out[level].frames.push(render + (performance.now() - afterRender));
              res();
            };
            ch.port2.postMessage(0);
          });
        });
        const visit = async (level, center) => {
          const f = levels[level], span = wall * f;
          for (let i = 0; i <= panFrames; i++) {
            if (f === 1) { const s = i % 2 ? wall * 0.98 : wall; await frame(level, (wall - s) / 2, (wall + s) / 2); continue; }
            const c = center + (i - panFrames / 2) * span * 0.1;
            await frame(level, c - span / 2, c + span / 2);
          }
        };
        for (let l = 0; l < levels.length; l++) await visit(l, wall * 0.4);
        for (let l = levels.length - 1; l >= 0; l--) await visit(l, wall * 0.7);
        return { firstPaintMs: cl.firstPaintMs, timings: cl.timings, out };
      }, { levels: ZOOM_LEVELS, panFrames: PAN_FRAMES });
      firstPaints.push(r.firstPaintMs);
      breakdowns.push(r.timings);
      r.out.forEach((o, i) => { byLevel[i].frames.push(...o.frames); byLevel[i].renders.push(...o.renders); });
      await page.close();
    }
    const result = {
      spans, lanes, wallMs, htmlMB: +(html.length / 1e6).toFixed(1), runs,
      firstPaintMs: median(firstPaints), firstPaints, breakdown: breakdowns[breakdowns.length - 1],
      levels: ZOOM_LEVELS.map((fraction, i) => {
        const { frames, renders } = byLevel[i];
        return { fraction, label: zoomLabel(fraction), frames: frames.length, p50: median(frames), p95: percentile(frames, 0.95), max: max(frames),
          renderP50: median(renders), renderP95: percentile(renders, 0.95), renderMax: max(renders) };
      }),
      loadAverage: loadavg().map((x) => +x.toFixed(2)),
    };
    const b = result.breakdown;
    log(`render: ${spans.toLocaleString('en-US')} spans over ${lanes} lanes, ${fmtMs(wallMs)} run (${result.htmlMB} MB HTML report) in Chromium, ${runs} page loads (load average ${result.loadAverage.join(' ')} on ${cpus().length} cores)`);
    log(`  first paint ${fmtMs(result.firstPaintMs)} (goal ≤ 400 ms; median of ${runs}: ${firstPaints.map(fmtMs).join(', ')}); last load: script starts ${fmtMs(b.startMs)}, JSON ${fmtMs(b.jsonMs)}, packed columns ${fmtMs(b.unpackMs)} (base64 ${fmtMs(b.base64Ms)}, gunzip ${fmtMs(b.gunzipMs)}, decode ${fmtMs(b.decodeMs)}), model ${fmtMs(b.modelMs)}, first render ${fmtMs(b.firstRenderMs)}, whole mount ${fmtMs(b.mountMs)}`);
    log(formatTable(['zoom level', 'frames', 'p50', 'p95', 'max', 'render() p95', 'goal', 'met?'],
      result.levels.map((l) => [l.label, String(l.frames), fmtMs(l.p50), fmtMs(l.p95), fmtMs(l.max), fmtMs(l.renderP95), 'p95 ≤ 16 ms, max ≤ 33 ms', frameGoalMet(l) ? 'yes' : 'NO']), [, , , , , , 'l', 'l']));
    log('  frame = render() + the browser\'s style/layout/paint of that frame (main thread); render() = the page\'s own draw time.');
    return result;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The frame goal at one zoom level. */
export const frameGoalMet = (level) => level.p95 <= 16 && level.max <= 33;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : def; };
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; node ${process.version}, ${cpus().length} cores`);
  runRenderBench({ spans: arg('--spans', 1_000_000), lanes: arg('--lanes', 20), runs: arg('--runs', 3) })
    .then((r) => { console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`); process.exit(r.firstPaintMs <= 400 && r.levels.every(frameGoalMet) ? 0 : 1); },
      (e) => { console.error(e); process.exit(2); });
}
