// timedRun's timeout stops the whole process tree of the command, not only its root: a command that
// never ends and started a process in a process group of its own (as the CLI starts the profiled
// program) leaves nothing running behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { timedRun } from './timedRun.mjs';

/** Whether `pid` still runs (a zombie waiting to be reaped does not). */
function running(pid) {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

test('a run that times out ends with its whole tree, a detached grandchild included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-timedrun-'));
  const pidFile = join(dir, 'grandchild.pid');
  try {
    // The root never exits; its child sits in a process group of its own and never exits either.
    writeFileSync(join(dir, 'never.js'), `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));
      console.log('started');
      setInterval(() => {}, 1000);
    `);
    const r = await timedRun({ cmd: ['never.js'], cwd: dir }, { scratch: dir, timeoutMs: 12_000 }); // ample for node to start both on a loaded machine
    assert.match(r.error ?? '', /timed out after 12000 ms/);
    assert.equal(r.status, null);
    assert.ok(r.signal, `ended by a signal: ${JSON.stringify(r)}`);
    assert.match(r.stdout, /started/, 'the output written before the timeout is kept');
    assert.ok(existsSync(pidFile), 'the grandchild was started before the timeout');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL is delivered asynchronously: bounded wait for it to take effect.
    for (let i = 0; i < 100 && running(grandchild); i++) await sleep(100);
    const left = running(grandchild);
    if (left) process.kill(grandchild, 'SIGKILL');
    assert.equal(left, false, `grandchild ${grandchild} still running after the timeout`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
