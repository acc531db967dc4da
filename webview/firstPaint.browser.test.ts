import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { canvases, hasChromium, launch } from './fixtures/browser';
import { syntheticReport } from './fixtures/syntheticReport';
import { requirement } from '../scripts/testEnvironment';
import { htmlReport } from '../cli/htmlReport';

// A big report's first frame is drawn from the host's preview (preview.ts) before its spans are
// decoded: from class 0 at once (coarse, and labelled so, when the lanes draw a finer class), then
// exactly from the class of the lanes' width; then the spans replace it and the timeline is what it
// is without a preview.
const needs = requirement(!hasChromium && 'chromium not installed (apt-get install -y chromium)');

/** The lanes canvas's pixels (RGBA). */
const lanesPixels = (page: Page) => page.evaluate(() => {
  const c = document.querySelector('.cl-lanes-canvas') as HTMLCanvasElement;
  return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
});

/**
 * Opens `file` with its spans held back (released by `releaseSpans()` in the page) and, if
 * `holdExact`, the class of the lanes' width too (`releaseExact()`), and waits for the first
 * frame, drawn from the preview.
 */
async function openHeld(browser: Browser, file: string, width: number, height: number, holdExact = false): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript('globalThis.concurrencyLensHoldSpans = new Promise((res) => { globalThis.releaseSpans = res; });');
  if (holdExact) await page.addInitScript('globalThis.concurrencyLensHoldExact = new Promise((res) => { globalThis.releaseExact = res; });');
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as any).concurrencyLens?.firstPaintMs, null, { timeout: 60_000 });
  return { page, errors };
}

/** Lets the held class of the lanes' width be read and waits until the view draws from it. */
async function loadExact(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as any).releaseExact?.());
  await page.waitForFunction(() => (globalThis as any).concurrencyLens.timings.exactMs, null, { timeout: 60_000 });
}

/** Lets the held spans load and waits until the view draws from them. */
async function loadSpans(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as any).releaseSpans());
  await page.waitForFunction(() => !(globalThis as any).concurrencyLens.timeline.model.pending, null, { timeout: 120_000 });
  await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.render());
}

