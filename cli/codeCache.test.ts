import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, chmodSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const RUN = join(ROOT, 'cli/fixtures/codeCache/run.ts');

/** A CommonJS "bundle" printing `word`, padded so that every variant has the same length. */
const bundle = (word: string) => `"use strict";const f=(x)=>x.toUpperCase();process.stdout.write("says "+f(${JSON.stringify(word)})+" from "+require("node:path").basename(__filename)+"\\n");`;

function run(file: string, cacheRoot: string): { use: string; said: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', RUN, file, cacheRoot], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const [use, said] = r.stdout.split('\n');
  return { use: use.replace('cache: ', ''), said };
}

/** Scratch folders of this file's tests, removed once they ran. */
const scratchDirs: string[] = [];
after(() => { for (const d of scratchDirs) rmSync(d, { recursive: true, force: true }); });

function scratch(): { file: string; root: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cl-codecache-'));
  scratchDirs.push(dir);
  return { file: join(dir, 'bundle.js'), root: join(dir, 'cache') };
}

describe('the CLI code cache (runBundle)', () => {
  it('is made by the first run (at exit) and used by the next; the bundle runs the same', () => {
    const { file, root } = scratch();
    writeFileSync(file, bundle('alpha'));
    assert.deepEqual(run(file, root), { use: 'missing', said: 'says ALPHA from bundle.js' });
    assert.equal(readdirSync(join(root, 'code-cache')).filter((n) => n.endsWith('.bin')).length, 1);
    assert.deepEqual(run(file, root), { use: 'used', said: 'says ALPHA from bundle.js' });
  });

  it('never serves stale code: a bundle changed to other bytes of the same length runs its new code', () => {
    const { file, root } = scratch();
    writeFileSync(file, bundle('alpha'));
    run(file, root);
    assert.equal(run(file, root).use, 'used');
    const changed = bundle('omega');
    assert.equal(changed.length, bundle('alpha').length, 'same length: V8 alone would accept the old cache');
    writeFileSync(file, changed);
    assert.deepEqual(run(file, root), { use: 'missing', said: 'says OMEGA from bundle.js' });
    assert.deepEqual(run(file, root), { use: 'used', said: 'says OMEGA from bundle.js' });
  });

  it('reads and writes nothing in a cache folder others can write to, or that is a symlink', () => {
    const open = scratch();
    writeFileSync(open.file, bundle('alpha'));
    mkdirSync(open.root, { mode: 0o700 });
    chmodSync(open.root, 0o777);
    assert.deepEqual(run(open.file, open.root), { use: 'off', said: 'says ALPHA from bundle.js' });
    assert.deepEqual(readdirSync(open.root), []);

    const linked = scratch();
    writeFileSync(linked.file, bundle('alpha'));
    const real = mkdtempSync(join(tmpdir(), 'cl-codecache-real-'));
    symlinkSync(real, linked.root);
    assert.equal(run(linked.file, linked.root).use, 'off');
    assert.deepEqual(readdirSync(real), []);
    rmSync(real, { recursive: true, force: true });
  });

  it('a cache file V8 refuses (other flags) is replaced, and the bundle still runs', () => {
    const { file, root } = scratch();
    writeFileSync(file, bundle('alpha'));
    run(file, root);
    const r = spawnSync(process.execPath, ['--no-lazy', '--import', 'tsx', RUN, file, root], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, 2), ['cache: refused', 'says ALPHA from bundle.js']);
  });
});
