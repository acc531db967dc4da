// Render benchmark of the timeline webview: a synthetic report with 1,000,000 spans over 20
// lanes, as the CLI's self-contained HTML report, loaded in headless Chromium.
//  - first paint: from navigation start to the first animation frame after the timeline
//    was built (HTML load + report parse + model + first render), with its parts, and when
//    that frame was on screen (first-contentful-paint); when that frame was a coarse preview
//    (main.ts), also when the exact whole-run picture was drawn;
//  - frames: a scripted pan/zoom, one step per animation frame: the whole run held still,
//    zoom in step by step from the whole run to 0.1 % of it, pan across at 5 %, zoom back
//    out; the frame time is what render() took (axis, tracks, lanes, markers, overview).
//    Frames are grouped by zoom level (the share of the run on screen) and each level gets
//    its median, p95 and max, with the split of the whole-run frame into its parts.
// Each page is opened in a window of its own once Chromium's start-up work for that window is over
// (settledPage): a user's report opens in a window that is already there (VS Code's, a browser's).
// Each is given as wall time and as the page's main-thread CPU time (from a Chromium trace):
// on a loaded machine wall times swing with the load, CPU times show what the page costs.
// The trace itself takes the cores' time: the first paint's wall is also given from as many
// loads without it (alternated the same way).
// Goals: first paint ≤ 400 ms; at every zoom level frame p95 ≤ 16 ms and max ≤ 33 ms.
//
// Usage: node bench/render.mjs [--spans N] [--lanes N] [--runs N]
//          [--save-html FILE]   also write the page measured (e.g. to compare a later build with it)
//          [--compare FILE]     also measure a page saved by another build, alternating page
//                               loads with this build's in the same run (same load on the machine)
//        (or import { runRenderBench })
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const GOALS = { firstPaintMs: 400, frameP95Ms: 16, frameMaxMs: 33 };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN;
};

/** Zoom levels the frames are grouped by: the share of the run on screen. */
const LEVELS = [
  { name: 'whole run', test: (f) => f >= 0.999 },
  { name: '10–100 %', test: (f) => f >= 0.1 },
  { name: '1–10 %', test: (f) => f >= 0.01 },
  { name: '0.1–1 %', test: (f) => f > 0 },
];

/** The zoom levels of `result.levels`, in order (for bench/run.mjs's goal rows). */
export const ZOOM_LEVEL_NAMES = LEVELS.map((l) => l.name);
/**
 * A zoom level meets the frame goal when its frames' main-thread CPU (render, style, layout,
 * paint, canvas commit: what a frame costs, which a loaded machine's waits do not inflate)
 * stays within p95 and max.
 */
