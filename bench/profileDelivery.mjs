// What the way a profile is delivered costs per process and per thread (issue 12: the added
// cost per extra process or thread, goal ≤ 20 ms): the same programs as bench/fixedCost.mjs
// (empty; N children; N workers, started one after another), each run
//   plain    — no profiling;
//   cpu-prof — node --cpu-prof, V8's profiler started and written by Node itself, no inspector
//              (workers inherit it; spawned children do not, and Node 20 refuses it in NODE_OPTIONS:
//              its children row profiles the parent only, and says so);
//   session  — every thread profiles itself through an in-thread `inspector.Session`
//              (profileDelivery/sessionPreload.cjs): Profiler.start as it loads, the profile
//              written at its exit; no inspector port, no recorder, no instrumentation;
//   ours     — `concurrency-lens profile` (this build's dist/cli.js): the inspector per process,
//              the recorder's CDP connection, the probe, chunks, the analysis.
// in alternating order (each round starts with the next variant). Per extra process or thread
// = (Δ row − Δ empty) / N, Δ = variant − plain; medians over rounds, wall and CPU (GNU time:
// the CPU of every process the command waited for). What the first two cost is what a design
// that never goes through the inspector's port could reach; `ours` − `session` is what the
// port, the recorder's round trips and the probe cost on top.
// Usage: node bench/profileDelivery.mjs [--rounds N] [--count N] [row-filter…]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCostArgs } from './lib/costArgs.mjs';
import { timedCommand } from './lib/timedCommand.mjs';
import { median } from './lib/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const WORKLOADS = join(ROOT, 'bench/workloads');
const PRELOAD = join(ROOT, 'bench/profileDelivery/sessionPreload.cjs');
const { rounds, count, filters } = parseCostArgs(process.argv.slice(2), { rounds: 7 });
if (!existsSync(CLI)) { console.error(`${CLI} missing: node scripts/build.mjs`); process.exit(1); }

/** Rows: name, the program's arguments, the threads and processes a profile each is written for. */
const ROWS = [['empty', ['empty.js'], 1], ['children', ['spawn-n.js', 'children', String(count)], count + 1], ['workers', ['spawn-n.js', 'workers', String(count)], count + 1]]
  .filter(([name]) => name === 'empty' || filters.length === 0 || filters.some((f) => name.includes(f)));
const scratch = mkdtempSync(join(tmpdir(), 'cl-delivery-'));
const profiles = join(scratch, 'profiles');
const base = { ...process.env };
delete base.NODE_OPTIONS;
const VARIANTS = {
  plain: (args) => [process.execPath, args, base],
  'cpu-prof': (args) => [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...args], base],
  session: (args) => [process.execPath, args, { ...base, NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`, CL_BENCH_PROFILE_DIR: profiles }],
  ours: (args) => [process.execPath, [CLI, 'profile', ...args, '--json', join(scratch, 'report.json'), '--quiet'], base],
};
const NAMES = Object.keys(VARIANTS);

const timeFile = join(scratch, 'time.txt');
/** [wall ms, CPU ms (lib/timedCommand.mjs), profiles written]. */
function timed(file, args, env) {
  rmSync(profiles, { recursive: true, force: true });
  mkdirSync(profiles);
  return [...timedCommand(file, args, { cwd: WORKLOADS, env, timeFile }), readdirSync(profiles).length];
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`profile delivery — node ${process.version}, ${cpus().length} cores, ${rounds} rounds, N = ${count}; load average ${load()}`);
const res = new Map(ROWS.map(([name]) => [name, Object.fromEntries(NAMES.map((k) => [k, { wall: [], cpu: [], files: 0 }]))]));
for (let round = 0; round < rounds; round++) {
  for (const [name, args] of ROWS) {
    for (let i = 0; i < NAMES.length; i++) {
      const k = NAMES[(i + round) % NAMES.length];
      const [ms, cpu, files] = timed(...VARIANTS[k](args));
      const r = res.get(name)[k];
      r.wall.push(ms); r.cpu.push(cpu); r.files = files;
    }
  }
  process.stdout.write('.');
}
console.log(`\nload average after: ${load()}`);
const f = (x) => `${x.toFixed(1)} ms`.padStart(9);
// Δ of a variant in a row, per round (the same round's plain run), then its median.
const delta = (name, k, what) => median(res.get(name)[k][what].map((v, i) => v - res.get(name).plain[what][i]));
/** Whether every thread and process of the row was profiled by variant k (ours: its report says so). */
const complete = (name, k) => k === 'ours' || res.get(name)[k].files >= ROWS.find((r) => r[0] === name)[2];
for (const [name] of ROWS) {
  console.log(`${name.padEnd(9)} ${NAMES.map((k) => `${k} ${f(median(res.get(name)[k].wall))}${k === 'plain' ? '' : ` (Δ ${f(delta(name, k, 'wall'))}, Δ CPU ${f(delta(name, k, 'cpu'))})`}`).join('  ')}`);
  console.log(`${''.padEnd(9)} profiles written: ${NAMES.filter((k) => k === 'cpu-prof' || k === 'session').map((k) => `${k} ${res.get(name)[k].files} of ${ROWS.find((r) => r[0] === name)[2]}`).join(', ')}`);
}
for (const k of NAMES.slice(1)) {
  const parts = [`fixed ${f(delta('empty', k, 'wall'))} (CPU ${f(delta('empty', k, 'cpu'))})`];
  for (const [name, what] of [['children', 'process'], ['workers', 'thread']]) {
    if (!res.has(name)) continue;
    if (!complete(name, k)) { parts.push(`per extra ${what}: not every one profiled`); continue; }
    parts.push(`per extra ${what} ${f((delta(name, k, 'wall') - delta('empty', k, 'wall')) / count)} (CPU ${f((delta(name, k, 'cpu') - delta('empty', k, 'cpu')) / count)})`);
  }
  console.log(`${k.padEnd(9)} ${parts.join(' · ')}`);
}
rmSync(scratch, { recursive: true, force: true });
