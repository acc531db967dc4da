// Fixed costs of `concurrency-lens profile` (issue 12): what profiling adds to a program that does
// nothing, per extra child process, per extra worker thread, and behind npm (launchers).
// Each round runs every row as an alternating pair (plain, then profiled; the order flips every
// round); figures are medians over rounds of the pair's difference (profiled − plain wall time).
//   per extra process = (Δ children − Δ empty) / N, per extra thread = (Δ workers − Δ empty) / N,
//   launchers (npm + sh) = Δ npm − Δ empty.
// --compare DIR also times another build's CLI (DIR/dist/cli.js, e.g. the main branch built in a
// scratch folder) in the same rounds, so before → after is measured under the same load.
// Usage: node bench/fixedCost.mjs [--rounds N] [--count N] [--compare DIR] [row-name-substring…]
// Load averages are printed before and after: figures on a loaded machine show direction only.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCostArgs } from './lib/costArgs.mjs';
import { timedCommand } from './lib/timedCommand.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const WORKLOADS = join(ROOT, 'bench/workloads');

const { rounds, count, compare, filters } = parseCostArgs(process.argv.slice(2), { rounds: 7 });
for (const cli of [CLI, compare]) if (cli && !existsSync(cli)) { console.error(`${cli} missing: node scripts/build.mjs`); process.exit(1); }
/** The CLIs timed: this build ('after'), and the compared one ('before'). */
const CLIS = [['after', CLI], ...(compare ? [['before', compare]] : [])];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ROWS = [
  { name: 'empty', cwd: WORKLOADS, command: [process.execPath, 'empty.js'], profile: ['empty.js'] },
  // The same program as bench/run.mjs's per-thread/per-process rows: N started one after another.
  { name: 'children', cwd: WORKLOADS, command: [process.execPath, 'spawn-n.js', 'children', String(count)], profile: ['spawn-n.js', 'children', String(count)] },
  { name: 'workers', cwd: WORKLOADS, command: [process.execPath, 'spawn-n.js', 'workers', String(count)], profile: ['spawn-n.js', 'workers', String(count)] },
  { name: 'npm', cwd: join(WORKLOADS, 'npm-run'), command: [npm, 'run', '-s', 'empty'], profile: ['npm', 'run', '-s', 'empty'] },
].filter((r) => filters.length === 0 || filters.some((f) => r.name.includes(f)));

const scratch = mkdtempSync(join(tmpdir(), 'cl-fixedcost-'));
const env = { ...process.env };
delete env.NODE_OPTIONS;

const timeFile = join(scratch, 'time.txt');
const timed = (file, args, cwd) => timedCommand(file, args, { cwd, env, timeFile });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

console.log(`fixed costs — node ${process.version}, ${cpus().length} cores, ${rounds} rounds, N = ${count}; load average ${load()}`);
const results = new Map(ROWS.map((r) => [r.name, { plain: [], plainCpu: [], ...Object.fromEntries(CLIS.map(([k]) => [k, { profiled: [], delta: [], cpuDelta: [] }])) }]));
for (let round = 0; round < rounds; round++) {
  for (const row of ROWS) {
    const json = join(scratch, `${row.name}.json`);
    const runs = [['plain', () => timed(row.command[0], row.command.slice(1), row.cwd)],
      ...CLIS.map(([k, cli]) => [k, () => timed(process.execPath, [cli, 'profile', ...row.profile, '--json', json, '--quiet'], row.cwd)])];
    // Each round starts with the next variant: none always runs first (or right after another).
    const ms = {};
    for (let i = 0; i < runs.length; i++) { const [k, run] = runs[(i + round) % runs.length]; ms[k] = run(); }
    const res = results.get(row.name);
    res.plain.push(ms.plain[0]); res.plainCpu.push(ms.plain[1]);
    for (const [k] of CLIS) { res[k].profiled.push(ms[k][0]); res[k].delta.push(ms[k][0] - ms.plain[0]); res[k].cpuDelta.push(ms[k][1] - ms.plain[1]); }
  }
  process.stdout.write('.');
}
console.log(`\nload average after: ${load()}`);
const f = (x) => `${x.toFixed(0)} ms`;
for (const [name, r] of results) {
  for (const [k] of CLIS) {
    console.log(`${name.padEnd(9)} ${k.padEnd(6)} plain ${f(median(r.plain)).padStart(8)}  profiled ${f(median(r[k].profiled)).padStart(8)}  Δ wall ${f(median(r[k].delta)).padStart(7)}  Δ CPU ${f(median(r[k].cpuDelta)).padStart(7)}  (Δ wall per round: ${r[k].delta.map((d) => d.toFixed(0)).join(' ')})`);
  }
}
for (const [k] of CLIS) {
  if (!results.has('empty')) break;
  for (const [what, key] of [['wall', 'delta'], ['CPU', 'cpuDelta']]) {
    const d = (name) => (results.has(name) ? median(results.get(name)[k][key]) : NaN);
    const parts = [`fixed cost ${f(d('empty'))} (goal ≤ 120 ms)`];
    if (results.has('children')) parts.push(`per extra process ${f((d('children') - d('empty')) / count)} (goal ≤ 20 ms)`);
    if (results.has('workers')) parts.push(`per extra thread ${f((d('workers') - d('empty')) / count)} (goal ≤ 20 ms)`);
    if (results.has('npm')) parts.push(`npm + sh beyond the empty program ${f(d('npm') - d('empty'))}`);
    console.log(`${k} (${what}): ${parts.join(' · ')}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
