import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// A missing test environment skips locally and fails in CI. Checked through a real node:test
// run of the browser suite with Chromium pointed at a path that does not exist.
const ROOT = join(__dirname, '..');
const run = (ci: string | undefined) => {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' };
  delete env.NODE_TEST_CONTEXT;
  if (ci === undefined) delete env.CI; else env.CI = ci;
  // TAP, whatever the Node: its default reporter on a pipe is TAP on Node 20 and spec from Node 23 on.
  return spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', join(ROOT, 'webview/timeline.browser.test.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
};

test('without CI, a missing browser skips the browser tests with the reason', () => {
  const r = run(undefined);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /# SKIP chromium not installed/);
  assert.match(r.stdout, /# fail 0/);
});

test('with CI=true, a missing browser is a failure that says what is missing', () => {
  const r = run('true');
  assert.notEqual(r.status, 0, r.stdout);
  assert.match(r.stdout, /chromium not installed .*CI is set: a missing test environment is a failure/);
  assert.doesNotMatch(r.stdout, /# SKIP/);
});
