// What the probe runtime adds per instrumented await, async call and call into a dependency, in isolation (issue 12): no
// inspector, no lag timer, no CPU profile. Each case is a small program run in its own process,
// plain and instrumented (recorder/probe/transform.ts + recorder/probe/runtime.ts, bundled here
// from the sources), alternating. Figures: CPU ns per async call (CPU time: a loaded machine
// changes it far less than wall time), instrumented − plain and instrumented / plain, from the
// best (least disturbed) run of each kind, and the median of the rounds' differences. `--base DIR` adds the same runs with DIR's sources (another
// checkout, e.g. main), in the same rounds.
// `--interleave`: every variant in one process, in turns (see interleavedRunner): steadier under load.
// Usage: node bench/awaitCost.mjs [--interleave] [--rounds N] [--calls N] [--base DIR] [case…]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let rounds;
let calls;
let base;
let interleave = false;
const names = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--calls') calls = Number(argv[++i]);
  else if (argv[i] === '--base') base = resolve(argv[++i]);
  else if (argv[i] === '--interleave') interleave = true;
  else names.push(argv[i]);
}
rounds ??= interleave ? 40 : 5;
calls ??= interleave ? 100_000 : 2_000_000;

/**
 * Each case: a module exporting `run(calls)` (resolves when done). `calls` async calls are made;
 * the figure is per call (each call's awaits included).
 */
const CASES = {
  // The storm of bench/workloads/promise-storm.js: one `await null` per call, batches of 1000.
  storm: `async function leaf(i) {
  await null;
  return i & 1;
}
module.exports = async function run(calls) {
  let odd = 0;
  for (let done = 0; done < calls; done += 1000) {
    const batch = [];
    for (let i = 0; i < 1000; i++) batch.push(leaf(done + i));
    const r = await Promise.all(batch);
    for (const x of r) odd += x;
  }
  return odd;
};`,
  // Async calls awaiting async calls (awaits that wait on other instrumented awaits), 4 awaits per call.
  nested: `async function inner(i) {
  await null;
  return i;
}
async function outer(i) {
  const a = await inner(i);
  const b = await inner(a + 1);
  return a + b;
}
module.exports = async function run(calls) {
  let sum = 0;
  for (let i = 0; i < calls; i += 3) sum += await outer(i);
  return sum;
};`,
  // One invocation awaiting in a loop: the cost of the await alone, no async call.
  awaits: `module.exports = async function run(calls) {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum += await i;
  return sum;
};`,
  // Calls into a dependency (no await, no async call): one per count. The module's own 'require'
  // makes 'lib' a dependency's binding, as 'require('some-package')' does.
  libCalls: `function require() { return { add: (a, b) => a + b }; }
const lib = require('some-package');
module.exports = async function run(calls) {
  let sum = 0;
  for (let i = 0; i < calls; i++) sum = lib.add(sum, i & 7);
  return sum;
};`,
};

const scratch = mkdtempSync(join(tmpdir(), 'cl-awaitcost-'));

/** Bundles a checkout's transform and runtime into one CommonJS module: { instrument, ProbeRuntime }. */
function bundle(dir, tag) {
  const entry = join(scratch, `entry-${tag}.ts`);
  writeFileSync(entry, `export { instrument } from ${JSON.stringify(join(dir, 'recorder/probe/transform.ts'))};
export { ProbeRuntime } from ${JSON.stringify(join(dir, 'recorder/probe/runtime.ts'))};`);
  const out = join(scratch, `lib-${tag}.cjs`);
  esbuild.buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node18',
    minify: false, logLevel: 'error', nodePaths: [join(ROOT, 'node_modules')] });
  return out;
}

/** Writes one case's module: plain, or instrumented with the given bundle. */
function caseModule(name, lib) {
  const source = CASES[name];
  const code = lib ? require_(lib).instrument({ source, file: join(scratch, `${name}.js`), isModule: false, syncNames: new Set(), poolNames: new Set() }).code : source;
  const tag = lib ? lib.replace(/^.*lib-|\.cjs$/g, '') : 'plain';
  const mod = join(scratch, `${name}-${tag}.js`);
  writeFileSync(mod, code);
  return mod;
}

/** The statement that installs a fresh runtime of the given bundle as `__cl$` for the modules required next. */
const installRuntime = (lib) => `globalThis[Symbol.for('concurrency-lens')] = new (require(${JSON.stringify(lib)}).ProbeRuntime)(100000, () => undefined, () => undefined);`;

/** Writes the runner for one case: plain, or instrumented with the given bundle. */
function runner(name, lib) {
  const mod = caseModule(name, lib);
  const setup = lib ? installRuntime(lib) : '';
  const tag = lib ? lib.replace(/^.*lib-|\.cjs$/g, '') : 'plain';
  const main = join(scratch, `${name}-${tag}-main.js`);
  writeFileSync(main, `${setup}
const run = require(${JSON.stringify(mod)});
(async () => {
  await run(${Math.min(calls, 100_000)}); // warm up
  const c0 = process.cpuUsage();
  await run(${calls});
  const c = process.cpuUsage(c0);
  console.log((c.user + c.system) / 1000);
})();`);
  return main;
}

