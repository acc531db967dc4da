// Where the CPU of a profiled server under load goes (issue 12), per thread, per request. Each run
// starts a server (plain `node server.js`, or profiled by one or more CLI builds), waits for its
// LISTENING line, loads it with autocannon (in this process: 20 connections, --seconds S), and
// reads every thread's CPU time (Linux /proc/<pid>/task/<tid>/schedstat, ns) just before and just
// after the load: what each part burnt while the server was saturated, divided by the requests
// served. Parts: the server's main thread (its schedstat, ns), the server's other threads (the
// process's CPU from /proc/<pid>/stat, 10 ms ticks, which keeps the time of threads that ended —
// V8's sampler thread is replaced when the sampling interval changes — minus the main thread's:
// the sampler, inspector I/O, libuv pool, V8's platform workers), the recorder CLI (all of its
// threads), and the load generator (this process). On a crowded 2-core machine req/s moves
// with the neighbours; CPU per request of each part is the figure that holds. Runs alternate
// variants in rounds, each round starting with the next variant; figures are medians over rounds.
// Variants: `plain`, `cli=<path to cli.js>` (label: `after` for this build, --compare's `before`),
// `off:<mechanism>` (this build with CONCURRENCY_LENS_MEASURE_OFF=<mechanism>; `a+b@us`: both off, sampled
// every us µs: a fixed interval, as the busy-server policy, which needs request recording, may not act) and `interval:<µs>`
// (this build with --sampling-interval µs: 1000000 is sampling all but off). `--rate R`: autocannon
// sends R requests/s in all (not as many as the server answers): every variant then does the same
// work at the same pace, which makes CPU per request comparable where a saturated server's is not
// (a starved server handles more requests per wake-up, each cheaper).
// `--node-args 'A;B'`: plain node with these options (space-separated; `;` between variants), e.g.
// `--cpu-prof --cpu-prof-interval 4000`: V8's profiler without the inspector, the issue's reference.
// `--pipelining N`: N requests in flight per connection (a crowded machine's server still gets
// hundreds a second, enough for the busy-server sampling policy to act).
// Usage: node bench/serverCpuSplit.mjs [--rounds N] [--seconds S] [--rate R] [--pipelining N] [--compare CLI.js] [--off a,b] [--intervals us,us] [--node-args 'A;B'] [--workload server-trivial|server-mix]
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, CLI, benchEnv } from './lib/timedRun.mjs';
import { loadServer } from './lib/serverLoad.mjs';
import { median } from './lib/stats.mjs';

const PATHS = { 'server-trivial': ['/'], 'server-mix': ['/fast', '/io', '/cpu', '/items/42'] };
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : def; };
const rounds = Number(opt('--rounds', 3));
const seconds = Number(opt('--seconds', 5));
const compare = opt('--compare');
const workload = opt('--workload', 'server-trivial');
const offs = (opt('--off', '') || '').split(',').filter(Boolean);
const intervals = (opt('--intervals', '') || '').split(',').filter(Boolean);
const rate = opt('--rate') ? Number(opt('--rate')) : undefined;
const pipelining = Number(opt('--pipelining', 1));
const nodeArgs = (opt('--node-args', '') || '').split(';').map((a) => a.trim()).filter(Boolean);
if (compare && !existsSync(compare)) { console.error(`${compare} missing`); process.exit(1); }
const variants = [
  { name: 'plain' },
  ...(compare ? [{ name: 'before', cli: resolve(compare) }] : []),
  { name: 'after', cli: CLI },
  // `--off a+b@us`: several mechanisms off at once (`+`), at a fixed sampling interval (`@`, µs).
  ...offs.map((o) => { const [off, us] = o.split('@'); return { name: `off:${o}`, cli: CLI, off: off.replace(/\+/g, ','), interval: us }; }),
  ...intervals.map((us) => ({ name: `interval:${us}`, cli: CLI, interval: us })),
  ...nodeArgs.map((a) => ({ name: `node:${a}`, nodeArgs: a.split(' ').filter(Boolean) })),
];
const scratch = mkdtempSync(join(tmpdir(), 'cl-servercpu-'));
const PARTS = ['mainThread', 'otherThreads', 'cli', 'loadGen'];
const TICK_NS = 1e7; // USER_HZ 100

/** ns on CPU of `pid`'s thread `tid` (schedstat). */
function threadNs(pid, tid) {
  try { return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]); } catch { return NaN; }
}

/** ns on CPU of the whole process, ended threads included (utime + stime, 10 ms ticks). */
function processNs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_NS;
  } catch { return NaN; }
}

