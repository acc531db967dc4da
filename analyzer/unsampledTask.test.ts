// A recorded run of cli/fixtures/pools/tinypool-processes.mjs on a loaded 2-core machine (CI beside
// it; analyzer/fixtures/tinypool-unsampled-task.raw.json.gz, CONCURRENCY_LENS_RAW): 12 hashing
// tasks in two worker processes, each ~40 ms of CPU by its own clock (the fixture printed them:
// 40.1–47.8 ms, 513.1 ms in all). In pid 30766, V8's sampler took no sample for 77 ms (it waited
// for a core) while one whole task ran: its start and end are in the probe's marks and lag ticks,
// its CPU in the thread's readings, but no sample says what it ran. The stretch after it began at
// the mark before it, so two tasks read as one 51 ms block (11 blocks for 12 tasks; CI failed on it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyze } from './analyze';
import type { RawRun } from './raw';

const raw = JSON.parse(gunzipSync(readFileSync(join(__dirname, 'fixtures', 'tinypool-unsampled-task.raw.json.gz'))).toString('utf8')) as RawRun;
const TASKS = 12, TASKS_CPU_MS = 513.1, LONGEST_TASK_CPU_MS = 47.75;

describe('a pool task V8\'s sampler never looked at (its sampler thread waited for a core)', () => {
  const report = analyze(raw);
  const f = report.findings.find((x) => x.kind === 'blocking-cpu' && x.location.file.endsWith('hash-task.mjs'));
  const notes = report.warnings.filter((w) => /task.? blocked the event loop .* while V8's CPU sampler took no sample/.test(w));

  it('is not merged into the next task\'s block: no block is longer than the longest task', () => {
    assert.ok(f, report.findings.map((x) => x.message).join('\n'));
    const longest = Number(/longest ([\d.]+) ms/.exec(f.message)?.[1]);
    assert.ok(longest <= LONGEST_TASK_CPU_MS * 1.05, f.message);
  });

  it('the report says what it could not attribute: one task of pid 30766, its CPU from the thread\'s own readings', () => {
    assert.equal(notes.length, 1, report.warnings.join('\n'));
    assert.match(notes[0], /^process 30766 .*: 1 task blocked the event loop \(([\d.]+) ms of CPU\)/);
    const cpu = Number(/\(([\d.]+) ms of CPU\)/.exec(notes[0])![1]);
    assert.ok(cpu >= 35 && cpu <= LONGEST_TASK_CPU_MS * 1.1, notes[0]);
  });

  it('the blocks found and the one it could not attribute are every task, their CPU the tasks\' (±20 %)', () => {
    const cpu = Number(/\(([\d.]+) ms of CPU\)/.exec(notes[0] ?? '')?.[1] ?? 0);
    assert.equal(f!.occurrences + notes.length, TASKS);
    assert.ok(Math.abs(f!.totalMs + cpu - TASKS_CPU_MS) <= 0.2 * TASKS_CPU_MS, `${f!.totalMs} + ${cpu} ms against ${TASKS_CPU_MS}`);
  });
});
