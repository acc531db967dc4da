import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import { syncCallNames, poolCallNames } from './ioNames';

const functionsOf = (mod: object, which: (k: string) => boolean) =>
  Object.keys(mod).filter((k) => which(k) && typeof (mod as Record<string, unknown>)[k] === 'function');

test('the sync calls the instrumenter knows are every *Sync function of child_process, fs, zlib and crypto, in this Node', () => {
  const names = syncCallNames();
  for (const mod of [cp, fs, zlib, crypto]) {
    for (const k of functionsOf(mod, (k) => k.endsWith('Sync'))) assert.ok(names.has(k), `${k} missing`);
  }
});

test('the pool calls the instrumenter knows are every fs.promises function, and the async twin of every *Sync function of fs and zlib, in this Node', () => {
  const names = poolCallNames();
  for (const k of functionsOf(fs.promises, (k) => k !== 'watch')) assert.ok(names.has(k), `fs.promises.${k} missing`);
  for (const mod of [fs, zlib]) {
    for (const k of functionsOf(mod, (k) => k.endsWith('Sync'))) {
      const twin = k.slice(0, -4);
      if (twin !== 'watch' && typeof (mod as Record<string, unknown>)[twin] === 'function') assert.ok(names.has(twin), `${twin} missing`);
    }
  }
  assert.ok(!names.has('watch'), 'fs.watch waits on no pool work');
});

// The names are what a thread that instruments a file not in the cache needs: they must not load
// the modules they name (zlib, crypto and fs/promises were ~40 built-ins, ~8 ms of its start).
test('instrumenting a file loads none of zlib, crypto and fs/promises (dist/instrumenter.js, in a fresh process)', () => {
  const instrumenter = path.resolve(__dirname, '../../dist/instrumenter.js');
  const script = `
    const before = new Set(process.moduleLoadList);
    const out = require(${JSON.stringify(instrumenter)}).instrumentCode(
      "const z = require('zlib'); async function f(p) { await require('fs').promises.readFile(p); return z.gzipSync('x'); }", '/x/app.js', false);
    const added = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace('NativeModule ', ''));
    console.log(JSON.stringify({ instrumented: out.includes('__cl'), added }));`;
  const r = cp.spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { instrumented, added } = JSON.parse(r.stdout) as { instrumented: boolean; added: string[] };
  assert.ok(instrumented, 'the file was not instrumented: the test no longer checks what it says');
  for (const m of ['zlib', 'crypto', 'internal/fs/promises']) assert.ok(!added.includes(m), `${m} loaded: ${added.join(' ')}`);
});