/** Descendants of `pid` (children first). */
function descendants(pid) {
  const all = [];
  const walk = (p) => {
    for (const tid of (() => { try { return readdirSync(`/proc/${p}/task`); } catch { return []; } })()) {
      let kids = [];
      try { kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean); } catch { /* gone */ }
      for (const k of kids) { all.push(Number(k)); walk(k); }
    }
  };
  walk(pid);
  return all;
}

/** CPU ns per part now: the server process `server`, the CLI process (or none). */
function snapshot(server, cli) {
  const main = threadNs(server, server);
  const u = process.cpuUsage();
  return { mainThread: main, otherThreads: processNs(server) - main, cli: cli ? processNs(cli) : 0, loadGen: (u.user + u.system) * 1000 };
}

function runOnce(v) {
  const file = join(ROOT, 'bench/workloads', `${workload}.js`);
  const json = join(scratch, 'r.json');
  rmSync(json, { force: true });
  const env = benchEnv();
  if (v.off) env.CONCURRENCY_LENS_MEASURE_OFF = v.off;
  // --cpu-prof's file goes to the scratch directory (removed at the end).
  const plainArgs = v.nodeArgs ? [...v.nodeArgs, ...(v.nodeArgs.includes('--cpu-prof') ? ['--cpu-prof-dir', scratch] : []), file] : [file];
  const args = v.cli ? [v.cli, 'profile', ...(v.interval ? ['--sampling-interval', v.interval] : []), file, '--json', json, '--quiet'] : plainArgs;
  let before, after;
  const parts = (child) => {
    // The server: the program's process (the CLI's descendant running node), or the child itself.
    const server = v.cli ? descendants(child.pid).find((p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${workload}.js`); } catch { return false; } }) : child.pid;
    return () => snapshot(server, v.cli ? child.pid : undefined);
  };
  let read;
  const load = { pipelining, ...(rate ? { overallRate: rate } : {}), requests: PATHS[workload].map((path) => ({ path })) };
  return loadServer(v.name, args, env, seconds, load, { listening: (child) => { read = parts(child); before = read(); }, loaded: () => { after = read(); } }).then((result) => {
    const report = v.cli && existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : undefined;
    const total = result.requests.total;
    const perReq = Object.fromEntries(PARTS.map((p) => [p, (after[p] - before[p]) / 1000 / total]));
    return { rps: result.requests.average, total, perReq, interval: report?.program?.samplingIntervalMs, report };
  });
}

console.log(`${workload}${rate ? ` at ${rate} requests/s` : ''}${pipelining > 1 ? `, ${pipelining} pipelined per connection` : ''}: ${rounds} rounds × ${variants.map((v) => v.name).join(', ')}; ${seconds} s each; load at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const res = Object.fromEntries(variants.map((v) => [v.name, []]));
for (let i = 0; i < rounds; i++) {
  // Each round starts with the next variant: none always runs first.
  for (let j = 0; j < variants.length; j++) {
    const v = variants[(j + i) % variants.length];
    try { res[v.name].push(await runOnce(v)); process.stdout.write('.'); } catch (e) { process.stdout.write('x'); console.log(`\n${e.message}`); }
  }
}
process.stdout.write('\n');
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(8);
console.log(`${'variant'.padEnd(16)}${'req/s'.padStart(8)}${PARTS.map((p) => p.padStart(13)).join('')}${'server'.padStart(9)}${'all'.padStart(8)}  (µs CPU per request, medians; server = main + other)`);
for (const v of variants) {
  const rs = res[v.name];
  const m = (f) => median(rs.map(f));
  const row = PARTS.map((p) => fmt(m((r) => r.perReq[p])).padStart(13)).join('');
  const server = m((r) => r.perReq.mainThread + r.perReq.otherThreads);
  const all = m((r) => PARTS.reduce((a, p) => a + r.perReq[p], 0));
  const intervals = [...new Set(rs.map((r) => r.interval).filter((x) => x !== undefined))].join('/');
  console.log(`${v.name.padEnd(16)}${m((r) => r.rps).toFixed(0).padStart(8)}${row}${fmt(server)}${fmt(all)}${intervals ? `  sampled at ${intervals} ms` : ''}`);
}
// When each profiled run's server was switched to coarser sampling (the report's note), from the run's start; the load began once it listened.
for (const v of variants) {
  const notes = res[v.name].map((r) => r.report?.warnings?.find((w) => w.startsWith('sampled at'))?.replace(/^sampled at ([\d.]+ ms): pid \d+ from ([\d.]+ s) on.*/, '$1 from $2')).filter(Boolean);
  if (notes.length) console.log(`  ${v.name}: ${notes.join('; ')}`);
}
console.log(`load at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
rmSync(scratch, { recursive: true, force: true });
