import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Report } from '../../analyzer/report';
import { nodeLaunchConfigs, npmScripts, toProfileOptions, TargetError, findExecutable } from './targets';
import { compareRuns, percentChange } from './compareRuns';
import { lensTitle, kindTitle } from './findingText';
import { formatMs } from '../../analyzer/format';
import { validateReport } from './findingsIndex';

const settings = { blockingThresholdMs: 30, samplingIntervalUs: 500, nodePath: process.execPath, includeNodeModules: true };

test('launch.json with comments and trailing commas; only Node launch configs', () => {
  const text = `{
    // comment with "quotes", and a // inside
    "configurations": [
      { "type": "node", "request": "launch", "name": "App", "program": "\${workspaceFolder}/app.js", "args": ["--x"], },
      /* block */ { "type": "chrome", "request": "launch", "name": "Web" },
      { "type": "node", "request": "attach", "name": "Attach" },
      { "type": "node", "request": "launch", "name": "url", "program": "a.js", "env": { "U": "http://x//y" } },
    ],
  }`;
  assert.deepEqual(nodeLaunchConfigs(text).map((c) => c.name), ['App', 'url']);
  assert.equal(nodeLaunchConfigs(text)[1].env?.U, 'http://x//y');
});

test('a malformed launch.json is a TargetError that says where', () => {
  assert.throws(() => nodeLaunchConfigs('{ "configurations": [ { "type": "node" ] }'), (e: unknown) => e instanceof TargetError && /launch\.json is not valid JSON: \w+ at offset \d+/.test(e.message));
});

test('a launch configuration becomes ProfileOptions with program, args, cwd, env and runtimeArgs', () => {
  const ws = mkdtempSync(join(tmpdir(), 'cl-targets-'));
  writeFileSync(join(ws, 'app.js'), '');
  const [config] = nodeLaunchConfigs(JSON.stringify({ configurations: [{
    type: 'node', request: 'launch', name: 'App', program: '${workspaceFolder}/app.js', args: ['--port', '0'],
    cwd: '${workspaceFolder}', env: { MODE: 'test', DROP: null }, runtimeArgs: ['--max-old-space-size=256'],
  }] }));
  const o = toProfileOptions({ kind: 'launch', name: 'App', config, workspaceFolder: ws }, settings);
  assert.deepEqual(o.command, [join(ws, 'app.js'), '--port', '0']);
  assert.equal(o.cwd, ws);
  assert.equal(o.env?.MODE, 'test');
  assert.ok('DROP' in o.env! && o.env!.DROP === undefined);
  assert.deepEqual(o.runtimeArgs, ['--max-old-space-size=256']);
  assert.equal(o.blockingThresholdMs, 30);
  assert.equal(o.samplingIntervalUs, 500);
  assert.equal(o.includeNodeModules, true);
});

test('npm scripts are listed and run through npm', () => {
  const ws = mkdtempSync(join(tmpdir(), 'cl-npm-'));
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ scripts: { start: 'node server.js', test: 'node --test' } }));
  assert.deepEqual(npmScripts(JSON.stringify({ scripts: { start: 'node server.js' } })), [{ name: 'start', command: 'node server.js' }]);
  assert.deepEqual(toProfileOptions({ kind: 'npm', script: 'start', cwd: ws }, settings).command, ['npm', 'run', 'start']);
});

test('clear errors for a missing file, a missing node and a non-executable node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-err-'));
  assert.throws(() => toProfileOptions({ kind: 'file', file: join(dir, 'nope.js'), cwd: dir }, settings), (e: Error) => e instanceof TargetError && /does not exist: .*nope\.js/.test(e.message));
  writeFileSync(join(dir, 'a.js'), '');
  assert.throws(() => toProfileOptions({ kind: 'file', file: join(dir, 'a.js'), cwd: dir }, { ...settings, nodePath: join(dir, 'no-node') }), /"\S*no-node" \(setting concurrencyLens.nodePath\) does not exist/);
  writeFileSync(join(dir, 'fake-node'), '');
  chmodSync(join(dir, 'fake-node'), 0o644);
  assert.equal(findExecutable(join(dir, 'fake-node')), undefined);
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    assert.throws(() => toProfileOptions({ kind: 'file', file: join(dir, 'a.js'), cwd: dir }, { ...settings, nodePath: '' }), /Node\.js was not found on PATH/);
  } finally { process.env.PATH = saved; }
});

const finding = (over: Partial<Finding>): Finding => ({
  id: 'f', kind: 'blocking-cpu', severity: 'warning', message: 'm', location: { file: '/a.js', line: 3, column: 1 },
  laneId: 'main', occurrences: 3, totalMs: 1234, ...over,
});

test('code lens titles', () => {
  assert.equal(lensTitle(finding({})), '⏱ blocked the event loop 3× · 1.23 s total');
  assert.equal(lensTitle(finding({ kind: 'sequential-awaits', estimatedSavingsMs: 240, related: [{ file: '/a.js', line: 4, column: 1 }, { file: '/a.js', line: 5, column: 1 }] })),
    '⇉ 3 independent awaits ran in sequence · Promise.all would save ~240 ms');
  assert.equal(lensTitle(finding({ kind: 'sequential-awaits', estimatedSavingsMs: 600 }), 4), '⇉ 4 independent awaits ran in sequence · Promise.all would save ~600 ms');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(kindTitle('sync-io'), 'Synchronous call (I/O or CPU) on the event loop');
});

const report = (wallMs: number, findings: Finding[]): Report => validateReport({
  schemaVersion: 1, findings, warnings: [], lanes: [], spans: {},
  program: { command: ['a.js'], cwd: '/', exitCode: 0, signal: null, wallMs, userCpuMs: 0, systemCpuMs: 0, cpuPercent: 50, maxRssKb: 0, startEpochMs: 0, stopReason: 'exit', cores: 2, nodeVersion: 'v20' },
  metrics: { eventLoopLagMs: { p50: 1, p99: 5, max: 9 }, eventLoopUtilization: 0, cpuParallelism: 0, maxConcurrency: 1, meanConcurrency: 1, maxParallelism: 1, threadpool: { size: 4, maxInFlight: 0, maxQueued: 0, queuedMs: 0 } },
});

test('comparing runs: wall time change and findings resolved, remaining, new', () => {
  const seq = finding({ id: '1', kind: 'sequential-awaits' });
  const cpu = finding({ id: '2', location: { file: '/a.js', line: 20, column: 1 } });
  const io = finding({ id: '3', kind: 'sync-io' });
  const c = compareRuns(report(900, [seq, cpu]), report(300, [cpu, io]));
  assert.deepEqual(c.resolved.map((f) => f.id), ['1']);
  assert.deepEqual(c.remaining.map((f) => f.id), ['2']);
  assert.deepEqual(c.introduced.map((f) => f.id), ['3']);
  assert.equal(percentChange(c.rows[0]), '-67%');
  assert.throws(() => validateReport({ hello: 1 }), /not a Concurrency Lens report/);
});