export const frameGoalMet = (l) => l.cpuP95 <= GOALS.frameP95Ms && l.cpuMax <= GOALS.frameMaxMs;
/** Why the benchmark cannot run here, or undefined. */
export function renderBenchUnavailable() {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} missing: apt-get install -y chromium (or set CHROMIUM_PATH)`;
}

async function ensureBundle() {
  const bundle = join(ROOT, 'dist/webview.js');
  if (existsSync(bundle)) return;
  const esbuild = await import('esbuild');
  await esbuild.build({ platform: 'browser', target: 'es2022', bundle: true, minify: true, logLevel: 'warning', format: 'iife',
    entryPoints: [join(ROOT, 'webview/main.ts')], outfile: bundle });
}

/**
 * CPU time of the page's main thread from a Chromium trace: the machine is shared, so wall
 * times swing with its load while thread time (what the frame itself cost) barely does.
 */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel'];

async function startTrace(cdp) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => { for (const ev of e.value) events.push(ev); });
  const complete = new Promise((res) => cdp.once('Tracing.tracingComplete', res));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES }, transferMode: 'ReportEvents' });
  return async () => { await cdp.send('Tracing.end'); await complete; return events; };
}

/** Main-thread tasks of the page (top level), as [start µs, thread ms, wall ms] sorted by start, and the µs at time origin. */
function mainThreadTasks(events, markPrefix) {
  const mark = events.find((e) => e.cat === 'blink.user_timing' && e.name.startsWith(markPrefix));
  if (!mark) throw new Error(`trace: no ${markPrefix} mark`);
  const origin = mark.ts - mark.args.data.startTime * 1000;
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid && e.tdur !== undefined)
    .map((e) => [e.ts, e.tdur / 1000, e.dur / 1000]).sort((a, b) => a[0] - b[0]);
  return { tasks, origin, pid: mark.pid, tid: mark.tid };
}

/** How long a new window's start-up may take before a report is loaded in it anyway. */
const SETTLE_LIMIT_MS = 10_000;
/** Chromium counts as idle when all its processes together used at most this much CPU in each of the last IDLE_POLLS polls, POLL_MS apart. */
const IDLE_CPU_MS = 20, IDLE_POLLS = 3, POLL_MS = 100;

/**
 * A new page, in a window of its own (a browser context), once Chromium has finished starting that
 * window. Chromium's own work for a new window would otherwise run beside the report's first
 * paint: Chromium 156 (Debian's) loads its omnibox popup (a WebUI page, chrome://omnibox-popup.top-chrome)
 * in every new window, ~1.1 s of CPU with both of this machine's cores busy for most of it, and a
 * report loaded at once took ~250 ms longer to its first paint (median 571 against 323 ms, 7 loads
 * each, 2026-12-06). The page is then still a fresh renderer: about:blank → the report's file://
 * URL is a new process. Settled: Chromium's processes together (SystemInfo.getProcessInfo) used at
 * most IDLE_CPU_MS of CPU in each of IDLE_POLLS polls in a row; `settleMs` is how long that took,
 * and `settled` is false when SETTLE_LIMIT_MS passed first (the report is loaded then anyway).
 */
async function settledPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto('about:blank');
  const cdp = await browser.newBrowserCDPSession();
  const t0 = Date.now();
  try {
    const cpuMs = async () => (await cdp.send('SystemInfo.getProcessInfo')).processInfo.reduce((a, p) => a + p.cpuTime, 0) * 1000;
    let last = await cpuMs(), quiet = 0;
    while (Date.now() - t0 < SETTLE_LIMIT_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = await cpuMs();
      quiet = now - last <= IDLE_CPU_MS ? quiet + 1 : 0;
      last = now;
      if (quiet >= IDLE_POLLS) return { page, settleMs: Date.now() - t0, settled: true };
    }
    return { page, settleMs: Date.now() - t0, settled: false };
  } finally {
    await cdp.detach();
  }
}

/** One page load: first paint and its parts, and the frame times of the scripted pan/zoom by zoom level. */
async function measurePage(browser, file) {
  const { page, settleMs, settled } = await settledPage(browser);
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await page.context().newCDPSession(page);
    let stop = await startTrace(cdp);
    await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
    await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs, null, { timeout: 120_000 });
    // A coarse first frame (preview.ts) is redrawn exactly once the lanes' class is parsed: wait for that too.
    // (A page from a build without that stage draws its first frame exactly.)
    await page.waitForFunction(() => !globalThis.concurrencyLens?.exactPending, null, { timeout: 120_000 });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    await page.evaluate(() => performance.mark('cl-loaded'));
    let events = await stop();
    // The frames are measured once every span is loaded (a page with a host preview loads them after its first paint).
    await page.waitForFunction(() => !globalThis.concurrencyLens?.timeline.model.pending, null, { timeout: 300_000 });
    // First paint in main-thread CPU: the tasks that started before the first frame after the build.
    const firstPaintMs = await page.evaluate(() => globalThis.concurrencyLens.firstPaintMs);
    const load = mainThreadTasks(events, 'cl-loaded');
    const paintTs = load.origin + firstPaintMs * 1000;
    const firstPaintCpuMs = load.tasks.filter(([ts]) => ts <= paintTs).reduce((a, [, ms]) => a + ms, 0);
    // Where the wall time to the first paint went on the page's main thread: running (CPU),
    // in a task but not running (descheduled: other processes, Chromium's own, the machine's
    // load), or idle between tasks (waiting for the page's bytes, a timer, the frame).
    // (A task cut by navigation start or the frame counts its CPU pro rata.)
    let idleMs = 0, descheduledMs = 0, end = load.origin;
    for (const [ts, cpu, ms] of load.tasks) {
      const a = Math.max(ts, load.origin, end), b = Math.min(ts + ms * 1000, paintTs);
      if (b <= a) continue;
      idleMs += (a - end) / 1000;
      descheduledMs += ((b - a) / 1000) * (1 - cpu / Math.max(ms, cpu, 1e-3));
      end = b;
    }
    idleMs += Math.max(0, paintTs - end) / 1000;
    const exactMs = await page.evaluate(() => globalThis.concurrencyLens.timings.exactMs ?? globalThis.concurrencyLens.firstPaintMs);
    // When the first frame was on screen: the browser's first contentful paint (the presentation
    // time of the first frame with the view's text or canvases; the frame before the script holds
    // only the page's background). firstPaintMs is when that frame began (its animation frame).
    const presentedMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    const exactCpuMs = load.tasks.filter(([ts]) => ts <= load.origin + exactMs * 1000).reduce((a, [, ms]) => a + ms, 0);

    stop = await startTrace(cdp);
    const r = await page.evaluate(async () => {
      const cl = globalThis.concurrencyLens;
      const tl = cl.timeline;
      const wall = tl.model.wallMs;
      const nextFrame = () => new Promise((res) => requestAnimationFrame(() => res()));
      const frames = [];
      const parts = {};
      const step = async (a, b) => {
        performance.mark(`cl-step-${frames.length}`);
        tl.zoomTo(a, b);
        await nextFrame();
        const [t0, t1] = tl.visibleRange();
        frames.push({ f: (t1 - t0) / wall, ms: tl.lastRenderMs });
        // Where a whole-run frame goes (render() marks the end of each part).
        if ((t1 - t0) / wall >= 0.999 && tl.renderParts) {
          const p = tl.renderParts;
          let prev = p.start;
          for (const [k, v] of Object.entries(p)) {
            if (k === 'start') continue;
            if (prev !== undefined) (parts[k] ??= []).push(v - prev);
            prev = v;
          }
        }
      };
      // The whole run, 30 frames (alternating a hair of pan so each is a real redraw).
      for (let i = 0; i < 30; i++) await step(0, wall * (i % 2 ? 0.9995 : 1));
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
      performance.mark(`cl-step-${frames.length}`);
      return { firstPaintMs: cl.firstPaintMs, timings: cl.timings, frames, parts };
    });
    events = await stop();
    // Each frame's main-thread CPU: the task that drew it (the render in its animation frame
    // callback, style, layout, paint, the commit of the canvases), i.e. the one during which
    // the next step started. Idle-time work between frames is not the frame's.
    const { pid, tid } = mainThreadTasks(events, 'cl-step-');
    const frameTasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === pid && e.tid === tid && e.tdur !== undefined)
      .sort((a, b) => a.ts - b.ts);
    const marks = new Map(events.filter((e) => e.cat === 'blink.user_timing' && e.pid === pid && e.tid === tid && e.name.startsWith('cl-step-'))
      .map((e) => [Number(e.name.slice(8)), e.ts]));
    r.frames.forEach((fr, i) => {
      const next = marks.get(i + 1);
      const task = frameTasks.find((e) => e.ts <= next && next <= e.ts + e.dur);
      fr.cpu = task ? task.tdur / 1000 : NaN;
    });
    return { ...r, firstPaintCpuMs, exactMs, exactCpuMs, presentedMs, idleMs, descheduledMs, settleMs, settled };
  } finally {
    await page.close();
  }
}

/**
 * One page load without the trace, to the exact picture: the wall times as a user sees them
 * (collecting and sending the trace takes the 2 cores' time too: ~20 % of the first paint's wall
 * on a loaded machine).
 */
async function measureWall(browser, file) {
  const { page, settleMs, settled } = await settledPage(browser);
  try {
    await page.goto(pathToFileURL(file).href, { timeout: 120_000 });
    await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs && !globalThis.concurrencyLens.exactPending, null, { timeout: 120_000 });
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length, null, { timeout: 30_000 }).catch(() => undefined);
    const times = await page.evaluate(() => ({
      firstPaintMs: globalThis.concurrencyLens.firstPaintMs,
      presentedMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      exactMs: globalThis.concurrencyLens.timings.exactMs ?? globalThis.concurrencyLens.firstPaintMs,
    }));
    return { ...times, settleMs, settled };
  } finally {
    await page.close();
  }
}

/** Figures of several page loads of one build. */
function summarize(loads, untraced) {
  const frames = loads.flatMap((l) => l.frames);
  const levels = LEVELS.map((lv, i) => {
    const ms = frames.filter((fr) => lv.test(fr.f) && !LEVELS.slice(0, i).some((p) => p.test(fr.f))).map((fr) => fr.ms);
    const cpu = frames.filter((fr) => lv.test(fr.f) && !LEVELS.slice(0, i).some((p) => p.test(fr.f))).map((fr) => fr.cpu).filter((v) => !Number.isNaN(v));
    return {
      level: lv.name, frames: ms.length, p50: +median(ms).toFixed(2), p95: +pct(ms, 0.95).toFixed(2), max: +Math.max(...ms).toFixed(2),
      cpuP50: +median(cpu).toFixed(2), cpuP95: +pct(cpu, 0.95).toFixed(2), cpuMax: +Math.max(...cpu).toFixed(2),
    };
  });
  const parts = {};
  for (const l of loads) for (const [k, v] of Object.entries(l.parts)) (parts[k] ??= []).push(...v);
  const all = frames.map((fr) => fr.ms);
  const timings = {};
  for (const k of Object.keys(loads[0].timings)) timings[k] = +median(loads.map((l) => l.timings[k] - (k === 'loadedMs' || k === 'exactMs' ? l.firstPaintMs : 0))).toFixed(1);
  return {
    firstPaintMs: +median(loads.map((l) => l.firstPaintMs)).toFixed(0),
    firstPaints: loads.map((l) => +l.firstPaintMs.toFixed(0)),
    firstPaintCpuMs: +median(loads.map((l) => l.firstPaintCpuMs)).toFixed(0),
    firstPaintCpus: loads.map((l) => +l.firstPaintCpuMs.toFixed(0)),
    exactPaintMs: +median(loads.map((l) => l.exactMs)).toFixed(0),
    presentedMs: +median(loads.map((l) => l.presentedMs)).toFixed(0),
    untraced: { n: untraced.length, ...Object.fromEntries(['firstPaintMs', 'presentedMs', 'exactMs'].map((k) => [k, +median(untraced.map((l) => l[k])).toFixed(0)])) },
    settleMs: +median([...loads, ...untraced].map((l) => l.settleMs)).toFixed(0),
    unsettled: [...loads, ...untraced].filter((l) => !l.settled).length,
    idleMs: +median(loads.map((l) => l.idleMs)).toFixed(0),
    descheduledMs: +median(loads.map((l) => l.descheduledMs)).toFixed(0),
    exactPaintCpuMs: +median(loads.map((l) => l.exactCpuMs)).toFixed(0),
    timings,
    levels,
    wholeRunParts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, { p50: +median(v).toFixed(2), max: +Math.max(...v).toFixed(2) }])),
    frameMedianMs: +median(all).toFixed(2), frameP95Ms: +pct(all, 0.95).toFixed(2), frameMaxMs: +Math.max(...all).toFixed(2), frames: all.length,
  };
}

function print(name, s, log) {
  const b = s.timings;
  const ok = (v, goal) => (v <= goal ? 'ok' : 'OVER');
  const n = (v) => String(v).padStart(6);
  log(`  ${name}:`);
  log(`    each page opened in a new window once Chromium had started it (its processes idle for ${IDLE_POLLS * POLL_MS} ms: median ${s.settleMs} ms after the window opened)${s.unsettled ? `; ${s.unsettled} window(s) still busy after ${SETTLE_LIMIT_MS / 1000} s, their pages loaded anyway: their first paint shares the cores with Chromium's own work` : ''}`);
  log(`    first paint: wall ${s.firstPaintMs} ms [${ok(s.firstPaintMs, GOALS.firstPaintMs)} ≤ ${GOALS.firstPaintMs}] (median of ${s.firstPaints.join(', ')}), main-thread CPU ${s.firstPaintCpuMs} ms [${ok(s.firstPaintCpuMs, GOALS.firstPaintMs)}] (${s.firstPaintCpus.join(', ')})`);
  log(`      without the trace (${s.untraced.n} more loads): first paint ${s.untraced.firstPaintMs} ms, on screen ${s.untraced.presentedMs} ms, exact ${s.untraced.exactMs} ms`);
  log(`      main thread until then: running ${s.firstPaintCpuMs} ms, in a task but descheduled ${s.descheduledMs} ms, idle ${s.idleMs} ms (waiting for the navigation's commit, the page's bytes, a timer, the frame); the script ran from ${b.startMs} ms; that frame on screen (first-contentful-paint) at ${s.presentedMs} ms`);
  if (b.previewMs !== undefined && b.fullModelMs !== undefined) {
    // Drawn first from the host's preview; the spans are loaded after the first paint.
    log(`      wall parts: page load until the script runs ${b.startMs} ms, JSON ${b.jsonMs} ms, preview ${b.previewMs} ms, ${b.classMs !== undefined ? `the class drawn first (class 0; in older builds the lanes' class) read ${b.classWaitMs} ms later, decoded ${b.classMs} ms, ` : ''}model ${b.modelMs} ms, first render ${b.firstRenderMs} ms, whole mount ${b.mountMs} ms`);
    if (b.exactClassMs !== undefined) log(`      the first frame was coarse (drawn from class 0; the lanes draw a finer class): exact ${b.exactMs} ms later (wall ${s.exactPaintMs} ms, main-thread CPU ${s.exactPaintCpuMs} ms from navigation start), the lanes' class read ${b.exactClassWaitMs} ms after class 0, decoded ${b.exactClassMs} ms`);
    log(`      after the first paint: every span loaded ${b.loadedMs} ms later: packed columns ${b.unpackMs ?? '–'} ms (base64 ${b.base64Ms ?? '–'}, gunzip ${b.gunzipMs ?? '–'}, decode ${b.decodeMs ?? '–'}), model ${b.fullModelMs} ms`);
  } else {
    log(`      wall parts: page load until the script runs ${b.startMs} ms, JSON ${b.jsonMs} ms, packed columns ${b.unpackMs ?? '–'} ms (base64 ${b.base64Ms ?? '–'}, gunzip ${b.gunzipMs ?? '–'}, decode ${b.decodeMs ?? '–'}), model ${b.modelMs} ms, first render ${b.firstRenderMs} ms, whole mount ${b.mountMs} ms`);
  }
  log(`    frames by zoom level (share of the run on screen); render() wall time | main-thread CPU of the frame (render, style, layout, paint, canvas commit):`);
  for (const l of s.levels) {
    log(`      ${l.level.padEnd(9)} wall p50 ${n(l.p50)} p95 ${n(l.p95)} [${ok(l.p95, GOALS.frameP95Ms)}] max ${n(l.max)} [${ok(l.max, GOALS.frameMaxMs)}] | CPU p50 ${n(l.cpuP50)} p95 ${n(l.cpuP95)} [${ok(l.cpuP95, GOALS.frameP95Ms)}] max ${n(l.cpuMax)} [${ok(l.cpuMax, GOALS.frameMaxMs)}] ms (${l.frames} frames)`);
  }
  log(`    whole-run render() parts, wall p50/max ms: ${Object.entries(s.wholeRunParts).map(([k, v]) => `${k} ${v.p50}/${v.max}`).join(', ')}`);
}

