// The walkthrough as a newcomer follows it in a real VS Code (code-server 1.96 + Chromium), on
// the samples workspace: each step is ticked only once its action succeeded. Then the report
// panel in each theme kind (VS Code's real themes): text contrast (WCAG AA) and screenshots.
// Screenshots go to test-results/extension/walkthrough-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { missingSetup, startVsCode, REPO } from './test/codeServer.mjs';
import { workbench } from './test/workbench.mjs';
import { contrastFailures } from '../webview/fixtures/contrast.ts';
import { requirement } from '../scripts/testEnvironment.ts';

const needs = requirement(missingSetup());
if (needs.skip) console.log(`# SKIP walkthrough UI tests: ${needs.skip}`);
const STEPS = ['openSample', 'profile', 'readTimeline', 'applyFix', 'compare'];

test('the walkthrough ticks each step only after its action succeeded; the report is readable in every theme', { skip: needs.skip, timeout: 600_000 }, async (t) => {
  needs.check();
  const vs = await startVsCode({ name: 'walkthrough', workspaceFiles: [join(REPO, 'samples')] });
  t.after(() => vs.close());
  const { page } = vs;
  const wb = workbench(page);
  const step = (name, fn) => t.test(name, async () => {
    try { await fn(); } catch (e) { await vs.screenshot(`FAILED-${name.slice(0, 40).replace(/\W+/g, '-')}`); throw e; }
  });
  /**
   * Ids of the ticked steps, in walkthrough order, once they are `expected` (ticks only ever get
   * added, so waiting for the expected set and then comparing exactly also proves what is not ticked).
   */
  const ticked = async (expected = []) => {
    // The walkthrough's steps must be on the page: with none (the Welcome page showing its list of
    // walkthroughs), "none ticked" would hold of nothing.
    await page.locator('.getting-started-step').first().waitFor({ timeout: 20_000 });
    let ids = [];
    for (const until = Date.now() + 20_000; Date.now() < until; await page.waitForTimeout(300)) {
      ids = await page.evaluate((all) => all.filter((id) => {
        const s = document.querySelector(`.getting-started-step[data-step-id$="${id}"]`);
        return s?.querySelector('[role="checkbox"]')?.getAttribute('aria-checked') === 'true';
      }), STEPS);
      if (expected.every((id) => ids.includes(id))) break;
    }
    return ids;
  };
  const walkthroughTab = () => page.locator('.tab', { hasText: /Walkthrough|Welcome/ }).first().click();
  const openStep = async (id) => {
    await walkthroughTab();
    const s = page.locator(`.getting-started-step[data-step-id$="${id}"]`);
    if ((await s.getAttribute('aria-expanded')) !== 'true') await s.locator('.step-title').click();
    return s;
  };
  await step('the Welcome page lists the walkthrough with its whole title and the extension icon', async () => {
    await wb.runCommand('Help: Welcome');
    const entry = page.locator('.getting-started-category', { hasText: 'Get started with Concurrency Lens' }).first();
    // code-server opens its own setup walkthrough first: back to the Welcome page's list (and "More..." if needed).
    for (const until = Date.now() + 60_000; !(await entry.isVisible()); await page.waitForTimeout(500)) {
      if (Date.now() > until) throw new Error('the walkthrough is not listed on the Welcome page');
      const back = page.locator('.prev-button:visible').first();
      const more = page.locator('.getting-started button:visible', { hasText: 'More...' }).first();
      if (await back.count()) await back.click();
      else if (await more.count()) await more.click();
    }
    const title = entry.locator('.category-title');
    assert.ok(await title.evaluate((e) => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1), 'the title is not cut off');
    const icon = entry.locator('img.category-icon');
    assert.equal(await icon.count(), 1, 'the extension icon');
    assert.ok(await icon.evaluate((img) => img.complete && img.naturalWidth > 0), 'the icon loads');
    await vs.screenshot('00-welcome');
    await entry.click();
    await page.locator('.getting-started-step').first().waitFor({ timeout: 20_000 });
    await vs.screenshot('01-opened');
    assert.deepEqual(await ticked([]), []);
  });

  await step('Compare refused with one run or none: "compare" stays unticked', async () => {
    await wb.runCommand('Concurrency Lens: Compare Last Two Runs');
    await page.locator('.notification-toast', { hasText: 'profile twice' }).waitFor({ timeout: 15_000 });
    await walkthroughTab();
    assert.deepEqual(await ticked([]), []);
  });

  await step('opening the sample ticks "Open a sample" only', async () => {
    await wb.openFile('io/01-sequential.js');
    await walkthroughTab();
    assert.deepEqual(await ticked(['openSample']), ['openSample']);
  });

  await step('"Profile it" from the walkthrough profiles the sample just opened, with no picker; "Apply the fix" stays unticked', async () => {
    const s = await openStep('profile');
    await wb.markRunStart();
    await s.locator('.step-description-container').getByText('Profile it').click();
    assert.equal(await page.locator('.quick-input-widget:visible').count(), 0, 'no target picker');
    await page.locator('.notification-toast', { hasText: 'Profiling 01-sequential.js' }).waitFor({ timeout: 30_000 });
    const status = await wb.waitForRunToFinish(120_000);
    assert.match(status, /finding/);
    await page.locator('.tab', { hasText: 'Concurrency: 01-sequential.js' }).waitFor();
    await walkthroughTab();
    assert.deepEqual(await ticked(['openSample', 'profile']), ['openSample', 'profile']);
    await vs.screenshot('02-profiled');
  });

  await step('the target list offers the sample, hides a launch configuration that needs an open file, marks what needs something', async () => {
    await walkthroughTab(); // no editor has the focus
    await wb.runCommand('Concurrency Lens: Profile Concurrency');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    await vs.screenshot('03-targets');
    // Escape to the picker only: on the Welcome page (it has the focus if the picker closed) it goes back to the list of walkthroughs.
    const picker = page.locator('.quick-input-widget input.input');
    if (await picker.isVisible()) await picker.press('Escape');
    assert.match(rows[0], /Current file: 01-sequential\.js/);
    // The launch configurations that run ${file} run the sample last open, and say so.
    assert.ok(rows.some((r) => /Run current sample \(JavaScript\)[\s\S]*runs the current file \(01-sequential\.js\)/.test(r)), rows.join('\n---\n'));
    // npm run profile/matrix need ../dist/cli.js, which this workspace does not have.
    assert.ok(!rows.some((r) => /npm run (profile|matrix)\b/.test(r)), rows.join('\n---\n'));
    assert.ok(rows.some((r) => /npm run test[\s\S]*runs outside this folder/.test(r)), rows.join('\n---\n'));
  });

  await step('showing the report ticks "Read the timeline"; the timeline draws the staircase', async () => {
    await wb.runCommand('Concurrency Lens: Show Last Report');
    await walkthroughTab();
    assert.deepEqual(await ticked(['openSample', 'profile', 'readTimeline']), ['openSample', 'profile', 'readTimeline']);
    await page.locator('.tab', { hasText: 'Concurrency: 01-sequential.js' }).click();
    const frame = await reportFrame(page);
    await frame.locator('.cl-finding[data-kind="await-in-loop"]').click();
    assert.match(await frame.locator('.cl-finding[data-kind="await-in-loop"] .where').innerText(), /20 iterations/);
    assert.ok(await frame.locator('.cl-row-label.site', { hasText: 'getText' }).evaluate((e) => e.offsetHeight) > 40, 'the getText row is a staircase');
    await page.mouse.move(5, 500);
    await vs.screenshot('04-staircase');
    // Beside the editor (the default width): the legend and the track scales are still there.
    const width = await frame.locator('.cl-header').evaluate((e) => e.offsetWidth);
    assert.ok(width < 820, `the panel is narrow here (${width}px)`);
    assert.ok(await frame.locator('.cl-legend').isVisible(), 'legend visible');
    assert.ok(await frame.locator('.cl-track-label .value').first().isVisible(), 'track values visible');
  });

  const themes = [['Light Modern', 'vscode-light'], ['Light High Contrast', 'vscode-high-contrast-light'], ['Dark High Contrast', 'vscode-high-contrast'], ['Dark Modern', 'vscode-dark']];
  for (const [name, kind] of themes) {
    await step(`${name}: the report's buttons, selected finding and labels have 4.5:1 contrast`, async () => {
      // Ctrl+K Ctrl+T: the installed themes (the palette's first match would be the Marketplace's).
      // The keys are pressed in the sample's text editor: a webview tab takes the focus a moment
      // after it is activated, and a quick input open by then closes at once (seen on a quiet
      // machine too), whereas a click in the text puts the focus there and it stays.
      const sampleTab = page.locator('.tab', { hasText: /^01-sequential\.js/ }).first();
      await sampleTab.click();
      await page.locator('.tab.active', { hasText: /^01-sequential\.js/ }).first().waitFor({ timeout: 30_000 });
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+T');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 60_000 });
      await input.fill(name);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'Concurrency: 01-sequential.js' }).click();
      const frame = await reportFrame(page);
      await frame.waitForFunction((k) => document.body.classList.contains(k), kind, { timeout: 60_000 });
      await frame.locator('.cl-finding[data-kind="await-in-loop"]').click(); // selected, as the report panel shows it
      await page.mouse.move(5, 500);
      // The theme's colours reach the page's variables and repaint after its body class: measure
      // once they have settled (bounded), so a frame caught between two themes is not judged.
      let failures = await contrastFailures(frame);
      for (const until = Date.now() + 10_000; failures.length > 0 && Date.now() < until; failures = await contrastFailures(frame)) await page.waitForTimeout(500);
      await vs.screenshot(`05-theme-${kind}`);
      assert.deepEqual(failures, []);
    });
  }
  await step('opening the fixed version ticks "Apply the fix"; profiling it and comparing ticks the last step', async () => {
    await wb.openFile('io/06-promise-all.js');
    await walkthroughTab();
    assert.deepEqual(await ticked(['openSample', 'profile', 'readTimeline', 'applyFix']), ['openSample', 'profile', 'readTimeline', 'applyFix']);
    await page.locator('.tab', { hasText: '06-promise-all.js' }).first().click();
    await page.locator('.tab.active[aria-label*="06-promise-all.js"]').waitFor();
    await wb.markRunStart();
    await wb.runCommand('Concurrency Lens: Profile Concurrency');
    await wb.pick('Current file: 06-promise-all.js');
    await wb.waitForRunToFinish(120_000);
    await wb.runCommand('Concurrency Lens: Compare Last Two Runs');
    const text = await wb.waitForWebviewText(/Run comparison/);
    assert.match(text, /Before\s+01-sequential\.js · \d\d:\d\d:\d\d/);
    assert.match(text, /After\s+06-promise-all\.js · \d\d:\d\d:\d\d/);
    assert.match(text, /Findings resolved \(1\)/);
    await vs.screenshot('06-compare');
    // Compare again: the same tab, not a second one.
    await wb.runCommand('Concurrency Lens: Compare Last Two Runs');
    await page.waitForTimeout(1000);
    assert.equal(await page.locator('.tab', { hasText: /^Compare/ }).count(), 1, 'one Compare tab');
    await walkthroughTab();
    assert.deepEqual(await ticked(STEPS), STEPS);
    await vs.screenshot('07-all-done');
  });

});

/** The frame of the report panel's timeline (VS Code nests webviews in iframes). */
async function reportFrame(page, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const f of page.frames()) {
      if (f.url().includes('webview') && (await f.locator('.cl-header').count().catch(() => 0)) > 0 && await f.locator('.cl-header').isVisible().catch(() => false)) return f;
    }
    await page.waitForTimeout(300);
  }
  throw new Error('no report panel');
}
