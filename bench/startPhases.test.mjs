// bench/workerStart.mjs's and bench/childStart.mjs's shape, without timing assertions: each
// variant runs and prints its medians; the `probe` variant really preloads the probe (its thread
// logs are written for every thread) and does not wait for the recorder it names, which is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeEnv } from './lib/startPhases.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const env = () => { const e = { ...process.env }; delete e.NODE_TEST_CONTEXT; delete e.NODE_OPTIONS; return e; };
/** A variant's row: four medians, each with its change from plain. */
const ROW = (name) => new RegExp(`^${name.replace('+', '\\+')}( +[\\d.]+ \\([+−][\\d.]+\\)){4}$`, 'm');

test('workerStart: every variant measured, --compare DIR in the same rounds', () => {
  const r = spawnSync(process.execPath, ['bench/workerStart.mjs', '--rounds', '1', '--count', '3', '--compare', ROOT], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^medians over 2 per variant/m);
  assert.match(r.stdout, /^plain +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$/m);
  for (const v of ['probe', 'attach', 'profiler', 'profiler+probe', 'late', 'ours', 'ours-off', 'compare']) assert.match(r.stdout, ROW(v), `no row for ${v}:\n${r.stdout}`);
});

test('childStart: every variant measured', () => {
  const r = spawnSync(process.execPath, ['bench/childStart.mjs', '--rounds', '1', '--count', '3'], { cwd: ROOT, env: env(), encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^medians over 2 per variant/m);
  for (const v of ['inspect', 'cpu-prof', 'probe', 'ours']) assert.match(r.stdout, ROW(v), `no row for ${v}:\n${r.stdout}`);
});

test('the probe variant: the probe records every thread and process, and waits for no recorder', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cl-startphases-'));
  try {
    const e = probeEnv({ ...env(), CL_BENCH_WORKERS: '2', CL_BENCH_CHILDREN: '2' }, CLI, scratch);
    const { runDir } = JSON.parse(e.CONCURRENCY_LENS_OPTIONS);
    const t0 = performance.now();
    const workers = spawnSync(process.execPath, ['bench/workerStart/workers.cjs'], { cwd: ROOT, env: e, encoding: 'utf8', timeout: 60_000 });
    const children = spawnSync(process.execPath, ['bench/childStart/children.cjs'], { cwd: ROOT, env: e, encoding: 'utf8', timeout: 60_000 });
    const ms = performance.now() - t0;
    assert.equal(workers.status, 0, workers.stderr);
    assert.equal(children.status, 0, children.stderr);
    assert.match(workers.stdout, /^WORKER_START \[\[/m);
    assert.match(children.stdout, /^CHILD_START \[\[/m);
    // The probe waits up to 15 s for a recorder it announced itself to; one that is gone, not at all.
    assert.ok(ms < 12_000, `the two programs took ${ms.toFixed(0)} ms`);
    const logs = readdirSync(runDir).filter((f) => f.endsWith('.jsonl'));
    const threads = logs.map((f) => f.replace('.jsonl', '').split('-').map(Number));
    const pids = new Set(threads.map(([pid]) => pid));
    assert.equal(pids.size, 2 + 2, `processes with a log: ${logs.join(', ')}`); // the two programs and their two children
    assert.equal(threads.filter(([, tid]) => tid > 0).length, 2, `worker threads with a log: ${logs.join(', ')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