/** How many bytes of two pixel arrays differ. */
function differing(a: number[], b: number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('first paint from the preview', { skip: needs.skip }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => { needs.check(); browser = await launch(); dir = mkdtempSync(join(tmpdir(), 'cl-first-')); });
  after(async () => { await browser?.close(); rmSync(dir, { recursive: true, force: true }); });

  test('drawn before the spans are loaded, loading when zoomed in, then the same timeline as without a preview', async () => {
    const r = syntheticReport({ lanes: 6, spans: 150_000, wallMs: 30_000, childProcesses: 1 });
    const html = htmlReport(r);
    assert.match(html, /id="cl-preview"/, 'a report this big gets a preview');
    // The preview's head and its coarsest class before the script; after it the finer classes, then the columns.
    const at = ['id="cl-preview"', 'id="cl-preview-0"', '<script nonce', 'id="cl-preview-1"', 'id="cl-preview-2"', 'id="cl-columns"'].map((s) => html.indexOf(s));
    assert.deepEqual(at, [...at].sort((a, b) => a - b));
    assert.ok(at[0] > 0);
    const withPreview = join(dir, 'preview.html'), without = join(dir, 'plain.html');
    writeFileSync(withPreview, html);
    writeFileSync(without, html.replace(/<script type="application\/octet-stream" id="cl-preview"[^>]*>[^<]*<\/script>/, ''));

    // The class of the lanes' width and the spans wait until the test lets them load.
    const { page, errors } = await openHeld(browser, withPreview, 1400, 860, true);
    assert.ok(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.width > 512), 'lanes over 512 px wide (a finer class than class 0)');
    assert.equal(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.model.pending), true);
    // The first frame, from class 0: coarse, and it says so.
    assert.match(await page.locator('#cl-range').textContent() ?? '', /coarse preview: loading spans…/);
    const coarse = await lanesPixels(page);
    assert.ok(coarse.some((v, i) => i % 4 === 3 && v > 0), 'the lanes are drawn');
    await loadExact(page);
    assert.match(await page.locator('#cl-range').textContent() ?? '', /· loading spans…/);
    assert.doesNotMatch(await page.locator('#cl-range').textContent() ?? '', /coarse/);
    const first = await lanesPixels(page);
    assert.ok(differing(first, coarse) > 0, 'the exact frame redraws the coarse one');
    // Zoomed in beyond the preview: the big rows wait for their spans, and say so.
    await page.evaluate(() => { (globalThis as any).concurrencyLens.timeline.zoomTo(12_000, 12_030); (globalThis as any).concurrencyLens.timeline.render(); });
    assert.match(await page.locator('#cl-range').textContent() ?? '', /loading spans: this zoom is drawn when they are decoded/);
    // Nothing to hover or select yet.
    await page.mouse.move(700, 400);
    assert.equal(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.model.rows.every((row: { ref: Uint32Array; start: Float64Array }) => row.ref.every((x) => x === 0))), true);
    await page.evaluate(() => { (globalThis as any).concurrencyLens.timeline.resetZoom(); (globalThis as any).concurrencyLens.timeline.render(); });

    await loadSpans(page);
    assert.doesNotMatch(await page.locator('#cl-range').textContent() ?? '', /loading/);
    // The frame drawn from the lanes' class was the loaded picture; the coarse one only close to it.
    const loaded = await lanesPixels(page);
    assert.equal(differing(loaded, first), 0, `bytes of the lanes (of ${loaded.length}) differ from the loaded picture`);
    const drawn = loaded.filter((v, i) => i % 4 === 3 && v > 0).length;
    assert.ok(differing(loaded, coarse) < drawn, `the coarse frame is close to the loaded picture (${differing(loaded, coarse)} bytes differ, ${drawn} px drawn)`);

    // Loaded, it is the timeline without a preview: the same pixels at the whole run and zoomed in.
    const plain = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await plain.goto(pathToFileURL(without).href);
    await plain.waitForFunction(() => (globalThis as any).concurrencyLens?.firstPaintMs, null, { timeout: 120_000 });
    const zoom = (p: Page, a: number, b: number) => p.evaluate(([a, b]) => { (globalThis as any).concurrencyLens.timeline.zoomTo(a, b); (globalThis as any).concurrencyLens.timeline.render(); }, [a, b]);
    for (const [a, b] of [[0, 30_000], [12_000, 12_030], [5_000, 9_000]]) {
      await zoom(page, a, b);
      await zoom(plain, a, b);
      assert.deepEqual(await canvases(page), await canvases(plain), `the same pixels at ${a}–${b} ms`);
    }
    // Hover and selection work once loaded.
    assert.ok(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.model.rows.some((row: { ref: Uint32Array }) => row.ref.some((x) => x > 0))));
    assert.deepEqual(errors, []);
    await plain.close();
    await page.close();
  });

  test('narrow lanes draw their first frame from the coarsest class, the loaded picture', async () => {
    const file = join(dir, 'narrow.html');
    writeFileSync(file, htmlReport(syntheticReport({ lanes: 4, spans: 120_000, wallMs: 20_000, childProcesses: 1 })));
    const { page, errors } = await openHeld(browser, file, 900, 700, true);
    assert.ok(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.width <= 512), 'lanes at most 512 px wide (class 0)');
    assert.equal(await page.evaluate(() => (globalThis as any).concurrencyLens.timeline.model.pending), true);
    // Class 0 is their class: the first frame is exact (nothing else to wait for).
    assert.ok(await page.evaluate(() => (globalThis as any).concurrencyLens.timings.exactMs));
    assert.doesNotMatch(await page.locator('#cl-range').textContent() ?? '', /this zoom is drawn when|coarse/);
    const first = await lanesPixels(page);
    await loadSpans(page);
    const loaded = await lanesPixels(page);
    assert.equal(differing(loaded, first), 0, `bytes of the lanes (of ${loaded.length}) differ from the loaded picture`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
