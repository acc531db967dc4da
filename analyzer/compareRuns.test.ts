// The comparison's rules on small reports: which findings pair up when lines move, and what
// counts as a regression. (End to end on profiled programs: cli/compare.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, Report, SiteStat } from './report';
import { compareRuns, matchFindings, regressions } from './compareRuns';

const finding = (id: string, kind: Finding['kind'], file: string, line: number, totalMs = 100): Finding => ({
  id, kind, severity: 'warning', message: `${kind} ${id}`, location: { file, line, column: 3 }, laneId: 'l', occurrences: 1, totalMs,
});
const site = (file: string, line: number, label: string): SiteStat => ({ kind: 'sync-io', location: { file, line, column: 3 }, label, laneId: 'l', count: 1, totalMs: 1, maxMs: 1 });

function report(cwd: string, findings: Finding[], sites: SiteStat[] = [], wallMs = 1000, fn?: { line: number; name: string }): Report {
  const file = `${cwd}/src/a.js`;
  return {
    schemaVersion: 1, findings, sites, warnings: [], lanes: [],
    spans: fn ? { strings: [file, fn.name], sites: { file: [0], line: [fn.line], column: [1], label: [1] }, slices: { site: [0] } } : {},
    program: { command: ['a.js'], cwd, exitCode: 0, signal: null, wallMs, userCpuMs: 0, systemCpuMs: 0, cpuPercent: 50, maxRssKb: 0, startEpochMs: 0, stopReason: 'exit', cores: 2, nodeVersion: 'v20' },
    metrics: { eventLoopLagMs: { p50: 1, p99: 5, max: 9 }, eventLoopUtilization: 0, cpuParallelism: 0, maxConcurrency: 1, meanConcurrency: 1, maxParallelism: 1, threadpool: { size: 4, maxInFlight: 0, maxRunning: 0, maxQueued: 0, queuedMs: 0 } },
  } as unknown as Report;
}

test('moved sync calls pair by their label, not by line or order, across checkouts', () => {
  // Before (checkout /a): read at 10, write at 12. After (checkout /b): 5 lines inserted, and the write now comes first.
  const before = report('/a', [finding('r', 'sync-io', '/a/src/a.js', 10), finding('w', 'sync-io', '/a/src/a.js', 12)],
    [site('/a/src/a.js', 10, 'fs.readFileSync()'), site('/a/src/a.js', 12, 'fs.writeFileSync()')]);
  const after = report('/b', [finding('w2', 'sync-io', '/b/src/a.js', 15), finding('r2', 'sync-io', '/b/src/a.js', 17)],
    [site('/b/src/a.js', 15, 'fs.writeFileSync()'), site('/b/src/a.js', 17, 'fs.readFileSync()')]);
  const pairs = matchFindings(before, after).map((m) => `${m.before.id}→${m.after.id} ${m.matchedBy}`).sort();
  assert.deepEqual(pairs, ['r→r2 site', 'w→w2 site']);
});

test('a finding with neither label nor function matches on its exact line only', () => {
  const before = report('/a', [finding('x', 'blocking-cpu', '/a/src/a.js', 10)]);
  const moved = report('/a', [finding('y', 'blocking-cpu', '/a/src/a.js', 11)]);
  const c = compareRuns(before, moved);
  assert.deepEqual([c.resolved.map((f) => f.id), c.introduced.map((f) => f.id)], [['x'], ['y']]);
  assert.equal(compareRuns(before, report('/a', [finding('z', 'blocking-cpu', '/a/src/a.js', 10)])).pairs[0].matchedBy, 'line');
});

test('a CPU block pairs by its function when its hot line moved within it', () => {
  const before = report('/a', [finding('x', 'blocking-cpu', '/a/src/a.js', 12)], [], 1000, { line: 10, name: 'fib' });
  const after = report('/a', [finding('y', 'blocking-cpu', '/a/src/a.js', 21)], [], 1000, { line: 20, name: 'fib' });
  assert.deepEqual(matchFindings(before, after).map((m) => [m.before.id, m.after.id, m.matchedBy]), [['x', 'y', 'site']]);
});

test('regressions: new findings, findings and wall time worse beyond noise and tolerance; a stopped run\'s wall is not', () => {
  const s = (line: number) => site('/a/src/a.js', line, 'fs.readFileSync()');
  const base = report('/a', [finding('r', 'sync-io', '/a/src/a.js', 10, 100)], [s(10)], 1000);
  const where = (f: Finding) => `a.js:${f.location.line}`;
  // 100 → 140 ms: within max(50 ms, 50 %); wall 1000 → 1200: within 50 % (the default tolerance).
  const same = report('/a', [finding('r', 'sync-io', '/a/src/a.js', 10, 140)], [s(10)], 1200);
  assert.deepEqual(regressions(compareRuns(base, same), where), []);
  // 100 → 400 ms, wall 1000 → 1600, and a new finding.
  const worse = report('/a', [finding('r', 'sync-io', '/a/src/a.js', 10, 400), finding('n', 'await-in-loop', '/a/src/a.js', 30)], [s(10)], 1600);
  assert.deepEqual(regressions(compareRuns(base, worse), where).map((r) => r.what).sort(), ['finding-worse', 'metric-worse', 'new-finding']);
  // A 70 % tolerance lets the wall time pass (+600 ≤ 700 ms), not the finding (+300 > 70 ms).
  assert.deepEqual(regressions(compareRuns(base, worse, { tolerance: 0.7 }), where).map((r) => r.what).sort(), ['finding-worse', 'new-finding']);
  const stopped = report('/a', [finding('r', 'sync-io', '/a/src/a.js', 10, 100)], [s(10)], 9000);
  stopped.program.stopReason = 'stopped';
  assert.deepEqual(regressions(compareRuns(base, stopped), where), [], 'a run stopped by the user says nothing about its wall time');
});
