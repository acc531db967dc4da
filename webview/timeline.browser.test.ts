import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { canvases, hasChromium, launch, openReport, visibleRange } from './fixtures/browser';
import { syntheticReport } from './fixtures/syntheticReport';
import { requirement } from '../scripts/testEnvironment';
import { htmlReport } from '../cli/htmlReport';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

// The timeline in headless Chromium, on synthetic reports (real profiled programs are in
// realPrograms.browser.test.ts). Asserts what a user sees and can do.
const needs = requirement(!hasChromium && 'chromium not installed (apt-get install -y chromium)');

describe('timeline in Chromium', { skip: needs.skip }, () => {
  let browser: Browser;
  before(async () => { needs.check(); browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('lanes grouped by process, findings listed, blocked interval drawn on the main lane', async () => {
    const r = syntheticReport({ lanes: 5, spans: 4000, childProcesses: 1 });
    const { page, errors } = await openReport(browser, r);
    const lanes = await page.locator('.cl-row-label.lane').allTextContents();
    assert.deepEqual(lanes, ['main · server.js', 'worker 2 · hash-worker.js', 'worker 3 · hash-worker.js', 'worker 4 · hash-worker.js', 'child 4001 · child-1.js']);
    assert.deepEqual(await page.locator('.cl-row-label.process').allTextContents(), ['process 4000 · server.js', 'child process 4001']);
    const findings = await page.locator('.cl-finding').allTextContents();
    assert.equal(findings.length, 2);
    assert.match(findings[0], /Blocked event loop.*hash0\(\) blocked the event loop/);
    assert.match(findings[1], /Sequential awaits/);

    const marker = page.locator(`.cl-marker[data-kind="blocking-cpu"][data-lane-id="${r.lanes[0].id}"]`);
    const box = (await marker.boundingBox())!;
    const lane = (await page.locator(`.cl-row-label.lane[data-lane-id="${r.lanes[0].id}"]`).boundingBox())!;
    assert.ok(box.width > 20, `blocked interval is drawn wide enough to see (${box.width}px)`);
    assert.ok(Math.abs(box.y - lane.y) < 2, 'on the main lane');
    // 30 %–38 % of the run, as in the report.
    const canvas = (await page.locator('.cl-lanes-canvas').boundingBox())!;
    const f = r.findings[0].intervals![0];
    assert.ok(Math.abs(box.x - (canvas.x + (f.startMs / r.program.wallMs) * canvas.width)) < 3);
    assert.ok(await page.locator('.cl-marker[data-kind="projected"]').count() === 1, 'Promise.all projection is shown');
    // Markers do not get in the way: wheel on one zooms, dragging from one pans.
    await page.mouse.move(box.x + box.width / 2, box.y + 10);
    await page.mouse.wheel(0, -300);
    const [z0, z1] = await visibleRange(page);
    assert.ok(z1 - z0 < r.program.wallMs * 0.9, 'wheel over a marker zooms');
    const mk = (await marker.boundingBox())!;
    await page.mouse.move(mk.x + 5, mk.y + 10);
    await page.mouse.down();
    await page.mouse.move(mk.x - 95, mk.y + 10, { steps: 5 });
    await page.mouse.up();
    const [p0, p1] = await visibleRange(page);
    assert.ok(p0 > z0 && Math.abs((p1 - p0) - (z1 - z0)) < 1e-6, `drag from a marker pans: ${z0}–${z1} → ${p0}–${p1}`);
    assert.equal(await page.locator('.cl-finding[aria-pressed="true"]').count(), 0, 'a drag is not a click');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('wheel zoom, shift-drag zoom to selection, keyboard zoom and pan, reset', async () => {
    const r = syntheticReport({ lanes: 3, spans: 3000 });
    const { page } = await openReport(browser, r);
    const [a0, b0] = await visibleRange(page);
    assert.deepEqual([a0, b0], [0, r.program.wallMs]);
    const axisTicks = () => page.locator('.cl-axis canvas').getAttribute('data-ticks');
    const ticksBefore = await axisTicks();
    assert.match(ticksBefore ?? '', /^0 ms\|/, 'the axis starts at 0');
    const c = (await page.locator('.cl-lanes-canvas').boundingBox())!;
    await page.mouse.move(c.x + c.width / 2, c.y + 60);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(() => Number(document.getElementById('cl-range')!.dataset.t1) - Number(document.getElementById('cl-range')!.dataset.t0) < 1999);
    const [a1, b1] = await visibleRange(page);
    assert.ok(b1 - a1 < (b0 - a0) * 0.9, `zoomed in: ${a1}–${b1}`);
    assert.ok(a1 > a0 && b1 < b0, 'around the pointer');
    assert.notEqual(await axisTicks(), ticksBefore, 'axis follows');
    assert.match(await page.locator('#cl-range').textContent() ?? '', /^Visible /);

    // Shift+drag selects a range and zooms to it.
    await page.keyboard.press('0');
    await page.locator('.cl-lanes-canvas').focus();
    await page.keyboard.press('0');
    await page.waitForFunction(() => Number(document.getElementById('cl-range')!.dataset.t1) >= 1999);
    await page.keyboard.down('Shift');
    await page.mouse.move(c.x + c.width * 0.25, c.y + 80);
    await page.mouse.down();
    await page.mouse.move(c.x + c.width * 0.5, c.y + 80, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const [a2, b2] = await visibleRange(page);
    assert.ok(Math.abs(a2 - 500) < 10 && Math.abs(b2 - 1000) < 10, `zoomed to selection: ${a2}–${b2}`);

    // Keyboard: pan right, zoom in, reset.
    await page.locator('.cl-lanes-canvas').focus();
    await page.keyboard.press('ArrowRight');
    const [a3, b3] = await visibleRange(page);
    assert.ok(a3 > a2 && Math.abs((b3 - a3) - (b2 - a2)) < 1e-6, `panned: ${a2}–${b2} → ${a3}–${b3}`);
    await page.keyboard.press('+');
    const [a4, b4] = await visibleRange(page);
    assert.ok(b4 - a4 < b3 - a3, 'zoomed in by key');
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    assert.deepEqual(await visibleRange(page), [0, r.program.wallMs]);
    await page.close();
  });

  test('zoomed out and zoomed in, the pixel buffer draws the busy slices (a utilization chart, then slices with gaps)', async () => {
    const r = syntheticReport({ lanes: 4, spans: 200_000, wallMs: 20_000 });
    const { page, errors } = await openReport(browser, r);
    // Share of the main lane's CPU row (its lower half) that has paint, and the mean height.
    const painted = () => page.evaluate(() => {
      const c = document.querySelector('.cl-lanes-canvas') as HTMLCanvasElement;
      const label = document.querySelector('.cl-row-label.lane') as HTMLElement;
      const dpr = c.width / c.clientWidth;
      const y = Math.round((label.offsetTop + label.offsetHeight - 3) * dpr);
      const data = c.getContext('2d')!.getImageData(0, y, c.width, 1).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n / c.width;
    });
    const dense = await painted();
    assert.ok(dense > 0.5, `zoomed out, ${(dense * 100).toFixed(0)} % of the CPU row is painted`);
    await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.zoomTo(1000, 1050));
    await page.waitForTimeout(50);
    const sparse = await painted();
    assert.ok(sparse > 0.1 && sparse < 0.99, `zoomed in, ${(sparse * 100).toFixed(0)} % painted: slices with gaps`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the off-screen draws a loaded page makes in idle time change nothing: the same pixels as a page without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-warm-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, htmlReport(syntheticReport({ lanes: 6, spans: 150_000, wallMs: 30_000, childProcesses: 1 })));
    const open = async (initScript?: string) => {
      const opened = await openReport(browser, file, { initScript });
      await opened.page.waitForFunction(() => (globalThis as any).concurrencyLens.timeline.loop.warmDone, null, { timeout: 60_000 });
      return { ...opened, made: await opened.page.evaluate(() => (globalThis as any).concurrencyLens.timeline.loop.warmDrawsMade as number) };
    };
    const warm = await open(), cold = await open('globalThis.concurrencyLensWarmDraws = 0;');
    assert.equal(warm.made, 24, 'the loaded page made its off-screen draws (it was idle)');
    assert.equal(cold.made, 0);
    // On screen, what the first frame drew; then redrawn at the view, at the next level of detail and zoomed in.
    assert.deepEqual(await canvases(warm.page), await canvases(cold.page), 'the same pixels at the first frame');
    for (const [a, b] of [[0, 30_000], [0, 29_985], [7_000, 19_000], [12_000, 12_030]]) {
      for (const p of [warm.page, cold.page]) await p.evaluate(([a, b]) => { (globalThis as any).concurrencyLens.timeline.zoomTo(a, b); (globalThis as any).concurrencyLens.timeline.render(); }, [a, b]);
      assert.deepEqual(await canvases(warm.page), await canvases(cold.page), `the same pixels at ${a}–${b} ms`);
    }
    assert.deepEqual([...warm.errors, ...cold.errors], []);
    await warm.page.close();
    await cold.page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('overview: drag zooms to a range, click recentres', async () => {
    const r = syntheticReport({ lanes: 2, spans: 1000 });
    const { page } = await openReport(browser, r);
    const o = (await page.locator('.cl-overview canvas').boundingBox())!;
    await page.mouse.move(o.x + o.width * 0.1, o.y + 20);
    await page.mouse.down();
    await page.mouse.move(o.x + o.width * 0.3, o.y + 20, { steps: 3 });
    await page.mouse.up();
    const [a, b] = await visibleRange(page);
    assert.ok(Math.abs(a - 200) < 10 && Math.abs(b - 600) < 10, `${a}–${b}`);
    await page.mouse.click(o.x + o.width * 0.8, o.y + 20);
    const [c, d] = await visibleRange(page);
    assert.ok(Math.abs((c + d) / 2 - 1600) < 10 && Math.abs(d - c - 400) < 1, `${c}–${d}`);
    await page.close();
  });

  test('selecting a finding highlights it, shows it, and asks VS Code to open its source', async () => {
    const r = syntheticReport({ lanes: 3, spans: 2000 });
    const { page, posted } = await openReport(browser, r, { vscode: true });
    assert.deepEqual((await posted())[0], { type: 'ready' });
    // This page did not come with the run's CPU profiles (as a reopened report): nothing to export.
    assert.equal(await page.getByRole('button', { name: 'Export .cpuprofile' }).count(), 0, 'no .cpuprofile without profiles');
    {
      // A run of this session comes with its profiles: then VS Code offers both exports.
      const dir = mkdtempSync(join(tmpdir(), 'cl-page-'));
      const file = join(dir, 'r.html');
      writeFileSync(file, htmlReport(r).replace('data-cpuprofile="0"', 'data-cpuprofile="1"'));
      const withProfiles = await openReport(browser, file, { vscode: true });
      assert.equal(await withProfiles.page.getByRole('button', { name: 'Export .cpuprofile' }).count(), 1, 'VS Code gets both exports');
      await withProfiles.page.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const item = page.locator('.cl-finding[data-kind="sequential-awaits"]');
    const boxes = () => Promise.all(['.cl-header', '.cl-tracks', '.cl-lanes', '.cl-side', '.cl-status'].map((s) => page.locator(s).boundingBox()));
    const before = await boxes();
    await item.click();
    assert.deepEqual(await boxes(), before, 'no layout jumps when a finding is selected');
    assert.equal(await item.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('.cl-marker.selected').count(), 4, '3 intervals + the projection');
    const [a, b] = await visibleRange(page);
    const f = r.findings[1];
    assert.ok(a <= f.intervals![0].startMs && b >= f.intervals![2].endMs && b - a < r.program.wallMs / 2, 'zoomed to the finding');
    const msgs = await posted();
    assert.deepEqual(msgs.slice(1), [{ type: 'selectFinding', findingId: 'f2' }, { type: 'openLocation', location: f.location }]);
    assert.match(await page.locator('.cl-details').textContent() ?? '', /3 independent awaits run one after another/);
    // Keyboard: Tab reaches the findings and Enter selects.
    await page.locator('.cl-finding[data-kind="blocking-cpu"]').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.cl-finding[data-kind="blocking-cpu"]').getAttribute('aria-pressed'), 'true');
    // The host can reveal a finding too.
    await page.evaluate(() => window.postMessage({ type: 'revealFinding', findingId: 'f2' }, '*'));
    await page.waitForFunction(() => document.querySelector('.cl-finding[data-kind="sequential-awaits"]')!.getAttribute('aria-pressed') === 'true');
    // A new report replaces the timeline.
    const next = syntheticReport({ lanes: 4, spans: 500 });
    next.findings = next.findings.slice(0, 1);
    next.program.wallMs = r.program.wallMs * 0.75;
    await page.evaluate(([report, baseline]) => window.postMessage({ type: 'report', report, baseline }, '*'), JSON.parse(JSON.stringify([next, r])));
    await page.waitForFunction(() => document.querySelectorAll('.cl-row-label.lane').length === 4);
    assert.equal(await page.locator('.cl-finding').count(), 1);
    const [n0, n1] = await visibleRange(page);
    assert.ok(n0 === 0 && n1 >= next.program.wallMs, 'the whole new run');
    assert.equal(await page.locator('.cl-stat', { hasText: 'Wall time' }).locator('.delta.better').textContent(), '−25 %', 'compared with the previous run');
    await page.close();
  });

  test('clicking a span shows its details; hovering shows a tooltip', async () => {
    const r = syntheticReport({ lanes: 2, spans: 2000 });
    const { page, posted } = await openReport(browser, r, { vscode: true });
    const m = (await page.locator('.cl-marker[data-kind="blocking-cpu"]').boundingBox())!;
    // Markers are click targets for the finding; the slice row is under them: click the canvas.
    const x = m.x + m.width / 2, y = m.y + 10;
    await page.locator('.cl-overlay').evaluate((e) => { (e as HTMLElement).style.visibility = 'hidden'; });
    await page.mouse.move(x, y);
    await page.waitForSelector('.cl-tooltip', { state: 'visible' });
    assert.match(await page.locator('.cl-tooltip').textContent() ?? '', /Function: hash0\(\)/);
    await page.mouse.click(x, y);
    const details = await page.locator('.cl-details').textContent();
    assert.match(details ?? '', /Busyuser/);
    assert.match(details ?? '', /Functionhash0\(\)/);
    assert.match(details ?? '', /Location\/app\/server\.js:17:3/);
    assert.match(details ?? '', /Lanemain \(pid 4000, thread 0\)/);
    // Keyboard: Escape clears, Enter selects the span in the middle, ] steps to the next one.
    await page.locator('.cl-lanes-canvas').focus();
    await page.keyboard.press('Escape');
    assert.match(await page.locator('.cl-details').textContent() ?? '', /^Tip/);
    await page.keyboard.press('Enter');
    const first = await page.locator('.cl-details').textContent();
    assert.match(first ?? '', /Duration/);
    await page.keyboard.press(']');
    const second = await page.locator('.cl-details').textContent();
    assert.match(second ?? '', /Duration/);
    assert.notEqual(second, first);
    await page.mouse.dblclick(x, y);
    assert.deepEqual((await posted()).at(-1), { type: 'openLocation', location: { file: '/app/server.js', line: 17, column: 3 } });
    await page.close();
  });

  test('program text with markup is shown as text and runs nothing', async () => {
    const evil = '<img src=x onerror="window.__pwned=1;alert(1)">';
    const evil2 = '</script><script>window.__pwned=2;alert(2)</script>';
    const r = syntheticReport({ lanes: 2, spans: 500 });
    r.program.command = ['node', `/tmp/${evil}.js`];
    r.lanes[0].script = `/tmp/${evil}.js`;
    r.lanes[1].label = `worker ${evil2}`;
    r.spans.strings = r.spans.strings.map((s) => (s.startsWith('await') ? `${s} ${evil2}` : s.startsWith('hash0') ? `hash0${evil}()` : s));
    r.findings[0].message = `blocked by ${evil} and ${evil2}`;
    r.findings[0].location.file = `/tmp/${evil}.js`;
    const { page, errors, dialogs } = await openReport(browser, r);
    assert.equal(await page.locator('.cl-row-label.lane').first().textContent(), `main · ${evil}.js`);
    assert.equal(await page.locator('.cl-row-label.lane').nth(1).textContent(), `worker ${evil2} · hash-worker.js`);
    assert.match(await page.locator('.cl-finding').first().textContent() ?? '', new RegExp(`blocked by ${evil.replace(/[()]/g, '\\$&')}`));
    assert.ok((await page.locator('.cl-row-label.site').allTextContents()).some((t) => t.endsWith(evil2)));
    assert.equal(await page.locator('.cl-title').textContent(), `node /tmp/${evil}.js`);
    await page.locator('.cl-finding').first().click();
    assert.match(await page.locator('.cl-details').textContent() ?? '', /Location\/tmp\/<img src=x onerror=/);
    assert.equal(await page.locator('img').count(), 0, 'no element was created from the text');
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a run that failed to start: empty timeline, the error shown, no page errors', async () => {
    const r = syntheticReport({ lanes: 1, spans: 0 });
    r.lanes = [];
    r.findings = [];
    r.spans.lag = { lane: [], t: [], ms: [] };
    r.spans.series = { bucketMs: 10, concurrency: [], parallelism: [], threadpoolRunning: [], threadpoolQueued: [] };
    r.program.wallMs = 0;
    r.program.error = 'spawn node ENOENT <b>x</b>';
    r.warnings = ['no CPU samples'];
    const { page, errors } = await openReport(browser, r);
    assert.equal(await page.locator('.cl-banner').textContent(), 'The run did not complete: spawn node ENOENT <b>x</b> · no CPU samples');
    assert.equal(await page.locator('.cl-row-label').count(), 0);
    assert.match(await page.locator('.cl-findings, .cl-empty').first().textContent() ?? '', /No findings/);
    await page.locator('.cl-lanes-canvas').focus();
    await page.keyboard.press('+');
    await page.mouse.move(700, 500);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('VS Code page form: the bundle loaded by URI under the nonce, theme class followed', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { pathToFileURL } = await import('node:url');
    const { timelineHtml } = await import('../cli/reportPage/page.js');
    const dir = mkdtempSync(join(tmpdir(), 'cl-vsc-'));
    const file = join(dir, 'panel.html');
    const r = syntheticReport({ lanes: 2, spans: 400 });
    writeFileSync(file, timelineHtml({ report: r, nonce: 'abcdef0123456789', title: 'Concurrency: app.js', cspSource: 'file:', scriptUri: pathToFileURL(resolve(__dirname, '../dist/webview.js')).href }));
    const { page, errors, posted } = await openReport(browser, file, { vscode: true });
    assert.equal(await page.locator('.cl-row-label.lane').count(), 2);
    assert.deepEqual((await posted())[0], { type: 'ready' });
    // VS Code switches themes by the body class and the --vscode-* variables.
    await page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', 'rgb(1, 2, 3)');
      document.body.classList.add('vscode-high-contrast');
    });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(1, 2, 3)');
    assert.deepEqual(errors, []);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a narrow panel (VS Code beside an editor) keeps most of the width for the time axis', async () => {
    const r = syntheticReport({ lanes: 3, spans: 600 });
    const { page, errors } = await openReport(browser, r, { width: 540, height: 700 });
    const canvas = (await page.locator('.cl-lanes-canvas').boundingBox())!;
    const side = (await page.locator('.cl-side').boundingBox())!;
    assert.ok(canvas.width >= 540 * 0.65, `time area ${canvas.width}px of 540`);
    assert.ok(side.y >= canvas.y, 'the side panel moved under the timeline');
    const header = (await page.locator('.cl-header').boundingBox())!;
    assert.ok(header.width <= 540 && header.height < 120, `header ${header.width}×${header.height}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('light theme and the standalone export', async () => {
    const r = syntheticReport({ lanes: 2, spans: 300 });
    // The theme follows VS Code's theme kind (the body class), not the OS preference.
    const { page } = await openReport(browser, r, { colorScheme: 'light' });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)');
    await page.evaluate(() => { document.body.className = 'vscode-light'; });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    assert.equal(await page.getByRole('button', { name: 'Export .cpuprofile' }).count(), 0, 'no host: no .cpuprofile');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trace' }).click()]);
    assert.equal(download.suggestedFilename(), 'concurrency-lens.trace.json');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    const trace = JSON.parse(readFileSync(path!, 'utf8'));
    assert.ok(trace.traceEvents.some((e: { ph: string }) => e.ph === 'X'));
    await page.close();
  });
});
