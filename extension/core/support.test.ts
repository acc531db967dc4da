import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding, Report } from '../../analyzer/report';
import { nodeLaunchConfigs, npmScripts, toProfileOptions, toAnalysisOptions, TargetError, findExecutable } from './targets';
import { compareRuns, judgeChange, percentChange } from '../../analyzer/compareRuns';
import { escapeMarkdown, evidenceLines, lensTitle, kindTitle } from './findingText';
import { formatMs } from '../../analyzer/format';
import { findingFigures, figuresLine } from '../../analyzer/findingFigures';
import { checkLaunchConfig, checkNpmScript } from './targetChecks';
import { walkthroughProgress } from './walkthroughProgress';
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
  // The threshold is the analyzer's: it does not go to the recorder.
  assert.equal('blockingThresholdMs' in o, false);
  assert.deepEqual(toAnalysisOptions(settings), { blockingThresholdMs: 30 });
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
  assert.equal(lensTitle(finding({})), '$(watch) blocked the event loop 3× · 1.23 s total');
  assert.equal(lensTitle(finding({ kind: 'sequential-awaits', estimatedSavingsMs: 240, related: [{ file: '/a.js', line: 4, column: 1 }, { file: '/a.js', line: 5, column: 1 }] })),
    '$(list-ordered) 3 independent awaits ran in sequence · Promise.all would save ~240 ms');
  assert.equal(lensTitle(finding({ kind: 'sequential-awaits', estimatedSavingsMs: 600 }), 4), '$(list-ordered) 4 independent awaits ran in sequence · Promise.all would save ~600 ms');
  const chainAt = (line: number) => ({ file: '/a.js', line, column: 1 });
  assert.equal(lensTitle(finding({ kind: 'sequential-awaits', estimatedSavingsMs: 320, chains: 2, related: [chainAt(4), chainAt(5), chainAt(6)] })),
    '$(list-ordered) 2 independent chains of awaits ran in sequence · Promise.all would save ~320 ms', 'the chains, not their 4 awaits');
  // Only codicons and plain text: no glyph a font may lack.
  for (const kind of ['blocking-cpu', 'sync-io', 'sequential-awaits', 'await-in-loop', 'fake-concurrency', 'threadpool-saturation', 'pool-oversubscribed'] as const) {
    assert.match(lensTitle(finding({ kind, estimatedSavingsMs: 5 })), /^\$\([a-z-]+\) [\x20-\x7e×·~→]+$/, kind);
  }
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

test('lens, hover and Problems state the same iterations for an await in a loop', () => {
  // As the analyzer reports a loop of 20 iterations run once (occurrences counts runs).
  const loop = finding({ kind: 'await-in-loop', occurrences: 1, iterationsPerRun: 20, iterations: 20, totalMs: 3260, estimatedSavingsMs: 2970,
    message: 'await in a loop: 20 iterations ran one at a time · running them together would save ~2.97 s' });
  assert.equal(lensTitle(loop), '$(sync) await in a loop: 20 iterations ran one after another · would save ~2.97 s');
  assert.deepEqual(evidenceLines(loop), ['Seen: 20 iterations, 3.26 s in total.', 'Estimated saving: ~2.97 s.']);
  for (const text of [lensTitle(loop), evidenceLines(loop)[0], figuresLine(loop)]) {
    assert.match(text, /20 iterations/);
    assert.doesNotMatch(text, /\b1×/);
  }
  assert.ok(loop.message.includes(findingFigures(loop).saving!), 'the saving reads as in the message');
  assert.equal(figuresLine({ ...loop, occurrences: 3 }), '20 iterations per run × 3 runs · 3.26 s · save ~2.97 s');
});

test('hover text keeps ordinary spaces and escapes markdown', () => {
  const md = escapeMarkdown('Start them together (Promise.all, or p-limit) * [x] <b>');
  assert.doesNotMatch(md, /\u00a0|&nbsp;/);
  assert.equal(md, 'Start them together \\(Promise\\.all, or p\\-limit\\) \\* \\[x\\] \\<b\\>');
});

test('compare judges changes by absolute size, and a stopped run is not comparable on wall time', () => {
  const a = report(3000, []), b = report(160, []);
  a.metrics.eventLoopLagMs = { p50: 1, p99: 2, max: 3 };
  b.metrics.eventLoopLagMs = { p50: 1, p99: 5, max: 9 };
  b.metrics.maxConcurrency = 21;
  const rows = compareRuns(a, b).rows;
  const fmt = (r: { unit: string }, v: number) => (r.unit === 'ms' ? `${Math.round(v)} ms` : String(v));
  const byName = (n: string) => judgeChange(rows.find((r) => r.name === n)!, fmt);
  assert.deepEqual(byName('Wall time'), { verdict: 'better', text: '−2840 ms (−95%)' });
  assert.equal(byName('Event loop lag p99').verdict, 'same', 'lag 2 → 5 ms is noise, not +150 %');
  assert.equal(byName('Max concurrency').text, '+20', '1 → 21 is shown as +20, not +2000 %');
  const stopped = report(900, []);
  stopped.program.stopReason = 'stopped';
  const s = judgeChange(compareRuns(a, stopped).rows[0], fmt);
  assert.equal(s.verdict, 'incomparable');
  assert.match(s.text, /stopped by you/);
});

test('targets that cannot run are hidden, those that need something say so', () => {
  const needsFile = { name: 'Run current', type: 'node', request: 'launch', program: '${file}' };
  assert.deepEqual(checkLaunchConfig(needsFile, undefined), { hidden: true });
  assert.deepEqual(checkLaunchConfig(needsFile, '/w/io/01-sequential.js'), { hidden: false, note: 'runs the current file (01-sequential.js)' });
  assert.deepEqual(checkLaunchConfig({ ...needsFile, program: '${workspaceFolder}/a.js' }, undefined), { hidden: false });
  const dir = mkdtempSync(join(tmpdir(), 'cl-targets-'));
  mkdirSync(join(dir, 'ws'));
  assert.deepEqual(checkNpmScript('node ../dist/cli.js profile', join(dir, 'ws')), { hidden: true });
  writeFileSync(join(dir, 'tool.js'), '');
  assert.deepEqual(checkNpmScript('node ../tool.js', join(dir, 'ws')), { hidden: false, note: 'uses files outside this folder' });
  assert.deepEqual(checkNpmScript('cd .. && node scripts/test.mjs samples/', join(dir, 'ws')), { hidden: false, note: 'runs outside this folder (cd ..)' });
  assert.deepEqual(checkNpmScript('node io/01-sequential.js', join(dir, 'ws')), { hidden: false });
});

test('walkthrough steps: profiled only by a run that recorded something, fixed only when the serial findings went down', () => {
  const loop = finding({ kind: 'await-in-loop' });
  const withLane = (r: Report) => ({ ...r, lanes: [{ id: 'main', kind: 'main', pid: 1, threadId: 0, label: 'main', startMs: 0, endMs: 1, busyMs: 0 }] }) as Report;
  const seq = withLane(report(3000, [loop]));
  const fixed = withLane(report(200, []));
  assert.deepEqual(walkthroughProgress(report(10, []), undefined), [], 'a run that never started completes nothing');
  assert.deepEqual(walkthroughProgress(seq, undefined), ['profiled', 'profiledSequential']);
  assert.deepEqual(walkthroughProgress(fixed, seq), ['profiled', 'profiledFixed']);
  assert.deepEqual(walkthroughProgress(seq, seq), ['profiled', 'profiledSequential']);
});
