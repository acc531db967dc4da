import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
const file = process.argv[2], n = Number(process.argv[3] || 60), flags = process.argv[4] || '--trace-deopt';
const out = createWriteStream('/tmp/fc/chromium.log');
const ch = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--remote-debugging-port=9339', `--js-flags=${flags}`, '--user-data-dir=/tmp/fc/ud', 'about:blank'], { stdio: ['ignore', 'pipe', 'pipe'] });
ch.stdout.pipe(out); ch.stderr.on('data', () => {});
await new Promise((r) => setTimeout(r, 2500));
const browser = await chromium.connectOverCDP('http://127.0.0.1:9339');
const page = await browser.contexts()[0].newPage();
await page.setViewportSize({ width: 1600, height: 900 });
await page.goto('file://' + file, { timeout: 120000 });
await page.waitForFunction(() => globalThis.concurrencyLens?.firstPaintMs && !globalThis.concurrencyLens.exactPending && !globalThis.concurrencyLens.timeline.model.pending, null, { timeout: 300000 });
const r = await page.evaluate(async (n) => {
  const tl = globalThis.concurrencyLens.timeline, wall = tl.model.wallMs;
  const nextFrame = () => new Promise((res) => requestAnimationFrame(() => res()));
  const out = [];
  for (let i = 0; i < n; i++) { tl.zoomTo(0, wall * (i % 2 ? 0.9995 : 1)); await nextFrame(); out.push(+tl.lastRenderMs.toFixed(1)); }
  return out;
}, n);
console.log(r.join(' '));
await browser.close(); ch.kill();
