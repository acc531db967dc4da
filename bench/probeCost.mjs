// What each mechanism of the recording costs the running program (issue 12). For each workload,
// rounds of alternating runs: plain `node workload.js`, then `concurrency-lens profile` once per
// variant (all on, then one mechanism off each: CONCURRENCY_LENS_MEASURE_OFF, see
// recorder/measureOff.ts; `sampler` = a 1 s sampling interval). Medians over rounds of
//   wall  the whole command, profiled / plain
//   work  the workload's own time (BENCH_MS), profiled / plain: the running cost, no start-up
//   cpu   user+sys CPU of the whole command (GNU time, children included), profiled / plain (and
//         the profiled median in ms: the `empty` workload's is the fixed part, start-up and analysis)
// Servers (server-trivial, server-mix): requests/s under autocannon (20 connections, --seconds S
// each), profiled / plain, instead of times. `--base DIR` adds the variant `base`: the profiled run
// with DIR/dist/cli.js (another build, e.g. the commit before a change).
// Usage: node bench/probeCost.mjs [--rounds N] [--seconds S] [--base DIR] [--variants all,sampler,chunks,…] [workload…]
// (a workload: a file of bench/workloads/ without .js, or a folder there run by its main.js: piscina-pool)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, availableParallelism } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const argv = process.argv.slice(2);
let rounds = 3;
let seconds = 5;
let baseCli;
let variants = ['all', 'sampler', 'chunks', 'instrument', 'ticks'];
const names = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--variants') variants = argv[++i].split(',');
  else if (argv[i] === '--seconds') seconds = Number(argv[++i]);
  else if (argv[i] === '--base') baseCli = resolve(argv[++i], 'dist/cli.js');
  else names.push(argv[i]);
}
if (baseCli) variants = ['base', ...variants.filter((v) => v !== 'base')];
const workloads = names.length ? names : ['http-fanout', 'timers', 'fs-churn', 'promise-storm'];
const scratch = mkdtempSync(join(tmpdir(), 'cl-probecost-'));
const baseEnv = { ...process.env };
delete baseEnv.NODE_OPTIONS;
delete baseEnv.CONCURRENCY_LENS_MEASURE_OFF;

function run(args, env) {
  const timeFile = join(scratch, 'time.txt');
  rmSync(timeFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}\n${r.stderr.slice(-2000)}`);
  const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  const m = /^BENCH_MS=([\d.]+)$/m.exec(r.stdout);
  return { wall, work: m ? Number(m[1]) : NaN, cpu: (u + s) * 1000 };
}

function profiledArgs(file, variant) {
  const env = { ...baseEnv };
  const args = [variant === 'base' ? baseCli : CLI, 'profile', file, '--json', join(scratch, 'r.json'), '--quiet'];
  if (variant === 'sampler') args.splice(2, 0, '--sampling-interval', '1000000');
  else if (variant !== 'all' && variant !== 'base') env.CONCURRENCY_LENS_MEASURE_OFF = variant;
  return { args, env };
}

function profiled(file, variant) {
  const { args, env } = profiledArgs(file, variant);
  const r = run(args, env);
  const report = JSON.parse(readFileSync(join(scratch, 'r.json'), 'utf8'));
  r.interval = report.program?.samplingIntervalMs;
  return r;
}

const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); const m = s.length >> 1; return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
console.log(`node ${process.version}, ${rounds} rounds; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
// Seen at load 10–30 on 2 cores: fs-churn's profiled own time came out 0.5–0.9× its plain one in
// most variants and rounds (the share of the machine each run gets swamps the recording's cost).
if (loadavg()[0] > availableParallelism()) console.log(`load above ${availableParallelism()} cores: wall and work ratios are not meaningful here (profiled runs have come out faster than plain ones); compare cpu`);
const autocannon = createRequire(import.meta.url)('autocannon');
const SERVER_PATHS = { 'server-trivial': ['/'], 'server-mix': ['/fast', '/io', '/cpu', '/items/42'] };

/**
 * Starts a server (`node <args>` under GNU time), loads it for `seconds` with autocannon, SIGINTs
 * it: requests/s, and CPU µs per request of the whole command (user + sys, children included: a
 * figure a crowded machine changes far less than requests/s).
 */
function serve(args, env, paths) {
  const timeFile = join(scratch, 'serve-time.txt');
  rmSync(timeFile, { force: true });
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // GNU time ignores SIGINT while it waits: the signal goes to node itself.
    const node = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0]);
    let out = '', err = '', rps, total = 0;
    child.stderr.on('data', (c) => { err += c; });
    child.stdout.on('data', (c) => {
      out += c;
      const m = /LISTENING (\d+)/.exec(out);
      if (!m || rps !== undefined) return;
      rps = NaN;
      autocannon({ url: `http://127.0.0.1:${m[1]}`, connections: 20, duration: seconds, requests: paths.map((path) => ({ path })) }, (e, r) => {
        if (e) { child.kill('SIGKILL'); reject(e); return; }
        rps = r.requests.average;
        total = r.requests.total;
        process.kill(node(), 'SIGINT');
      });
    });
    child.on('exit', () => {
      if (!Number.isFinite(rps)) { reject(new Error(`${args.join(' ')}: ${err.slice(-2000)}`)); return; }
      const [u, s] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolvePromise({ rps, cpuUsPerReq: ((u + s) * 1e6) / total });
    });
  });
}

