import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, chmodSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const RUN = join(ROOT, 'cli/fixtures/codeCache/run.ts');

/** A CommonJS "bundle" printing `word` and exporting it, padded so that every variant has the same length. */
const bundle = (word: string) => `"use strict";const f=(x)=>x.toUpperCase();process.stdout.write("says "+f(${JSON.stringify(word)})+" from "+require("node:path").basename(__filename)+"\\n");module.exports={word:${JSON.stringify(word)}};`;

function run(file: string, cacheRoot: string): { use: string; said: string; exported?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', RUN, file, cacheRoot], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const [use, said, exported] = r.stdout.split('\n');
  return { use: use.replace('cache: ', ''), said, exported: exported.replace('exports: ', '') };
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
    assert.deepEqual(run(file, root), { use: 'missing', said: 'says ALPHA from bundle.js', exported: '{"word":"alpha"}' });
    assert.equal(readdirSync(join(root, 'code-cache')).filter((n) => n.endsWith('.bin')).length, 1);
    assert.deepEqual(run(file, root), { use: 'used', said: 'says ALPHA from bundle.js', exported: '{"word":"alpha"}' });
  });

  it('never serves stale code: a bundle changed to other bytes of the same length runs its new code', () => {
    const { file, root } = scratch();
    writeFileSync(file, bundle('alpha'));
    run(file, root);
    assert.equal(run(file, root).use, 'used');
    const changed = bundle('omega');
    assert.equal(changed.length, bundle('alpha').length, 'same length: V8 alone would accept the old cache');
    writeFileSync(file, changed);
    assert.deepEqual(run(file, root), { use: 'missing', said: 'says OMEGA from bundle.js', exported: '{"word":"omega"}' });
    assert.deepEqual(run(file, root), { use: 'used', said: 'says OMEGA from bundle.js', exported: '{"word":"omega"}' });
  });

  it('reads and writes nothing in a cache folder others can write to, or that is a symlink', () => {
    const open = scratch();
    writeFileSync(open.file, bundle('alpha'));
    mkdirSync(open.root, { mode: 0o700 });
    chmodSync(open.root, 0o777);
    assert.deepEqual(run(open.file, open.root), { use: 'off', said: 'says ALPHA from bundle.js', exported: '{"word":"alpha"}' });
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

describe('the CLI\'s two bundles (dist/cliMain.js, dist/cliDeferred.js)', () => {
  const DIST = join(ROOT, 'dist');
  it('the start-up bundle holds none of what `profile` needs only once the program runs', () => {
    const main = readFileSync(join(DIST, 'cliMain.js'), 'utf8');
    const deferred = readFileSync(join(DIST, 'cliDeferred.js'), 'utf8');
    // chrome-remote-interface, the analyzer (spans.ts), the report writers (jsonFile.ts): each by a string of its own.
    for (const marker of ['webSocketDebuggerUrl', 'Await spans are sampled per function', 'nothing to write: the value has no JSON form']) {
      assert.ok(!main.includes(marker), `dist/cliMain.js holds ${JSON.stringify(marker)}`);
      assert.ok(deferred.includes(marker), `dist/cliDeferred.js lacks ${JSON.stringify(marker)}`);
    }
  });

  it('`profile` runs each from its own code cache: made by the first run, used by the next', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cl-codecache-cli-'));
    scratchDirs.push(tmp);
    const profile = () => {
      const r = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'profile', '--quiet', '--', process.execPath, '-e', '0'],
        { cwd: tmp, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, CL_DEBUG: '1' } });
      assert.equal(r.status, 0, r.stderr);
      return [/\] code cache (\w+)/.exec(r.stderr)?.[1], /\] deferred bundle: code cache (\w+)/.exec(r.stderr)?.[1]];
    };
    assert.deepEqual(profile(), ['missing', 'missing']);
    assert.deepEqual(profile(), ['used', 'used']);
  });
});

describe('the probe (dist/probe.js, run by dist/probeLoader.js in every recorded process and thread)', () => {
  const DIST = join(ROOT, 'dist');
  /** Each thread's hello: how its probe was compiled (recorder/probe/loader.ts). */
  const profileUses = (tmp: string, flags: string[] = []): string[] => {
    const raw = join(tmp, `raw-${scratchDirs.length}-${Math.random().toString(36).slice(2)}.json`);
    const r = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'profile', '--quiet', '--', process.execPath, ...flags, join(ROOT, 'cli/fixtures/worker.js')],
      { cwd: tmp, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, CONCURRENCY_LENS_RAW: raw } });
    assert.equal(r.status, 0, r.stderr);
    const recording = JSON.parse(readFileSync(raw, 'utf8'));
    return recording.threads.map((t: { tid: number; records: { t: string; probeCodeCache?: string }[] }) => `${t.tid}:${t.records.find((x) => x.t === 'hello')?.probeCodeCache}`).sort();
  };

  it('runs from a code cache made by the first run, in the main thread and in a worker; one per set of flags', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cl-codecache-probe-'));
    scratchDirs.push(tmp);
    /** A first run: the main thread finds none; its worker finds the one the main thread wrote 150 ms into its run, if it starts later. */
    const first = (uses: string[]) => {
      assert.equal(uses[0], '0:missing');
      assert.ok(['1:missing', '1:used'].includes(uses[1]), uses[1]);
    };
    first(profileUses(tmp));
    assert.deepEqual(profileUses(tmp), ['0:used', '1:used']);
    // Other V8 flags: a cache of their own, which leaves the first one as it was.
    first(profileUses(tmp, ['--no-lazy']));
    assert.deepEqual(profileUses(tmp, ['--no-lazy']), ['0:used', '1:used']);
    assert.deepEqual(profileUses(tmp), ['0:used', '1:used']);
  });

  it('imports what it imports from the cache too (vitest\'s evaluator, in a --pool=threads worker)', () => {
    // A worker's flags are its process's: the vitest process, running far longer than 150 ms,
    // writes the cache in the first run, and the second run's worker runs from it.
    const tmp = mkdtempSync(join(tmpdir(), 'cl-codecache-vitest-'));
    scratchDirs.push(tmp);
    const dir = join(ROOT, 'cli/fixtures/abrupt/vitest-pool');
    const test = join(dir, 'pairs.test.js');
    for (const run of ['first', 'second']) {
      const json = join(tmp, `report-${run}.json`);
      const raw = join(tmp, `raw-${run}.json`);
      const r = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'profile', '--quiet', '--json', json, '--', join(ROOT, 'node_modules/.bin/vitest'), 'run', '--pool=threads'],
        { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, CONCURRENCY_LENS_RAW: raw } });
      assert.equal(r.status, 0, r.stderr);
      const uses = JSON.parse(readFileSync(raw, 'utf8')).threads.map((t: { tid: number; records: { t: string; probeCodeCache?: string }[] }) => `${t.tid === 0 ? 'main' : 'worker'}:${t.records.find((x) => x.t === 'hello')?.probeCodeCache}`);
      if (run === 'second') assert.ok(uses.length >= 2 && uses.every((u: string) => u.endsWith(':used')), uses.join(' '));
      const report = JSON.parse(readFileSync(json, 'utf8'));
      assert.ok(report.findings.some((f: { kind: string; location: { file: string } }) => f.kind === 'sequential-awaits' && f.location.file === test),
        `${run} run: no sequential-awaits in ${test}: ${JSON.stringify(report.findings.map((f: { kind: string }) => f.kind))}`);
    }
  });
});
