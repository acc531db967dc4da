// Fixed costs of `concurrency-lens profile` (issue 12): what profiling adds to a program that does
// nothing, per extra child process, per extra worker thread, and behind npm (launchers).
// Each round runs every row as an alternating pair (plain, then profiled; the order flips every
// round); figures are medians over rounds of the pair's difference (profiled − plain wall time).
//   per extra process = (Δ children − Δ empty) / N, per extra thread = (Δ workers − Δ empty) / N,
//   launchers (npm + sh) = Δ npm − Δ empty.
// Usage: node bench/fixedCost.mjs [--rounds N] [--count N] [row-name-substring…]
// Load averages are printed before and after: figures on a loaded machine show direction only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const WORKLOADS = join(ROOT, 'bench/workloads');

const argv = process.argv.slice(2);
let rounds = 7;
let count = 4;
const filters = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Math.max(1, Number(argv[++i]));
  else if (argv[i] === '--count') count = Math.max(1, Number(argv[++i]));
  else filters.push(argv[i]);
}
if (!existsSync(CLI)) { console.error(`${CLI} missing: node scripts/build.mjs`); process.exit(1); }

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ROWS = [
  { name: 'empty', cwd: WORKLOADS, command: [process.execPath, 'empty.js'], profile: ['empty.js'] },
  { name: 'children', cwd: WORKLOADS, command: [process.execPath, 'spawn-children.js'], profile: ['spawn-children.js'] },
  { name: 'workers', cwd: WORKLOADS, command: [process.execPath, 'workers.js'], profile: ['workers.js'] },
  { name: 'npm', cwd: join(WORKLOADS, 'npm-run'), command: [npm, 'run', '-s', 'empty'], profile: ['npm', 'run', '-s', 'empty'] },
].filter((r) => filters.length === 0 || filters.some((f) => r.name.includes(f)));

const scratch = mkdtempSync(join(tmpdir(), 'cl-fixedcost-'));
const env = { ...process.env, BENCH_COUNT: String(count) };
delete env.NODE_OPTIONS;

function timed(file, args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status ?? r.signal}\n${(r.stderr || r.stdout).slice(-2000)}`);
  return ms;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`fixed costs — node ${process.version}, ${cpus().length} cores, ${rounds} rounds, N = ${count}; load average ${load()}`);
const results = new Map(ROWS.map((r) => [r.name, { plain: [], profiled: [], delta: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const row of ROWS) {
    const json = join(scratch, `${row.name}.json`);
    const plain = () => timed(row.command[0], row.command.slice(1), row.cwd);
    const profiled = () => timed(process.execPath, [CLI, 'profile', ...row.profile, '--json', json, '--quiet'], row.cwd);
    let p, q;
    if (round % 2 === 0) { p = plain(); q = profiled(); } else { q = profiled(); p = plain(); }
    const res = results.get(row.name);
    res.plain.push(p); res.profiled.push(q); res.delta.push(q - p);
  }
  process.stdout.write('.');
}
console.log(`\nload average after: ${load()}`);
const f = (x) => `${x.toFixed(0)} ms`;
for (const [name, r] of results) {
  console.log(`${name.padEnd(9)} plain ${f(median(r.plain)).padStart(8)}  profiled ${f(median(r.profiled)).padStart(8)}  Δ ${f(median(r.delta)).padStart(7)}  (Δ per round: ${r.delta.map((d) => d.toFixed(0)).join(' ')})`);
}
const d = (name) => (results.has(name) ? median(results.get(name).delta) : NaN);
if (results.has('empty')) {
  console.log(`fixed cost (empty program): ${f(d('empty'))}   goal ≤ 120 ms`);
  if (results.has('children')) console.log(`per extra process: ${f((d('children') - d('empty')) / count)}   goal ≤ 20 ms`);
  if (results.has('workers')) console.log(`per extra thread: ${f((d('workers') - d('empty')) / count)}   goal ≤ 20 ms`);
  if (results.has('npm')) console.log(`launchers (npm + sh) beyond the empty program: ${f(d('npm') - d('empty'))}`);
}
rmSync(scratch, { recursive: true, force: true });