/** Runs the benchmark; returns the figures (ms) of this build (and of the page compared with, if any). */
export async function runRenderBench({ spans = 1_000_000, lanes = 20, wallMs = 60_000, runs = 3, saveHtml, compare, log = console.log } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
  if (compare && !existsSync(compare)) throw new Error(`--compare ${compare}: no such file`);
  await ensureBundle();
  const { syntheticReport } = await tsImport(pathToFileURL(join(ROOT, 'webview/fixtures/syntheticReport.ts')).href, import.meta.url);
  const { htmlReport } = await tsImport(pathToFileURL(join(ROOT, 'cli/htmlReport.ts')).href, import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'cl-render-'));
  const file = join(dir, 'report.html');
  const html = htmlReport(syntheticReport({ spans, lanes, wallMs, childProcesses: 4 }));
  writeFileSync(file, html);
  if (saveHtml) writeFileSync(saveHtml, html);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  try {
    const loads = [], baseLoads = [];
    for (let run = 0; run < runs; run++) {
      // Alternate, starting with the other build every other run.
      const order = compare ? (run % 2 ? [[compare, baseLoads], [file, loads]] : [[file, loads], [compare, baseLoads]]) : [[file, loads]];
      for (const [f, into] of order) into.push(await measurePage(browser, f));
      for (const [f, into] of order) (into.untraced ??= []).push(await measureWall(browser, f));
    }
    const result = { spans, lanes, htmlMB: +(html.length / 1e6).toFixed(1), runs, ...summarize(loads, loads.untraced) };
    result.loadAverage = +loadavg()[0].toFixed(1);
    result.chromium = browser.version();
    log(`render: ${spans.toLocaleString('en-US')} spans over ${lanes} lanes (${result.htmlMB} MB HTML report) in Chromium ${result.chromium}, ${runs} page loads each (load average ${result.loadAverage} on ${cpus().length} cores)`);
    if (compare) {
      result.compared = { file: compare, htmlMB: +(readFileSync(compare).length / 1e6).toFixed(1), ...summarize(baseLoads, baseLoads.untraced) };
      print(`compared page (${compare})`, result.compared, log);
    }
    print('this build', result, log);
    return result;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : def; };
  runRenderBench({
    spans: Number(arg('--spans', 1_000_000)), lanes: Number(arg('--lanes', 20)), runs: Number(arg('--runs', 3)),
    saveHtml: arg('--save-html'), compare: arg('--compare'),
  }).catch((e) => { console.error(e); process.exit(1); });
}
