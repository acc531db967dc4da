// What a user does in the VS Code workbench, as Playwright steps (code-server 1.96 DOM).
export function workbench(page) {
  /** The status-bar text just before the latest run was started (see markRunStart). */
  let statusBeforeRun;
  const wb = {
    /**
     * Opens a workspace file by clicking it in the Explorer, as a user does: `name` is a path
     * relative to the workspace folder ('io/01-sequential.js'); the folders on the way are
     * expanded first. Mouse clicks on the workbench, not shortcuts: a key pressed while the focus
     * is still moving (into a webview's frame, a closing quick input) can be lost on a loaded machine.
     */
    async openFile(name) {
      const parts = name.split('/');
      const row = (part, level) => page.locator(`.explorer-folders-view .monaco-list-row[aria-level="${level}"]`, { hasText: new RegExp(`^${part.replace(/\./g, '\\.')}$`) }).first();
      for (let i = 0; i < parts.length - 1; i++) {
        const folder = row(parts[i], i + 1);
        if ((await folder.getAttribute('aria-expanded', { timeout: 60_000 })) !== 'true') await folder.click();
        await page.locator(`.explorer-folders-view .monaco-list-row[aria-level="${i + 1}"][aria-expanded="true"]`, { hasText: parts[i] }).first().waitFor({ timeout: 30_000 });
      }
      const file = parts[parts.length - 1];
      await row(file, parts.length).click({ timeout: 60_000 });
      await page.locator(`.tab.active[aria-label*="${file}"]`).waitFor();
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    },
    /**
     * Runs a command from the palette; tries again while the extension host is still registering
     * commands, and when the palette closed at once: a page that takes the focus a moment after it
     * opened (the Welcome page's walkthrough, as it renders its steps) closes a quick input shown
     * meanwhile (it closes when it loses the focus), and the palette's input was then never visible.
     * Escape only goes to the palette's own input, never to the page.
     */
    async runCommand(title) {
      const input = page.locator('.quick-input-widget input.input');
      for (let attempt = 1; ; attempt++) {
        try {
          await page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 5_000 });
          await input.fill(`>${title}`, { timeout: 5_000 });
          const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
          await row.waitFor({ timeout: 10_000 });
          await page.keyboard.press('Enter');
          return;
        } catch (e) {
          // Close the palette if it is open, and only then: an Escape that reaches the page instead
          // (the palette had closed at once) is the Welcome page's "go back", which leaves an open
          // walkthrough for the list of walkthroughs.
          if (await input.isVisible()) await input.press('Escape');
          if (attempt === 4) throw e;
        }
      }
    },
    async pick(text) {
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
      await row.waitFor();
      await row.click();
    },
    statusText: () => page.locator('#concurrency-lens\\.concurrency-lens\\.concurrencyLens\\.status').innerText().catch(() => ''),
    /**
     * Call just before an action that starts a run: remembers the status bar as it was, so that
     * waitForRunToFinish also recognizes a run that finished before it started watching (on a
     * loaded machine a short run can end while the test still waits for the progress toast).
     */
    async markRunStart() { statusBeforeRun = await wb.statusText(); },
    /** Waits until a run started and finished, and returns the status-bar summary. */
    async waitForRunToFinish(timeoutMs = 90_000) {
      const until = Date.now() + timeoutMs;
      const before = statusBeforeRun;
      statusBeforeRun = undefined;
      let sawRunning = false;
      while (Date.now() < until) {
        const text = await wb.statusText();
        if (/Profiling|Stopping/.test(text)) sawRunning = true;
        // A new summary: seen running, or different from the one before the run started.
        else if (/wall/.test(text) && (sawRunning || (before !== undefined && text !== before))) return text;
        await page.waitForTimeout(200);
      }
      throw new Error(`the run did not finish within ${timeoutMs} ms (status: ${await wb.statusText()})`);
    },
    async codeLensTexts() {
      return page.locator('.monaco-editor .codelens-decoration').allInnerTexts();
    },
    /** The vertical gap between a code lens and the top of a line (1-based) in the active editor. */
    async lensPlacement(lensText, line) {
      const lens = await page.locator('.monaco-editor .codelens-decoration', { hasText: lensText }).first().boundingBox();
      const number = await page.locator('.monaco-editor .margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) }).first().boundingBox();
      return { lens, number };
    },
    /** Text of the Problems panel (opened if it is not showing: its key toggles a focused panel closed). */
    async problems() {
      const panel = page.locator('.markers-panel');
      if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+M');
      await panel.waitFor();
      await page.waitForTimeout(500);
      return panel.innerText();
    },
    /** Text of every webview frame (the report panel lives in nested iframes). */
    async webviewTexts() {
      const texts = [];
      for (const frame of page.frames()) {
        if (!frame.url().includes('webview')) continue;
        texts.push(await frame.locator('body').innerText({ timeout: 1000 }).catch(() => ''));
      }
      return texts.filter(Boolean);
    },
    async waitForWebviewText(pattern, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const hit = (await wb.webviewTexts()).find((t) => pattern.test(t));
        if (hit) return hit;
        await page.waitForTimeout(300);
      }
      throw new Error(`no webview showed ${pattern}; webviews: ${JSON.stringify(await wb.webviewTexts()).slice(0, 500)}`);
    },
    /**
     * Waits until the webview showing `pattern` has the keyboard focus, down to its content frame.
     * A panel revealed with the focus (Compare runs) takes it asynchronously, once its frame is
     * ready (VS Code debounces it: microsoft/vscode#75209); a quick pick opened meanwhile lost the
     * focus to it and closed, and the next step waited for a row that was hidden (CI, 1 run).
     */
    async waitForWebviewFocus(pattern, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        for (const frame of page.frames()) {
          if (!frame.url().includes('webview')) continue;
          const focused = await frame.evaluate((source) => new RegExp(source).test(document.body?.innerText ?? '') && document.hasFocus(), pattern.source).catch(() => false);
          if (focused) return;
        }
        await page.waitForTimeout(100);
      }
      throw new Error(`the webview showing ${pattern} never took the focus`);
    },
    /** Waits until an element matching `selector` exists in some webview frame. */
    async waitForWebviewElement(selector, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        for (const frame of page.frames()) {
          if (frame.url().includes('webview') && (await frame.locator(selector).count().catch(() => 0)) > 0) return;
        }
        await page.waitForTimeout(300);
      }
      throw new Error(`no webview has ${selector}`);
    },
    async notificationTexts() {
      return page.locator('.notification-toast').allInnerTexts();
    },
    /** Puts the cursor at the end of the editor line containing `text`. */
    async clickLine(text) {
      await page.locator('.monaco-editor .view-line', { hasText: text }).first().click();
    },
    async goToLine(line) {
      await page.keyboard.press('Control+G');
      await page.locator('.quick-input-widget input.input').fill(`:${line}`);
      await page.keyboard.press('Enter');
    },
    async editorText() {
      return page.evaluate(() => document.querySelector('.monaco-editor .view-lines')?.textContent ?? '');
    },
  };
  return wb;
}

/** "1.8 s wall · …" or "850 ms wall · …" → milliseconds. */
export function wallMsOf(statusText) {
  const m = /([\d.]+)\s*(ms|s) wall/.exec(statusText);
  if (!m) throw new Error(`no wall time in status "${statusText}"`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
