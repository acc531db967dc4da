import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

// thread.ts tells a main thread from a worker by what Node has loaded, without loading
// worker_threads in a main thread. Checked in fresh threads of this Node (the test runner's own
// has loaded worker_threads): a process's main thread, a worker, and a main thread whose earlier
// preload loaded worker_threads, each against worker_threads' own answer.
test('thread.ts says what worker_threads says, and loads nothing in a fresh main thread', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-thread-'));
  try {
    const bundle = path.join(dir, 'thread.js');
    buildSync({ entryPoints: [path.join(__dirname, 'thread.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    const report = path.join(dir, 'report.js');
    writeFileSync(report, `
      const loadedBefore = process.moduleLoadList.includes('NativeModule worker_threads');
      const t = require(${JSON.stringify(bundle)});
      const loadedAfter = process.moduleLoadList.includes('NativeModule worker_threads');
      const wt = require('node:worker_threads');
      const line = JSON.stringify({ isMainThread: t.isMainThread, threadId: t.threadId, wt: [wt.isMainThread, wt.threadId], loaded: [loadedBefore, loadedAfter] });
      if (wt.isMainThread) console.log(line); else wt.parentPort.postMessage(line);
    `);
    const run = (code: string) => JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }).trim());

    const main = run(`require(${JSON.stringify(report)})`);
    assert.deepEqual(main, { isMainThread: true, threadId: 0, wt: [true, 0], loaded: [false, false] }, 'a fresh main thread: worker_threads not loaded by thread.ts');

    const worker = run(`const { Worker } = require('node:worker_threads');
      new Worker(${JSON.stringify(report)}).on('message', (m) => console.log(m));`);
    assert.equal(worker.isMainThread, false);
    assert.deepEqual([worker.isMainThread, worker.threadId], worker.wt, 'a worker: the same answers as worker_threads');
    assert.ok(worker.threadId > 0);

    const preloaded = run(`require('node:worker_threads'); require(${JSON.stringify(report)})`);
    assert.deepEqual(preloaded, { isMainThread: true, threadId: 0, wt: [true, 0], loaded: [true, true] }, 'a main thread that had loaded it: asked');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
