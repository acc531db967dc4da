import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './analyze';
import { launcherName } from './launchers';
import type { RawRun, RawThread, RawTreeProcess, ProbeRecord } from './raw';

// A recording of `npm run start` → sh -c "node app.js" → node app.js → sh -c "sha256sum …" → sha256sum,
// built by hand: the analyzer's joins (hello, spawn records, /proc samples), not the recorder.
const T0 = 1_000_000_000; // startHrUs
const usage = (userMs: number, rssKb: number) => ({ userCPUTime: userMs * 1000, systemCPUTime: 0, maxRSS: rssKb }) as NodeJS.ResourceUsage;

function nodeThread(pid: number, ppid: number, argv: string[], spawns: { pid: number; args: string[] }[], lagMs: number, userMs: number): RawThread {
  const records: ProbeRecord[] = [
    { t: 'hello', pid, ppid, tid: 0, isMainThread: true, argv, execArgv: [], cwd: '/p', perfAnchor: 0, hrAnchorUs: T0, threadpoolSize: 4, nodeVersion: 'v20' },
    ...spawns.map((s): ProbeRecord => ({ t: 'spawn', kind: 'process', pid: s.pid, file: s.args[0], args: s.args, at: 10 })),
    { t: 'chunk', at: 100, ticks: [10, lagMs, 0, 0, -1], agg: undefined as never, usage: usage(userMs, 50_000), cpu: { user: 0, system: 0 }, final: true },
  ];
  return { pid, tid: 0, records };
}

function treeProcess(pid: number, ppid: number, argv: string[], cpuMs: number[], rssKb: number): RawTreeProcess {
  return {
    pid, ppid, argv, comm: argv[0], startUs: T0 + 10_000, endUs: T0 + 10_000 + cpuMs.length * 100_000,
    t: cpuMs.map((_, i) => T0 + 10_000 + (i + 1) * 100_000), userMs: cpuMs, systemMs: cpuMs.map(() => 0), rssKb: cpuMs.map(() => rssKb), peakRssKb: rssKb,
  };
}

