import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pruneStaleFiles } from './staleFiles';
import { InstrumentCache } from './probe/instrumentCache';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('pruneStaleFiles: what killed runs and old builds left in the temp folder', () => {
  let scratch: string, tmp: string, root: string;
  /** A pid that no process has: a child that has exited and been reaped. */
  const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;
  const now = Date.now();
  const dir = (name: string, ageMs: number, under = tmp): string => {
    const d = path.join(under, name);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'x.jsonl'), '{}\n');
    fs.utimesSync(d, (now - ageMs) / 1000, (now - ageMs) / 1000);
    return d;
  };
  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-stale-'));
    tmp = path.join(scratch, 'tmp');
    root = path.join(tmp, 'concurrency-lens-user');
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  });
  afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("removes run folders of recorders that are gone, keeps live ones, recent ones and this run's", () => {
    const dead = deadPid();
    const gone = dir(`concurrency-lens-run-${dead}-aB3dE9`, 2 * HOUR);
    const goneRecently = dir(`concurrency-lens-run-${dead}-xY1zW2`, 60_000);
    const live = dir(`concurrency-lens-run-${process.pid}-qQ7rR8`, 3 * DAY);
    const mine = dir(`concurrency-lens-run-${dead}-kK4lL5`, 2 * HOUR);
    pruneStaleFiles(mine, { tmp, root, now });
    assert.equal(fs.existsSync(gone), false, 'a killed recorder’s folder');
    assert.ok(fs.existsSync(goneRecently), 'changed within the hour: may be a recorder in another pid namespace');
    assert.ok(fs.existsSync(live), 'its recorder runs');
    assert.ok(fs.existsSync(mine), 'this run');
  });

  it('removes folders of the old form after a week; leaves files, symlinks and other names', () => {
    const old = dir('concurrency-lens-Ab12Cd', 8 * DAY);
    const recent = dir('concurrency-lens-Ef34Gh', 6 * DAY);
    const other = dir('concurrency-lens-samples', 30 * DAY);
    const target = dir('elsewhere', 30 * DAY, scratch);
    fs.symlinkSync(target, path.join(tmp, 'concurrency-lens-Ij56Kl'));
    fs.writeFileSync(path.join(tmp, 'concurrency-lens-Mn78Op'), 'a file');
    pruneStaleFiles('', { tmp, root, now });
    assert.equal(fs.existsSync(old), false);
    assert.ok(fs.existsSync(recent));
    assert.ok(fs.existsSync(other), 'not a run folder name');
    assert.ok(fs.existsSync(path.join(target, 'x.jsonl')), 'a symlink is not followed');
    assert.ok(fs.lstatSync(path.join(tmp, 'concurrency-lens-Ij56Kl')).isSymbolicLink());
    assert.ok(fs.existsSync(path.join(tmp, 'concurrency-lens-Mn78Op')));
  });

  it('removes instrument cache folders of builds unused for two weeks; a run keeps its own in use', () => {
    const builds = path.join(root, 'instrumented');
    const unused = dir('100-1-1-v20.0.0', 15 * DAY, builds);
    const used = dir('100-2-2-v20.0.0', 13 * DAY, builds);
    // A run opening its build's folder marks it used, even when every file is a cache hit.
    const instrumenter = path.join(scratch, 'instrumenter.js');
    fs.writeFileSync(instrumenter, '/* build */');
    InstrumentCache.open(instrumenter, root)!.set('/app/a.js', false, 'src', '', 'code');
    const [current] = fs.readdirSync(builds).filter((n) => !n.startsWith('100-'));
    fs.utimesSync(path.join(builds, current), (now - 20 * DAY) / 1000, (now - 20 * DAY) / 1000);
    assert.equal(InstrumentCache.open(instrumenter, root)!.get('/app/a.js', false, 'src', ''), 'code');
    pruneStaleFiles('', { tmp, root, now });
    assert.equal(fs.existsSync(unused), false);
    assert.ok(fs.existsSync(used));
    assert.ok(fs.existsSync(path.join(builds, current)), 'touched when opened');
  });

  it('removes CLI code cache files two weeks old', () => {
    const cacheDir = path.join(root, 'code-cache');
    fs.mkdirSync(cacheDir);
    const file = (name: string, ageMs: number) => {
      const f = path.join(cacheDir, name);
      fs.writeFileSync(f, 'cache');
      fs.utimesSync(f, (now - ageMs) / 1000, (now - ageMs) / 1000);
      return f;
    };
    const old = file('cli-v20.0.0-x64-00000001.bin', 15 * DAY);
    const recent = file('cli-v20.0.0-x64-00000002.bin', 13 * DAY);
    pruneStaleFiles('', { tmp, root, now });
    assert.equal(fs.existsSync(old), false);
    assert.ok(fs.existsSync(recent));
  });

  it('runs at most once a day', () => {
    const dead = deadPid();
    pruneStaleFiles('', { tmp, root, now });
    const gone = dir(`concurrency-lens-run-${dead}-aB3dE9`, 2 * HOUR);
    pruneStaleFiles('', { tmp, root, now: now + 23 * HOUR });
    assert.ok(fs.existsSync(gone), 'pruned less than a day ago');
    pruneStaleFiles('', { tmp, root, now: now + 25 * HOUR });
    assert.equal(fs.existsSync(gone), false);
  });

  it('does nothing when the per-user folder is not private', () => {
    fs.chmodSync(root, 0o777);
    const gone = dir(`concurrency-lens-run-${deadPid()}-aB3dE9`, 2 * HOUR);
    pruneStaleFiles('', { tmp, root, now });
    assert.ok(fs.existsSync(gone));
  });
});
