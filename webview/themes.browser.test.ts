import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { hasChromium, launch, openReport } from './fixtures/browser';
import { contrastFailures } from './fixtures/contrast';
import { syntheticReport } from './fixtures/syntheticReport';

// The timeline's own colours (the fallbacks used when VS Code sets no variable, and the
// standalone report) in each VS Code theme kind, and its layout at the widths VS Code gives
// it beside an editor. The same checks against VS Code's real themes are in extension/ui.test.mjs.
const SHOTS = resolve(__dirname, '../test-results/webview');
const THEMES = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];

describe('timeline themes and narrow panels', { skip: hasChromium ? false : 'chromium not installed (apt-get install -y chromium)' }, () => {
  let browser: Browser;
  before(async () => { browser = await launch(); mkdirSync(SHOTS, { recursive: true }); });
  after(async () => { await browser?.close(); });

  for (const theme of THEMES) {
    test(`${theme}: buttons, the selected finding and labels have 4.5:1 contrast, whatever the OS prefers`, async () => {
      // The OS preference is the opposite of the theme: it must not matter.
      const osLight = !theme.includes('light');
      const { page, errors } = await openReport(browser, syntheticReport({ lanes: 2, spans: 800 }), { colorScheme: osLight ? 'light' : 'dark', width: 1200, height: 760 });
      await page.evaluate((c) => { document.body.className = c; }, theme);
      await page.locator('.cl-finding').first().click();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(100);
      await page.screenshot({ path: join(SHOTS, `theme-${theme}.png`) });
      assert.deepEqual(await contrastFailures(page), []);
      // The canvas follows too: its background is the theme's, not the OS's.
      const bgIsLight = await page.evaluate(() => {
        const m = /(\d+)[, ]+(\d+)[, ]+(\d+)/.exec(getComputedStyle(document.body).backgroundColor)!;
        return Number(m[1]) + Number(m[2]) + Number(m[3]) > 382;
      });
      assert.equal(bgIsLight, theme.includes('light'), `background of ${theme}`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }

  test('at the default width beside an editor (626 px) the legend, the hints and the track values are there, compact', async () => {
    const { page, errors } = await openReport(browser, syntheticReport({ lanes: 3, spans: 1500 }), { width: 626, height: 860 });
    await page.evaluate(() => { document.body.className = 'vscode-dark'; });
    await page.screenshot({ path: join(SHOTS, 'narrow-626.png') });
    const legend = page.locator('.cl-legend');
    assert.ok(await legend.isVisible(), 'legend visible');
    const lb = (await legend.boundingBox())!;
    assert.ok(lb.height < 40, `legend folded into a line or two (${lb.height}px)`);
    assert.match(await legend.innerText(), /await/);
    for (const v of await page.locator('.cl-track-label .value').all()) assert.ok(await v.isVisible(), 'track value visible');
    const hint = await page.locator('.cl-status').evaluate((e) => getComputedStyle(e, '::after').content);
    assert.match(hint, /zoom.*pan/);
    const lanes = (await page.locator('.cl-lanes').boundingBox())!;
    assert.ok(lanes.height >= 250, `lanes area ${lanes.height}px tall`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('at 370 px the title keeps a readable width', async () => {
    const { page } = await openReport(browser, syntheticReport({ lanes: 1, spans: 200 }), { width: 370, height: 700 });
    await page.screenshot({ path: join(SHOTS, 'narrow-370.png') });
    const title = (await page.locator('.cl-title').boundingBox())!;
    assert.ok(title.width >= 100, `title ${title.width}px wide`);
    await page.close();
  });
});
