// What instrumenting a file costs as it grows (issue 12): a program's first run meets its files
// uncached (every run on a fresh CI machine), and the probe parses and instruments each one as
// it loads, holding the thread's loop; every later run, in every thread that loads the file,
// compiles and runs the instrumented code. Generated files of N small async functions (each one
// await: two sites), each size in fresh processes, variants in alternating rounds:
//   instrument  dist/instrumenter.js's instrumentCode on the file, cold (its first call in the process)
//   load        compiling and running the instrumented code's top level, the runtime's
//               load() of its site table included (a stub runtime: no profiler), against the
//               plain file's, in the same process
// `--base DIR`: another checkout's build (its dist/) in the same rounds. The time per function
// should not grow with N: a pass that is quadratic in the file's size shows as ms per function
// growing with it.
// Usage: node bench/instrumentCost.mjs [--rounds N] [--sizes 100,300,1000,3000] [--base DIR]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let rounds = 5;
let sizes = [100, 300, 1000, 3000];
let base;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--sizes') sizes = argv[++i].split(',').map(Number);
  else if (argv[i] === '--base') base = resolve(argv[++i]);
  else throw new Error(`unknown argument ${argv[i]}`);
}
const builds = [{ name: 'this build', dist: join(ROOT, 'dist') }, ...(base ? [{ name: `base ${basename(base)}`, dist: join(base, 'dist') }] : [])];
for (const b of builds) if (!existsSync(join(b.dist, 'instrumenter.js'))) throw new Error(`${b.dist}/instrumenter.js missing: build it`);

const dir = mkdtempSync(join(tmpdir(), 'cl-instrument-cost-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS file of `n` async functions, each awaiting once, and a main that calls none of them. */
function program(n) {
  const fns = Array.from({ length: n }, (_, i) => `async function f${i}(x) { const a = await wait(x); return a + ${i}; }`);
  return `'use strict';\nconst wait = (ms) => new Promise((r) => setTimeout(r, ms, ms));\n${fns.join('\n')}\nmodule.exports = { f0 };\n`;
}

// Runs in a fresh process: instruments the file with DIST's instrumenter, then compiles and runs
// the plain and the instrumented code (each as a new script, wrapped as CommonJS is).
const child = `
const [dist, file] = process.argv.slice(1);
const fs = require('node:fs'), vm = require('node:vm');
const src = fs.readFileSync(file, 'utf8');
let t0 = performance.now();
const { instrumentCode } = require(dist + '/instrumenter.js');
const out = instrumentCode(src, file, false);
const instrumentMs = performance.now() - t0;
globalThis[Symbol.for('concurrency-lens')] = { k: 0, load: (t) => (typeof t === 'string' ? JSON.parse(t) : t, 0) };
const run = (code, name) => {
  const t = performance.now();
  new vm.Script('(function (exports, require, module) {' + code + '\\n})', { filename: name }).runInThisContext()({}, require, { exports: {} });
  return performance.now() - t;
};
const plainMs = run(src, 'plain.js');
const instrumentedMs = run(out, 'instrumented.js');
console.log(JSON.stringify({ instrumentMs, plainMs, instrumentedMs, bytesIn: src.length, bytesOut: out.length }));
`;

console.log(`instrumenting cost, ${rounds} rounds, builds alternating (load at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
const results = new Map();
for (const n of sizes) {
  const file = join(dir, `fns${n}.js`);
  writeFileSync(file, program(n));
  for (let r = 0; r < rounds; r++) {
    for (const b of (r % 2 ? [...builds].reverse() : builds)) {
      const p = spawnSync(process.execPath, ['-e', child, b.dist, file], { encoding: 'utf8', timeout: 600_000 });
      if (p.status !== 0) throw new Error(`${b.name}, ${n} functions: ${p.stderr}`);
      const key = `${n}\t${b.name}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push(JSON.parse(p.stdout));
    }
  }
}
console.log('functions | build | file kB → instrumented kB | instrument (cold) ms | per function µs | load: plain → instrumented ms');
for (const [key, runs] of results) {
  const [n, name] = key.split('\t');
  const med = (k) => median(runs.map((x) => x[k]));
  const instrument = med('instrumentMs');
  console.log(`${n} | ${name} | ${(runs[0].bytesIn / 1024).toFixed(0)} → ${(runs[0].bytesOut / 1024).toFixed(0)} | ${instrument.toFixed(1)} | ${(instrument * 1000 / Number(n)).toFixed(0)} | ${med('plainMs').toFixed(1)} → ${med('instrumentedMs').toFixed(1)}`);
}
console.log(`load at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
