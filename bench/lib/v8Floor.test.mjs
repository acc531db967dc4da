// The bench's floor (bench/lib/v8Floor.ts, run through timedRun's `floor` option): V8's profiler in
// every node process and thread of the program as the recorder profiles them, and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timedRun, ROOT } from './timedRun.mjs';
import { buildFloorPreload } from './floorPreload.mjs';

/** The floor's profiles of a run, by file name (`<pid>-<threadId>.cpuprofile`). */
function profiles(dir) {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
}

test('under the floor, the main thread, a worker and a spawned child each write their profile', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-floor-'));
  try {
    const script = join(dir, 'program.js');
    writeFileSync(script, `
      const { Worker } = require('node:worker_threads');
      const { spawnSync } = require('node:child_process');
      const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
      spin(60);
      spawnSync(process.execPath, ['-e', 'const end = Date.now() + 60; while (Date.now() < end);'], { stdio: 'inherit' });
      const w = new Worker('const end = Date.now() + 60; while (Date.now() < end);', { eval: true });
      w.on('exit', (code) => console.log('worker exit ' + code));
    `);
    const floor = { preload: buildFloorPreload(dir), dir: join(dir, 'profiles'), intervalUs: 500 };
    const r = await timedRun({ cmd: [script], cwd: dir }, { scratch: dir, floor });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /worker exit 0/);
    assert.equal(r.floorProfiles, 3);
    const byName = profiles(floor.dir);
    const pids = new Set(Object.keys(byName).map((f) => f.split('-')[0]));
    assert.equal(pids.size, 2, `the program and its child: ${Object.keys(byName)}`);
    assert.ok(Object.keys(byName).some((f) => !f.endsWith('-0.cpuprofile')), 'a worker thread\'s profile');
    // Each thread's 60 ms of CPU was sampled, by the thread's own code (how densely depends on the
    // machine's load: not asserted).
    for (const [name, p] of Object.entries(byName)) {
      const spun = new Set(p.nodes.filter((n) => /program\.js$|^\[(worker )?eval\]$/.test(n.callFrame.url) && n.hitCount > 0).map((n) => n.id));
      assert.ok(p.samples.some((id) => spun.has(id)), `${name}: no sample in the spinning code`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('under the floor, npm (a launcher) is not profiled; the program it runs and that program\'s children are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-floor-'));
  try {
    const floor = { preload: buildFloorPreload(dir), dir: join(dir, 'profiles'), intervalUs: null };
    const r = await timedRun({ cmd: ['npm', 'run', 'start'], cwd: join(ROOT, 'bench/workloads/npm-start') }, { scratch: dir, floor });
    assert.equal(r.status, 0, r.stderr);
    const byName = profiles(floor.dir);
    // main.js and its 3 children; npm's own process (npm-cli.js) wrote none.
    assert.equal(Object.keys(byName).length, 4, Object.keys(byName).join(', '));
    const urls = Object.values(byName).map((p) => new Set(p.nodes.map((n) => n.callFrame.url)));
    assert.ok(urls.every((u) => ![...u].some((x) => /npm-cli\.js$/.test(x))), 'no profile of npm itself');
    assert.equal(urls.filter((u) => [...u].some((x) => x.endsWith('/npm-start/main.js'))).length, 1, 'main.js profiled once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
