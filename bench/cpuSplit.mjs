// Where the CPU of profiling goes (issue 12), split by process and thread: the recorder CLI, the
// program's main process (its main thread, V8's profiler thread "v8:ProfEvntProc", its other
// threads: workers, libuv's pool, V8's helpers) and the processes it started. Every run is
// recorded with `perf record` (Linux, perf installed; it follows forks and threads), the samples
// are counted per pid/tid. Rows as bench/fixedCost.mjs (empty, N children, N workers), each as
// plain, profiled (this build) and, with --compare DIR, profiled by DIR's build, in alternating
// order; figures are medians over rounds. "per extra" = (row − empty) / N, profiled − plain.
// Named workload rows (fs-churn, timers, piscina: a pool of 4 busy workers; run only when named)
// print their running cost instead:
// (row − empty), profiled − plain, per part; `cliDuringRun` is the CLI's CPU while the program's
// main process ran (between its first and last sample): what competes with the program for cores.
// Usage: node bench/cpuSplit.mjs [--rounds N] [--count N] [--compare DIR] [row-name-substring…]
// CPU time is the figure that holds on a loaded machine; wall time there is mostly waiting for a core.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCostArgs } from './lib/costArgs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORKLOADS = join(ROOT, 'bench/workloads');
const { rounds, count, compare, filters } = parseCostArgs(process.argv.slice(2), { rounds: 5 });
if (spawnSync('perf', ['--version']).status !== 0) { console.error('perf is not installed (linux-tools): this bench counts CPU samples per thread with perf record'); process.exit(1); }
const CLIS = [['after', join(ROOT, 'dist/cli.js')], ...(compare ? [['before', compare]] : [])];
for (const [, cli] of CLIS) if (!existsSync(cli)) { console.error(`${cli} missing: node scripts/build.mjs`); process.exit(1); }
/** Workload rows: their running cost, not a per-extra figure; run only when named. */
const WORKLOAD_ROWS = [['fs-churn', ['fs-churn.js']], ['timers', ['timers.js']], ['piscina', ['piscina-pool/main.js']]];
const ROWS = [['empty', ['empty.js']], ['children', ['spawn-n.js', 'children', String(count)]], ['workers', ['spawn-n.js', 'workers', String(count)]]]
  .filter(([name]) => name === 'empty' || filters.length === 0 || filters.some((f) => name.includes(f)))
  .concat(WORKLOAD_ROWS.filter(([name]) => filters.some((f) => name.includes(f))));
const isWorkload = (row) => WORKLOAD_ROWS.some(([name]) => name === row);

const HZ = 1000;
const scratch = mkdtempSync(join(tmpdir(), 'cl-cpusplit-'));
const env = { ...process.env };
delete env.NODE_OPTIONS;
/** Parts of a run's CPU, ms. `cli` is 0 for a plain run (the program is the root process there). */
const PARTS = ['cli', 'cliDuringRun', 'main', 'mainThread', 'profilerThread', 'otherThreads', 'children'];

