// `npm run bench`'s shape, without timing assertions: a one-pair run of the empty program prints the
// whole goals table (every row of issue 12, the unselected ones as "not run") with the empty program's
// row measured, the run's conditions (node, cores, load averages), and the same rows as JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOALS } from './lib/goals.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function bench(args) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, ['bench/run.mjs', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
}

test('bench --only empty --pairs 1 prints every goal row, the empty program measured', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-bench-test-'));
  try {
    const json = join(dir, 'bench.json');
    const r = bench(['--only', 'empty', '--pairs', '1', '--json', json]);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const out = r.stdout;
    assert.match(out, /node v\d+\.\d+\.\d+, \d+ cores/);
    assert.match(out, /load average at start: [\d.]+ [\d.]+ [\d.]+/);
    assert.match(out, /load average at end: [\d.]+ [\d.]+ [\d.]+/);
    const lines = out.split('\n');
    const header = lines.findIndex((l) => /^figure\s+plain\s+profiled\s+measured\s+V8 profiler alone\s+goal\s+met\?$/.test(l));
    assert.ok(header >= 0, `no table header in:\n${out}`);
    const tableRows = lines.slice(header + 2, header + 2 + GOALS.length);
    assert.deepEqual(tableRows.map((l) => GOALS.find((g) => l.startsWith(g.figure))?.id), GOALS.map((g) => g.id), `rows in order:\n${tableRows.join('\n')}`);
    for (const [i, g] of GOALS.entries()) {
      assert.ok(tableRows[i].includes(g.goal), `goal of ${g.id} printed: ${tableRows[i]}`);
      // Measured, then V8's profiler alone measured too (the floor), then the goal.
      if (g.id === 'fixed-cost') assert.match(tableRows[i], /[+−][\d.]+ (ms|s|µs)\s+[+−][\d.]+ (ms|s|µs)\s+≤ 120 ms\s+(yes|NO)$/);
      else assert.match(tableRows[i], /not run$/);
    }

    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.deepEqual(report.rows.map((x) => x.id), GOALS.map((g) => g.id));
    const fixed = report.rows.find((x) => x.id === 'fixed-cost');
    assert.ok(Number.isFinite(fixed.value), `fixed cost measured: ${JSON.stringify(fixed)}`);
    assert.ok(fixed.status === 'yes' || fixed.status === 'NO');
    assert.ok(report.rows.filter((x) => x.id !== 'fixed-cost').every((x) => x.status === 'not run'));
    const empty = report.measurements.empty;
    assert.equal(empty.pairs, 1);
    assert.equal(empty.runs.plainWall.length, 1);
    assert.ok(empty.runs.profWall[0] > 0);
    assert.ok(empty.med.cliRssKb > 0, 'the profiler CLI\'s own peak RSS is measured');
    // The floor ran in the same round and its profiler wrote the program's one profile.
    assert.equal(empty.runs.floorWall.length, 1);
    assert.ok(empty.runs.floorWall[0] > 0);
    assert.equal(empty.floor.profiles, 1);
    assert.match(fixed.floor, /^[+−][\d.]+ (ms|s|µs)$/);
    assert.equal(report.pairs, 1);
    assert.ok(typeof report.loadAverage.start === 'string' && typeof report.loadAverage.end === 'string');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench --sampling-interval US: the profiled runs\' interval, said in the header and the JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-bench-test-'));
  try {
    const json = join(dir, 'bench.json');
    const r = bench(['--only', 'empty', '--pairs', '1', '--sampling-interval', '2000', '--json', json]);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^profiled runs sample every 2000 µs \(--sampling-interval: the sampling policy is off\), not the CLI's default$/m);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(report.samplingIntervalUs, 2000);
    assert.ok(Number.isFinite(report.rows.find((x) => x.id === 'fixed-cost').value));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bench --sampling-interval below the CLI\'s 50 µs is a usage error', () => {
  const r = bench(['--only', 'empty', '--pairs', '1', '--sampling-interval', '10']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad argument: --sampling-interval/);
});

test('bench --only with a substring no row has is a usage error naming the rows', () => {
  const r = bench(['--only', 'no-such-row', '--pairs', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /matches no row; rows: fixed-cost, per-thread/);
});

test('bench: the fixed cost with NODE_EXTRA_CA_CERTS unset is a row of its own, its runs without the variable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-bench-test-'));
  try {
    // timedRun removes a workload's unsetEnv from both runs' environment.
    const { timedRun } = await import('./lib/timedRun.mjs');
    const { WORKLOADS } = await import('./lib/workloads.mjs');
    const script = join(dir, 'env.js');
    writeFileSync(script, 'console.log(`CA=${process.env.NODE_EXTRA_CA_CERTS ?? "unset"}`)');
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = join(dir, 'extra.pem');
    try {
      const w = { ...WORKLOADS.find((x) => x.id === 'empty-no-extra-ca'), cmd: [script], cwd: dir };
      assert.match((await timedRun(w, { scratch: dir })).stdout, /^CA=unset$/m);
      assert.match((await timedRun({ ...w, unsetEnv: undefined }, { scratch: dir })).stdout, /^CA=.*extra\.pem$/m, 'other workloads keep it');
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS; else process.env.NODE_EXTRA_CA_CERTS = before;
    }

    const json = join(dir, 'bench.json');
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' };
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    const r = spawnSync(process.execPath, ['bench/run.mjs', '--only', 'NODE_EXTRA_CA_CERTS', '--pairs', '1', '--json', json], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const row = JSON.parse(readFileSync(json, 'utf8')).rows.find((x) => x.id === 'fixed-cost-no-extra-ca');
    assert.equal(row.status, 'info');
    assert.ok(Number.isFinite(row.value), JSON.stringify(row));
    // Node 20 and 21 read the certificates at every start: the header says so there.
    const eager = Number(process.versions.node.split('.')[0]) < 22;
    assert.equal(/^NODE_EXTRA_CA_CERTS is set: node v[\d.]+ reads its certificates as every process starts/m.test(r.stdout), eager, r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
