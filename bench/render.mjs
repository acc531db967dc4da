// Render benchmark of the timeline webview: a synthetic report with 1,000,000 spans over 20
// lanes, as the CLI's self-contained HTML report, loaded in headless Chromium.
//  - first paint: from navigation start to the first animation frame after the timeline
//    was built (HTML load + report parse + model + first render);
//  - frames: a scripted pan/zoom (zoom in step by step from the whole run to 0.1 % of it,
//    then pan across, then zoom back out), one zoom step per animation frame; the frame
//    time is what render() took (all canvases, axis, markers), median and p95.
// Goals: first paint ≤ 1 s, frames ≤ 16 ms.
// Usage: node bench/render.mjs [--spans N] [--lanes N]   (or import { runRenderBench })
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

async function ensureBundle() {
  const bundle = join(ROOT, 'dist/webview.js');
  if (existsSync(bundle)) return;
  const esbuild = await import('esbuild');
  await esbuild.build({ platform: 'browser', target: 'es2022', bundle: true, minify: true, logLevel: 'warning', format: 'iife',
    entryPoints: [join(ROOT, 'webview/main.ts')], outfile: bundle });
}

/** Runs the benchmark; returns the figures (ms). */
export async function runRenderBench({ spans = 1_000_000, lanes = 20, wallMs = 60_000, runs = 3, log = console.log } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
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
    const firstPaints = [], frames = [], breakdowns = [];
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
      await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs, null, { timeout: 120_000 });
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      const r = await page.evaluate(async () => {
        const cl = globalThis.concurrencyLens;
        const tl = cl.timeline;
        const wall = tl.model.wallMs;
        const nextFrame = () => new Promise((res) => requestAnimationFrame(() => res()));
        const times = [];
        const step = async (a, b) => { tl.zoomTo(a, b); await nextFrame(); times.push(tl.lastRenderMs); };
        // Zoom in around 40 % of the run: 60 frames from the whole run to 0.1 % of it.
        for (let i = 0; i <= 60; i++) {
          const span = wall * Math.pow(0.001, i / 60), c = wall * 0.4;
          await step(c - span / 2, c + span / 2);
        }
        // Zoom back to 5 % and pan across 30 % of the run in 60 frames.
        for (let i = 0; i <= 60; i++) {
          const span = wall * 0.05, c = wall * (0.3 + 0.3 * i / 60);
          await step(c - span / 2, c + span / 2);
        }
        // Zoom out to the whole run in 30 frames.
        for (let i = 0; i <= 30; i++) {
          const span = wall * Math.pow(0.05, 1 - i / 30), c = wall * 0.6;
          await step(Math.max(0, c - span / 2), Math.min(wall, c + span / 2));
        }
        return { firstPaintMs: cl.firstPaintMs, timings: cl.timings, times };
      });
      firstPaints.push(r.firstPaintMs);
      frames.push(...r.times);
      breakdowns.push(r.timings);
      await page.close();
    }
    const result = {
      spans, lanes, htmlMB: +(html.length / 1e6).toFixed(1),
      firstPaintMs: +median(firstPaints).toFixed(0),
      frameMedianMs: +median(frames).toFixed(2),
      frameP95Ms: +pct(frames, 0.95).toFixed(2),
      frameMaxMs: +Math.max(...frames).toFixed(2),
      frames: frames.length,
      breakdown: breakdowns[breakdowns.length - 1],
    };
    const b = result.breakdown;
    result.loadAverage = +loadavg()[0].toFixed(1);
    log(`render: ${spans.toLocaleString('en-US')} spans over ${lanes} lanes (${result.htmlMB} MB HTML report) in Chromium (load average ${result.loadAverage} on ${cpus().length} cores)`);
    log(`  first paint ${result.firstPaintMs} ms (goal ≤ 1000; median of ${runs}; page load until the script runs ${b.startMs?.toFixed(0)} ms, JSON ${b.jsonMs?.toFixed(0)} ms, packed columns ${b.unpackMs?.toFixed(0) ?? '–'} ms (base64 ${b.base64Ms?.toFixed(0)}, gunzip ${b.gunzipMs?.toFixed(0)}, decode ${b.decodeMs?.toFixed(0)}), model ${b.modelMs?.toFixed(0)} ms, first render ${b.firstRenderMs?.toFixed(0)} ms, whole mount ${b.mountMs?.toFixed(0)} ms)`);
    log(`  pan/zoom frame: median ${result.frameMedianMs} ms, p95 ${result.frameP95Ms} ms, max ${result.frameMaxMs} ms over ${result.frames} frames (goal ≤ 16)`);
    return result;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : def; };
  runRenderBench({ spans: arg('--spans', 1_000_000), lanes: arg('--lanes', 20), runs: arg('--runs', 3) }).catch((e) => { console.error(e); process.exit(1); });
}