function run(withProc: boolean): RawRun {
  const npm = nodeThread(10, 1, ['/usr/bin/node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'start'], [{ pid: 11, args: ['sh', '-c', 'node app.js'] }], 300, 400);
  const app = nodeThread(12, 11, ['/usr/bin/node', '/p/app.js'], [{ pid: 13, args: ['/bin/sh', '-c', 'sha256sum big'] }], 200, 100);
  return {
    command: ['npm', 'run', 'start'], cwd: '/p', exitCode: 0, signal: null, stopReason: 'exit',
    startHrUs: T0, endHrUs: T0 + 1_000_000, startEpochMs: 0, cores: 2, nodeVersion: 'v20', rootPid: 10,
    threads: [npm, app],
    processes: [
      { pid: 10, ppid: 1, argv: ['/usr/bin/node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'run', 'start'], traceEvents: [], attached: true },
      { pid: 12, ppid: 11, argv: ['/usr/bin/node', '/p/app.js'], traceEvents: [], attached: true },
    ],
    warnings: [],
    processTree: withProc
      ? { intervalMs: 100, samples: 10, costMs: 5, rssSum: { t: [T0 + 500_000], kb: [180_000] }, processes: [
          treeProcess(11, 10, ['sh', '-c', 'node app.js'], [0, 0], 1_000),
          treeProcess(13, 12, ['/bin/sh', '-c', 'sha256sum big'], [0, 0], 1_000),
          treeProcess(14, 13, ['sha256sum', 'big'], [90, 250, 400], 120_000),
        ] }
      : { intervalMs: 100, samples: 0, costMs: 0, rssSum: { t: [], kb: [] }, processes: [], unavailable: 'CONCURRENCY_LENS_NO_PROC=1' },
  };
}

describe('launcherName', () => {
  it('knows npm, npx, tsx\'s CLI and shells, and nothing that runs user code', () => {
    assert.equal(launcherName(['node', '/usr/lib/node_modules/npm/bin/npx-cli.js'], true), 'npx');
    assert.equal(launcherName(['node', '/p/node_modules/.bin/tsx', 'app.ts'], true), 'tsx');
    assert.equal(launcherName(['node', '/p/node_modules/tsx/dist/cli.mjs', 'app.ts'], true), 'tsx');
    assert.equal(launcherName(['/bin/sh', '-c', 'node app.js'], false), 'sh');
    assert.equal(launcherName(['node', '/p/app.js'], true), undefined);
    assert.equal(launcherName(['node', '/p/node_modules/tsx/dist/loader.mjs'], true), undefined);
    assert.equal(launcherName(['sha256sum', 'big'], false), undefined);
  });
  it("knows Node's watch mode by its flags before the script, and only there", () => {
    assert.equal(launcherName(['/usr/bin/node', '--inspect=127.0.0.1:0', '--watch', 'app.js'], true), 'node --watch');
    assert.equal(launcherName(['node', '--watch-path=./src', 'app.js'], true), 'node --watch');
    assert.equal(launcherName(['node', '--watch-path', './src', '--watch-preserve-output', 'app.js'], true), 'node --watch');
    assert.equal(launcherName(['node', '-r', 'dotenv/config', '--watch', 'app.js'], true), 'node --watch');
    assert.equal(launcherName(['node', 'build.js', '--watch'], true), undefined, "the script's own --watch");
    assert.equal(launcherName(['node', '--test', '--watch'], true), undefined, "the test runner's watch mode runs the tests");
    assert.equal(launcherName(['node', '--', '--watch'], true), undefined);
  });
});

describe('process tree in the report', () => {
  it('makes the user\'s process the main lane and skips shells for parents', () => {
    const r = analyze(run(true));
    const main = r.lanes.find((l) => l.kind === 'main')!;
    assert.equal(main.pid, 12);
    assert.deepEqual(r.metrics.eventLoopLagMs, main.lagMs);
    assert.equal(r.metrics.eventLoopLagMs.max, 200);
    assert.deepEqual(r.program.via, ['npm', 'sh']);
    assert.equal(r.program.mainPid, 12);
    const npm = r.lanes.find((l) => l.pid === 10)!;
    assert.equal(npm.kind, 'process');
    assert.equal(npm.launcher, 'npm');
    assert.equal(main.parentId, '10:0');
    const sha = r.lanes.find((l) => l.pid === 14)!;
    assert.equal(sha.external, true);
    assert.equal(sha.parentId, '12:0', 'the shell between app.js and sha256sum is skipped');
    assert.equal(r.lanes.find((l) => l.pid === 13)?.launcher, 'sh');
  });
  it('counts the non-node processes in CPU, peak RSS and parallelism', () => {
    const r = analyze(run(true));
    assert.equal(r.program.userCpuMs, 400 + 100 + 400);
    assert.equal(r.program.maxRssKb, 120_000);
    assert.equal(r.program.peakTreeRssKb, 180_000);
    const s = r.spans.series;
    assert.ok(Math.abs(s.parallelism.reduce((a, b) => a + b, 0) * s.bucketMs - 400) < 1, 'sha256sum\'s 400 ms of CPU are in the parallelism buckets');
    assert.equal(r.program.degraded, undefined);
  });
  it('without /proc: no non-node lanes, node processes only, degraded figures listed, parents still skip the shell', () => {
    const r = analyze(run(false));
    assert.equal(r.lanes.filter((l) => l.external).length, 0);
    assert.equal(r.program.userCpuMs, 500);
    assert.equal(r.program.peakTreeRssKb, undefined);
    assert.ok(r.program.degraded?.some((d) => d.includes('CONCURRENCY_LENS_NO_PROC=1')));
    assert.equal(r.lanes.find((l) => l.kind === 'main')?.parentId, '10:0', 'npm\'s spawn record names the shell');
    assert.deepEqual(r.program.via, ['npm', 'sh']);
  });
});
