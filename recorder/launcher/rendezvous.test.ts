import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rendezvous, type Announcement } from './rendezvous';
import { exitAnnouncementFile, workerStartFile } from '../probeOptions';

/** Resolves once `check()` is true (the watch or the poll saw the file), failing after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not seen in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Rendezvous', () => {
  it('reports a process announcing itself and a thread announcing its exit, each once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-rendezvous-'));
    const announced: Announcement[] = [];
    const exits: [number, number][] = [];
    const r = new Rendezvous(dir, (a) => announced.push(a), (pid, tid) => exits.push([pid, tid]));
    try {
      writeFileSync(join(dir, 'attach-41.json'), JSON.stringify({ pid: 41, ppid: 1, argv: ['node'], url: 'ws://127.0.0.1:1/x' }));
      closeSync(openSync(join(dir, exitAnnouncementFile(41, 0)), 'w'));
      closeSync(openSync(join(dir, exitAnnouncementFile(41, 7)), 'w'));
      // A probe's log and spans are not announcements.
      writeFileSync(join(dir, '41-0.jsonl'), '{}\n');
      await until(() => announced.length === 1 && exits.length === 2);
      r.scan(); r.scan();
      assert.deepEqual(announced.map((a) => a.pid), [41]);
      assert.deepEqual(exits.sort(), [[41, 0], [41, 7]]);
    } finally {
      r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports each worker a thread of a process starts (the probe\'s workerStartFile), with the pid and the creating thread, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-rendezvous-'));
    const starts: [number, number][] = [];
    const r = new Rendezvous(dir, () => undefined, () => undefined, (pid, tid) => starts.push([pid, tid]));
    try {
      for (const [pid, tid, seq] of [[41, 0, 1], [41, 0, 2], [41, 3, 1]]) closeSync(openSync(join(dir, workerStartFile(pid, tid, seq)), 'w'));
      await until(() => starts.length === 3);
      r.scan(); r.scan();
      assert.deepEqual(starts.sort(), [[41, 0], [41, 0], [41, 3]]);
    } finally {
      r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('looks again at an announcement that could not be parsed (not yet complete) and reports it once complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-rendezvous-'));
    const announced: Announcement[] = [];
    const r = new Rendezvous(dir, (a) => announced.push(a));
    try {
      const file = join(dir, 'attach-42.json');
      writeFileSync(file, '{"pid": 42, "pp');
      r.scan();
      assert.equal(announced.length, 0);
      writeFileSync(file, JSON.stringify({ pid: 42, ppid: 1, argv: ['node'], url: 'ws://127.0.0.1:1/y' }));
      await until(() => announced.length === 1);
      r.scan();
      assert.deepEqual(announced.map((a) => a.pid), [42]);
    } finally {
      r.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
