// "Concurrency Lens: Attach to Process…" in a real VS Code (code-server 1.96 + Chromium): the
// picker lists a node server that is already running (pid, script, working directory), picking it
// records the server under load, Stop detaches, and the report panel says what an attached run
// cannot have. The server keeps serving with its inspector closed again. Screenshots go to
// test-results/extension/ (the picker's is the README's docs/attach-picker.png). Skips only when
// code-server is not set up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { missingSetup, startVsCode, REPO } from './test/codeServer.mjs';
import { requirement } from '../scripts/testEnvironment.ts';
import { workbench } from './test/workbench.mjs';

const needs = requirement(missingSetup());
if (needs.skip) console.log(`# SKIP extension UI tests: ${needs.skip}`);

/** The Express fixture of cli/attach.test.mjs, started outside the editor; resolves once it listens. */
function startServer() {
  const child = spawn(process.execPath, ['--inspect-port=0', join(REPO, 'cli/fixtures/attach/express-cpu.js')], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) { clearTimeout(timer); resolve({ child, port: JSON.parse(line).port }); }
    });
  });
}

test('attach to a running server from the picker, detach, read the report', { skip: needs.skip, timeout: 900_000 }, async (t) => {
  needs.check();
  const server = await startServer();
  t.after(() => server.child.kill('SIGKILL'));
  const vs = await startVsCode({ name: 'attach', workspaceFiles: [join(REPO, 'extension/fixtures/workspace')].filter(existsSync) });
  t.after(() => vs.close());
  const { page } = vs;
  const wb = workbench(page);
  const step = (name, fn) => t.test(name, async () => {
    try { await fn(); } catch (e) { await vs.screenshot(`FAILED-${name.slice(0, 40).replace(/\W+/g, '-')}`); throw e; }
  });
  const pid = server.child.pid;

  await step('the picker lists the running server with its pid and working directory', async () => {
    await wb.openFile('lens-server.js'); // the workbench has the focus (F1 reaches it)
    await wb.runCommand('Concurrency Lens: Attach to Process');
    // On a busy machine the list is long and only its visible rows are in the page: filter it by the
    // pid, as one would (the picker matches descriptions).
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Attach to Process' }).waitFor({ timeout: 60_000 });
    await page.locator('.quick-input-widget input.input').fill(`pid ${pid}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: new RegExp(`pid ${pid}\\b`) }).first();
    await row.waitFor({ timeout: 60_000 });
    const text = await row.innerText();
    assert.match(text, /express-cpu\.js/);
    assert.ok(text.includes(REPO), text);
    copyFileSync(await vs.screenshot('01-attach-picker'), join(REPO, 'docs/attach-picker.png'));
    // The editor's own processes are left out: filtered by their names (the picker matches command
    // lines too), the list is empty. (The list is loaded: the server's row was in it.)
    const input = page.locator('.quick-input-widget input.input');
    for (const name of ['code-server', 'bootstrap-fork', 'extensionHost']) {
      await input.fill(name);
      let rows = [];
      for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
        if (rows.length === 0) break;
      }
      assert.deepEqual(rows, [], `the editor's own processes are left out (${name})`);
    }
    await input.fill(`pid ${pid}`);
    await row.click();
  });

  await step('it records the server under load until Stop, then shows the report with the attached note', async () => {
    await page.locator('.notification-toast', { hasText: `Recording express-cpu.js (pid ${pid})` }).waitFor({ timeout: 120_000 });
    for (let i = 0; i < 6; i++) assert.equal((await fetch(`http://127.0.0.1:${server.port}/cpu`)).status, 200);
    await vs.screenshot('02-recording');
    await wb.runCommand('Concurrency Lens: Stop Profiling');
    const text = await wb.waitForWebviewText(/Attached to running pid \d+/, 180_000);
    assert.match(text, new RegExp(`Attached to running pid ${pid}`));
    assert.match(text, /not recorded: per-await detail/);
    await vs.screenshot('03-attached-report');
  });

  await step('the server keeps serving, its inspector closed again', async () => {
    const state = await (await fetch(`http://127.0.0.1:${server.port}/state`)).json();
    assert.equal(state.inspector, null);
    assert.equal(state.recorded, 'undefined');
  });
});