import { createRequire } from 'node:module';
const require_ = createRequire(import.meta.url);

const libs = { head: bundle(ROOT, 'head') };
if (base) libs.base = bundle(base, 'base');
const time = (file) => {
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
};
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/**
 * `--interleave`: one process per case holds the plain module and each build's instrumented one
 * (each with its own runtime) and runs them in turns, `calls` calls per turn, the order rotating
 * every round: the variants share the machine's load, the heap and the CPU's state turn by turn,
 * so on a loaded machine their differences hold far better than across processes (start-up and
 * first GCs are left out too: the figure is steady state). Prints CPU ns per call per turn.
 */
function interleavedRunner(name) {
  const variants = [['plain', caseModule(name, null), null], ...Object.entries(libs).map(([k, lib]) => [k, caseModule(name, lib), lib])];
  const main = join(scratch, `${name}-interleaved-main.js`);
  writeFileSync(main, `const variants = [];
${variants.map(([k, mod, lib]) => `${lib ? installRuntime(lib) : ''}
variants.push([${JSON.stringify(k)}, require(${JSON.stringify(mod)})]);`).join('\n')}
(async () => {
  const ns = Object.fromEntries(variants.map(([k]) => [k, []]));
  for (const [, run] of variants) await run(${calls}); // warm up
  for (let r = 0; r < ${rounds}; r++) {
    for (let i = 0; i < variants.length; i++) {
      const [k, run] = variants[(i + r) % variants.length];
      const c0 = process.cpuUsage();
      await run(${calls});
      const c = process.cpuUsage(c0);
      ns[k].push((c.user + c.system) * 1000 / ${calls});
    }
  }
  console.log(JSON.stringify(ns));
})();`);
  return main;
}

if (interleave) {
  console.log(`node ${process.version}, interleaved in one process per case: ${rounds} turns of ${calls} calls per variant; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const name of names.length ? names : Object.keys(CASES)) {
    const r = spawnSync(process.execPath, [interleavedRunner(name)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const ns = JSON.parse(r.stdout);
    const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];
    console.log(`${name} (plain: median ${median(ns.plain).toFixed(0)}, p10 ${q(ns.plain, 0.1).toFixed(0)} ns per call; load ${loadavg()[0].toFixed(2)})`);
    for (const k of Object.keys(libs)) {
      const d = ns[k].map((x, i) => x - ns.plain[i]); // turn i of each variant ran in the same round
      console.log(`  ${k.padEnd(5)} median +${median(d).toFixed(0)} ns per call (${(median(ns[k]) / median(ns.plain)).toFixed(2)}×)  p10 ${q(ns[k], 0.1).toFixed(0)} ns  quartiles of the difference ${q(d, 0.25).toFixed(0)}…${q(d, 0.75).toFixed(0)}`);
    }
  }
  if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true }); else console.log(scratch);
  process.exit(0);
}

console.log(`node ${process.version}, ${rounds} rounds of ${calls} calls; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const name of names.length ? names : Object.keys(CASES)) {
  const plainFile = runner(name, null);
  const files = Object.fromEntries(Object.entries(libs).map(([k, lib]) => [k, runner(name, lib)]));
  const plain = [];
  const extra = Object.fromEntries(Object.keys(libs).map((k) => [k, { ns: [], ratio: [], best: Infinity }]));
  for (let i = 0; i < rounds; i++) {
    for (const [k, f] of Object.entries(files)) {
      const p = time(plainFile);
      const q = time(f);
      plain.push(p);
      extra[k].ns.push(((q - p) * 1e6) / calls);
      extra[k].ratio.push(q / p);
      extra[k].best = Math.min(extra[k].best, q);
    }
  }
  const best = Math.min(...plain);
  const ns = (ms) => (ms * 1e6) / calls;
  console.log(`${name} (plain: best ${ns(best).toFixed(0)}, median ${ns(median(plain)).toFixed(0)} ns per call; load ${loadavg()[0].toFixed(2)})`);
  for (const [k, r] of Object.entries(extra)) {
    console.log(`  ${k.padEnd(5)} best +${ns(r.best - best).toFixed(0)} ns per call (${(r.best / best).toFixed(2)}×)  median +${median(r.ns).toFixed(0)} ns (${median(r.ratio).toFixed(2)}×)  [${r.ns.map((x) => x.toFixed(0)).join(' ')}]`);
  }
}
if (!process.env.KEEP) rmSync(scratch, { recursive: true, force: true }); else console.log(scratch);