/** Runs `command` under perf; the CPU (ms) of each part, and the wall time. */
function measure(command, profiled) {
  const data = join(scratch, 'perf.data');
  const t0 = performance.now();
  const r = spawnSync('perf', ['record', '-q', '-F', String(HZ), '-o', data, '--', ...command], { cwd: WORKLOADS, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command.join(' ')} exited ${r.status}\n${r.stderr.slice(-2000)}`);
  const out = spawnSync('perf', ['script', '-i', data, '--show-task-events', '-F', 'pid,tid,comm,time'], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  const parentOf = new Map();
  const samples = new Map();
  /** [pid, seconds] of every sample. */
  const times = [];
  let root;
  for (const line of out.split('\n')) {
    const fork = /PERF_RECORD_FORK\((\d+):\d+\):\((\d+):\d+\)/.exec(line);
    if (fork) { if (fork[1] !== fork[2]) parentOf.set(fork[1], fork[2]); continue; }
    if (line.includes('PERF_RECORD')) continue;
    const m = /^\s*(.*?)\s+(\d+)\/(\d+)\s+([\d.]+):\s*$/.exec(line);
    if (!m) continue;
    root ??= m[2];
    const key = `${m[2]}/${m[3]}/${m[1]}`;
    samples.set(key, (samples.get(key) ?? 0) + 1);
    times.push([m[2], Number(m[4])]);
  }
  // The program's main process: the root itself when run plainly, else the CLI's first child.
  const main = profiled ? [...parentOf].find(([, p]) => p === root)?.[0] : root;
  const res = { wall, ...Object.fromEntries(PARTS.map((p) => [p, 0])) };
  let from = Infinity, to = -Infinity;
  for (const [pid, t] of times) if (pid === main) { from = Math.min(from, t); to = Math.max(to, t); }
  if (profiled) res.cliDuringRun = (times.filter(([pid, t]) => pid === root && t >= from && t <= to).length * 1000) / HZ;
  for (const [key, n] of samples) {
    const [pid, tid, comm] = key.split('/');
    const ms = (n * 1000) / HZ;
    if (profiled && pid === root) res.cli += ms;
    else if (pid === main) {
      res.main += ms;
      if (tid === pid) res.mainThread += ms; else if (/ProfEvnt/.test(comm)) res.profilerThread += ms; else res.otherThreads += ms;
    } else res.children += ms;
  }
  return res;
}

const variants = [['plain', null], ...CLIS];
const acc = new Map();
console.log(`CPU split — node ${process.version}, ${cpus().length} cores, ${rounds} rounds, N = ${count}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let round = 0; round < rounds; round++) {
  for (const [row, args] of ROWS) {
    for (let i = 0; i < variants.length; i++) {
      const [name, cli] = variants[(i + round) % variants.length];
      const res = cli ? measure([process.execPath, cli, 'profile', ...args, '--json', join(scratch, 'r.json'), '--quiet'], true) : measure([process.execPath, ...args], false);
      for (const [k, v] of Object.entries(res)) { const key = `${row}|${name}|${k}`; acc.set(key, [...acc.get(key) ?? [], v]); }
    }
  }
  process.stdout.write('.');
}
console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const med = (row, name, k) => median(acc.get(`${row}|${name}|${k}`));
console.log(`${'row'.padEnd(9)}${'run'.padEnd(7)}${['wall', ...PARTS].map((p) => p.padStart(15)).join('')}   (ms; median)`);
for (const [row] of ROWS) for (const [name] of variants) console.log(`${row.padEnd(9)}${name.padEnd(7)}${['wall', ...PARTS].map((p) => med(row, name, p).toFixed(0).padStart(15)).join('')}`);
for (const [row] of ROWS.filter(([r]) => isWorkload(r))) {
  for (const [name] of CLIS) {
    const d = (k) => (med(row, name, k) - med(row, 'plain', k)) - (med('empty', name, k) - med('empty', 'plain', k));
    console.log(`${name} ${row}, running cost (profiled − plain, less the empty program's): CPU ${['cli', 'main', 'children'].reduce((s, k) => s + d(k), 0).toFixed(0)} ms = CLI ${d('cli').toFixed(0)} (while the program ran ${med(row, name, 'cliDuringRun').toFixed(0)}) `
      + `+ program's main process ${d('main').toFixed(0)} (main thread ${d('mainThread').toFixed(0)}, profiler thread ${d('profilerThread').toFixed(0)}, other threads ${d('otherThreads').toFixed(0)}) + other processes ${d('children').toFixed(0)}`);
  }
}
for (const [row] of ROWS.filter(([r]) => r !== 'empty' && !isWorkload(r))) {
  for (const [name] of CLIS) {
    const d = (k) => ((med(row, name, k) - med(row, 'plain', k)) - (med('empty', name, k) - med('empty', 'plain', k))) / count;
    const total = ['cli', 'main', 'children'].reduce((s, k) => s + d(k), 0);
    console.log(`${name} per extra ${row === 'children' ? 'process' : 'thread'}: CPU ${total.toFixed(0)} ms = CLI ${d('cli').toFixed(0)} + program's main process ${d('main').toFixed(0)} `
      + `(main thread ${d('mainThread').toFixed(0)}, profiler thread ${d('profilerThread').toFixed(0)}, other threads ${d('otherThreads').toFixed(0)}) + other processes ${d('children').toFixed(0)}; wall ${d('wall').toFixed(0)} ms`);
  }
}
rmSync(scratch, { recursive: true, force: true });
