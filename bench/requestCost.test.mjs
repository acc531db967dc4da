// bench/requestCost.mjs's shape, without timing assertions: each variant runs the driver and
// prints its CPU per request, the recorders their cost over the no-op subscribers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

test('requestCost: noop, this build and --compare DIR, each measured', () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  const r = spawnSync(process.execPath, ['bench/requestCost.mjs', '--rounds', '1', '--requests', '20000', '--compare', ROOT], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^noop +[\d.]+ ns CPU per request/m);
  assert.match(r.stdout, /^this +[\d.]+ ns CPU per request, recording -?[\d.]+ ns/m);
  assert.match(r.stdout, /^compare +[\d.]+ ns CPU per request, recording -?[\d.]+ ns/m);
});

test('requestCost: a --compare DIR without the recorder is an error', () => {
  const r = spawnSync(process.execPath, ['bench/requestCost.mjs', '--compare', '/nonexistent-checkout'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /httpRequests\.ts missing/);
});
