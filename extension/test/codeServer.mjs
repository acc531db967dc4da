// Starts code-server (VS Code 1.96 in a browser, set up by scripts/setup-code-server.sh) with this
// repository installed as an extension, and drives it with Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOOLS = join(REPO, '.tools/code-server');
const ENTRY = join(TOOLS, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO, 'test-results', 'extension');

/** Why the UI tests cannot run here, or undefined when they can. */
export function missingSetup() {
  if (!existsSync(join(TOOLS, '.ready')) || !existsSync(ENTRY)) return 'code-server is not set up: run `bash scripts/setup-code-server.sh` first';
  if (!existsSync(CHROMIUM)) return `Chromium not found at ${CHROMIUM}: run \`bash scripts/setup-code-server.sh\``;
  if (!existsSync(join(REPO, 'dist/extension.js'))) return 'dist/extension.js is missing: run `npm run build`';
  return undefined;
}

/**
 * Installs the extension as built now: package.json and dist/ copied (so a rebuild by someone
 * else during the test cannot change it), node_modules linked (the recorder needs esbuild).
 * CL_EXTENSION_DIR overrides the source folder.
 */
function installSnapshot(extensionsDir) {
  const source = process.env.CL_EXTENSION_DIR ?? REPO;
  const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  mkdirSync(target, { recursive: true });
  cpSync(join(source, 'package.json'), join(target, 'package.json'));
  cpSync(join(source, 'dist'), join(target, 'dist'), { recursive: true });
  // What the .vsix ships besides the bundles (.vscodeignore): the walkthrough's pages and the icon.
  for (const extra of ['samples/walkthrough', 'docs/icon.png']) {
    if (existsSync(join(source, extra))) cpSync(join(source, extra), join(target, extra), { recursive: true });
  }
  symlinkSync(join(REPO, 'node_modules'), join(target, 'node_modules'));
}

/**
 * Waits for code-server to say where it listens ("HTTP server listening on http://127.0.0.1:N/"):
 * it binds port 0 itself, so no other process can take the port between choosing and binding it.
 */
async function listeningUrl(child, log, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const m = log().match(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) return m[1];
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not start within ${timeoutMs} ms:\n${log().slice(-3000)}`);
}

/**
 * @param {{ workspaceFiles: string[], trusted?: boolean, name: string }} o
 *   workspaceFiles: folders whose contents are copied into a fresh workspace (the tests edit it).
 */
export async function startVsCode(o) {
  const { chromium } = await import('playwright-core');
  const root = mkdtempSync(join(tmpdir(), `cl-ui-${o.name}-`));
  const workspace = join(root, 'samples');
  for (const folder of o.workspaceFiles) cpSync(folder, workspace, { recursive: true });
  const userData = join(root, 'user-data');
  const extensions = join(root, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  installSnapshot(extensions);
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': o.trusted !== false ? false : true,
    'security.workspace.trust.startupPrompt': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'editor.codeLens': true,
    'editor.minimap.enabled': false,
    'window.commandCenter': false,
    'chat.commandCenter.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'files.autoSave': 'off',
    // A full TypeScript project analysis takes minutes on a 2-core CI machine and code actions
    // wait for every provider: the syntax-only server keeps the tests about our extension.
    'typescript.tsserver.useSyntaxServer': 'always',
  }, null, 2));

  const server = spawn(process.execPath, [ENTRY, '--auth', 'none', '--bind-addr', '127.0.0.1:0',
    '--extensions-dir', extensions, '--user-data-dir', userData, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override', workspace], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PASSWORD: undefined, XDG_CONFIG_HOME: join(root, 'config'), XDG_DATA_HOME: join(root, 'data') } });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const origin = await listeningUrl(server, () => serverLog, 120_000);
  const port = Number(new URL(origin).port);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // Generous bounds: on a loaded 2-core machine the workbench's scripts take well over
  // Playwright's default 30 s to reach `load`; what matters is that the workbench appears.
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 180_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  // Screenshots of an earlier run of this suite would be mistaken for this one's.
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${o.name}-`)) rmSync(join(ARTIFACTS, f));

  return {
    page, workspace, port,
    log: () => serverLog,
    async screenshot(step) {
      const file = join(ARTIFACTS, `${o.name}-${step}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await browser.close().catch(() => {});
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