for (const w of workloads) {
  // A workload is a file, or a folder run by its main.js (piscina-pool).
  const main = join(ROOT, 'bench/workloads', w, 'main.js');
  const file = existsSync(main) ? main : join(ROOT, 'bench/workloads', `${w}.js`);
  if (SERVER_PATHS[w]) {
    const ratios = Object.fromEntries(variants.map((v) => [v, { rps: [], cpu: [] }]));
    const plainCpu = [];
    for (let i = 0; i < rounds; i++) {
      for (const v of variants) {
        const plain = await serve([file], baseEnv, SERVER_PATHS[w]);
        const { args, env } = profiledArgs(file, v);
        const prof = await serve(args, env, SERVER_PATHS[w]);
        plainCpu.push(plain.cpuUsPerReq);
        ratios[v].rps.push(prof.rps / plain.rps);
        ratios[v].cpu.push(prof.cpuUsPerReq / plain.cpuUsPerReq);
      }
    }
    console.log(`${w} (profiled / plain, ${seconds} s under autocannon; plain ${median(plainCpu).toFixed(0)} µs CPU per request; load ${loadavg()[0].toFixed(2)})`);
    for (const v of variants) {
      const r = ratios[v];
      console.log(`  ${(v === 'all' ? 'all on' : v === 'base' ? 'base build' : `${v} off`).padEnd(16)} req/s ${(median(r.rps) * 100).toFixed(1)} %  CPU per request ${median(r.cpu).toFixed(3)}×  [req/s ${r.rps.map((x) => (x * 100).toFixed(0)).join(' ')}]`);
    }
    continue;
  }
  const ratios = Object.fromEntries(variants.map((v) => [v, { wall: [], work: [], cpu: [], cpuMs: [] }]));
  const plainWork = [];
  const plainCpuMs = [];
  let interval;
  for (let i = 0; i < rounds; i++) {
    for (const v of variants) {
      const p = run([file], baseEnv);
      const q = profiled(file, v);
      plainWork.push(p.work);
      plainCpuMs.push(p.cpu);
      ratios[v].cpuMs.push(q.cpu);
      if (v === 'all') interval = q.interval;
      for (const k of ['wall', 'work', 'cpu']) ratios[v][k].push(q[k] / p[k]);
    }
  }
  console.log(`${w} (plain work ${median(plainWork).toFixed(0)} ms, plain CPU ${median(plainCpuMs).toFixed(0)} ms${interval ? `, sampled at ${interval} ms` : ''}; load ${loadavg()[0].toFixed(2)})`);
  for (const v of variants) {
    const r = ratios[v];
    console.log(`  ${(v === 'all' ? 'all on' : v === 'base' ? 'base build' : `${v} off`).padEnd(16)} wall ${median(r.wall).toFixed(3)}×  work ${median(r.work).toFixed(3)}×  cpu ${median(r.cpu).toFixed(3)}× (${median(r.cpuMs).toFixed(0)} ms)`);
  }
}
rmSync(scratch, { recursive: true, force: true });
