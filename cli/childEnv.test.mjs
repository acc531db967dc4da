// End to end: child processes the program starts with an environment of its own are recorded
// (recorder/probe/childEnv.ts). tinypool's child_process runtime forks its worker processes with
// `{ TINYPOOL_WORKER_ID }` alone; before, they ran unrecorded ("2 other processes (2 not node)",
// their tasks' CPU nowhere in the findings). A child given NODE_OPTIONS of the program's keeps
// them. The truth comes from the fixtures: the CPU each task measured on its own clock, and the
// environment each child saw.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, runOnce, reportOf, lineOf, findingsOf, describeFindings, printed, lossWarnings } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const RECORDING_ENV = ['CONCURRENCY_LENS_OPTIONS', 'NODE_OPTIONS'];
const lanesText = (report) => report.lanes.map((l) => `${l.id} ${l.kind} ${l.label} external=${!!l.external}`).join('\n  ');

describe('tinypool\'s child_process runtime: worker processes forked with an environment of their own', () => {
  const s = runOnce('pools/tinypool-processes.mjs', [], { timeoutMs: 120_000 });

  it('records both worker processes as node lanes under the main one, each with its CPU profile', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0, s.run.stderr.slice(-2000));
    const tasks = JSON.parse(printed(s.run.stdout, 'TASKS'));
    const pids = [...new Set(tasks.map((t) => t.pid))].sort();
    assert.equal(pids.length, 2, 'the pool ran its tasks in two processes');
    const main = report.lanes.find((l) => l.kind === 'main');
    for (const pid of pids) {
      const lane = report.lanes.find((l) => l.pid === pid && l.threadId === 0);
      assert.ok(lane, `no lane for worker process ${pid}:\n  ${lanesText(report)}`);
      assert.equal(lane.kind, 'process');
      assert.ok(!lane.external, `process ${pid} was seen from /proc only:\n  ${lanesText(report)}`);
      assert.match(lane.script, /tinypool[\\/]dist[\\/]entry[\\/]process\.js$/);
      assert.equal(lane.parentId, main.id);
    }
    assert.deepEqual(lossWarnings(report), []);
  });

  it('the worker processes see the pool\'s environment and the recording\'s two variables, nothing else', () => {
    const env = JSON.parse(printed(s.run.stdout, 'ENV'));
    assert.deepEqual(env, ['TINYPOOL_WORKER_ID', ...RECORDING_ENV].sort());
  });

  it('every task is a blocked stretch at the task\'s function, its total the tasks\' CPU (±20 %)', () => {
    const report = reportOf(s.run);
    const tasks = JSON.parse(printed(s.run.stdout, 'TASKS'));
    const file = s.file.replace(/tinypool-processes\.mjs$/, 'hash-task.mjs');
    const at = findingsOf(report, 'blocking-cpu').filter((f) => f.location.file === file);
    assert.equal(at.length, 1, describeFindings(report));
    const f = at[0];
    // The hashing runs below the task's function (in node:crypto): the profile names the function.
    assert.equal(f.location.line, lineOf(file, 'task'));
    assert.equal(f.severity, 'info', 'a process working for its parent over IPC');
    // A task V8's sampler took no sample of (its thread waited for a core: a loaded machine) has
    // no line: the report counts it in a note of its process instead (analyzer/unsampledTask.test.ts).
    const pids = new Set(tasks.map((t) => t.pid));
    const unsampled = report.warnings.map((w) => /^process (\d+) .*: (\d+) tasks? blocked the event loop \(([\d.]+) ms of CPU/.exec(w))
      .filter((m) => m && pids.has(Number(m[1])));
    const blocks = f.occurrences + unsampled.reduce((a, m) => a + Number(m[2]), 0);
    assert.equal(blocks, tasks.length, `${f.occurrences} stretches and ${blocks - f.occurrences} unsampled for ${tasks.length} tasks: ${f.message}`);
    const cpu = tasks.reduce((a, t) => a + t.cpuMs, 0);
    const found = f.totalMs + unsampled.reduce((a, m) => a + Number(m[3]), 0);
    assert.ok(Math.abs(found - cpu) <= 0.2 * cpu, `${found} ms in the finding and notes, the tasks measured ${cpu.toFixed(1)} ms`);
    assert.deepEqual(f.perLane.map((l) => Number(l.laneId.split(':')[0])).sort(), [...new Set(tasks.map((t) => t.pid))].sort());
  });
});

describe('children given an environment of their own that sets NODE_OPTIONS: spawn(), then execFileSync()', () => {
  const s = runOnce('explicit-env-child.js', [], { timeoutMs: 60_000 });

  it('both are recorded: each one\'s block is at its line, in its own lane', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0, s.run.stderr.slice(-2000));
    const children = report.lanes.filter((l) => l.kind === 'process');
    assert.equal(children.length, 2, `two child lanes:\n  ${lanesText(report)}`);
    for (const c of children) assert.ok(!c.external, `a child seen from /proc only:\n  ${lanesText(report)}`);
    const f = findingsOf(report, 'blocking-cpu').find((x) => x.location.file === s.file && x.location.line === lineOf(s.file, 'child'));
    assert.ok(f, describeFindings(report));
    assert.equal(f.occurrences, 2, f.message);
    assert.deepEqual(f.perLane.map((l) => l.laneId).sort(), children.map((c) => c.id).sort());
  });

  it('each keeps the program\'s NODE_OPTIONS after ours and sees only its own variables besides the recording\'s', () => {
    for (const key of ['CHILD_ENV', 'SYNC_CHILD_ENV']) {
      const seen = JSON.parse(printed(s.run.stdout, key));
      assert.deepEqual(seen.names, ['ONLY', ...RECORDING_ENV].sort(), key);
      assert.match(seen.nodeOptions, /^--require "[^"]+probeLoader\.js" --inspect-publish-uid=http --max-old-space-size=300$/, key);
    }
  });
});

describe('a node process whose environment a shell cleared (env -i node …)', () => {
  const s = runOnce('cleared-env.js', [], { timeoutMs: 60_000 });

  it('is named a node process that ran unrecorded, in the lanes, the summary and a note; not "not node"', () => {
    const report = reportOf(s.run);
    const node = report.lanes.find((l) => l.external && /node/.test(l.label) && !/\bsh\b/.test(l.label));
    assert.ok(node, `no lane of the unrecorded node process:\n  ${lanesText(report)}`);
    assert.ok(report.warnings.some((w) => w.startsWith(`pid ${node.pid} (`) && w.includes('is a node process that ran unrecorded')), report.warnings.join('\n'));
    assert.match(s.run.stderr + s.run.stdout, /lanes: 1 main · \d other process(es)? \((1 not node, )?1 node, unrecorded\)/);
  });
});
