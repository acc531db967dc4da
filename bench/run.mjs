// `npm run bench`: overhead of `concurrency-lens profile` on ~2 s workloads and on an empty program.
// For each workload, ≥ 5 alternating pairs (plain `node workload.js`, then the profiled run
// `node dist/cli.js profile workload.js --json …`) are timed; ratios are medians over pairs of
//   - wall: the whole command, start to exit (what a user waits for), and
//   - work: the workload's own in-process time (it prints BENCH_MS=…), i.e. the instrumentation's cost
//     on the running program without start-up and analysis.
// Peak RSS: GNU time's %M of the plain program, and of the profiled run (the largest of the CLI and
// the program), plus the report's program.maxRssKb.
// Usage: node bench/run.mjs [--pairs N] [workload-name-substring…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const argv = process.argv.slice(2);
let pairs = 5;
const filters = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--pairs') pairs = Math.max(1, Number(argv[++i]));
  else filters.push(argv[i]);
}

// kind decides the goal: io → ≤ 1.15×, storm → ≤ 2×, empty → ≤ 400 ms fixed cost, info → none.
const WORKLOADS = [
  { name: 'empty', file: 'empty.js', kind: 'empty', what: 'empty program' },
  { name: 'http-fanout', file: 'http-fanout.js', kind: 'io', what: '2,000 GETs, 25 in flight, 20 ms server latency' },
  { name: 'timers', file: 'timers.js', kind: 'io', what: '200 loops × 180 awaited 10 ms timers' },
  { name: 'fs-churn', file: 'fs-churn.js', kind: 'io', what: '6,000 × write/read/stat/unlink, 16 in flight' },
  { name: 'promise-storm', file: 'promise-storm.js', kind: 'storm', what: '10M async calls awaiting = 20M promises' },
  { name: 'cpu (info)', file: 'cpu.js', kind: 'info', what: 'fib(27) × 320 in 40 setImmediate chunks (no goal in the issue)' },
].filter((w) => filters.length === 0 || filters.some((f) => w.name.includes(f)));

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const scratch = mkdtempSync(join(tmpdir(), 'cl-bench-'));
const env = { ...process.env };
delete env.NODE_OPTIONS;
delete env.UV_THREADPOOL_SIZE;

/** Runs a command under GNU time (if present); returns wall ms, exit status, stdout, peak RSS. */
function timed(args) {
  const timeFile = join(scratch, 'time.txt');
  rmSync(timeFile, { force: true });
  const [file, fileArgs] = TIME_BIN
    ? [TIME_BIN, ['-f', '%M', '-o', timeFile, process.execPath, ...args]]
    : [process.execPath, args];
  const t0 = performance.now();
  const r = spawnSync(file, fileArgs, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000 });
  const wallMs = performance.now() - t0;
  const rssKb = existsSync(timeFile) ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : NaN;
  const m = /^BENCH_MS=([\d.]+)$/m.exec(r.stdout ?? '');
  return { wallMs, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', workMs: m ? Number(m[1]) : NaN, rssKb };
}

function fail(what, r) {
  console.error(`\n${what} failed (status ${r.status}, signal ${r.signal})`);
  console.error(r.stderr.slice(-3000) || r.stdout.slice(-3000));
}

if (!existsSync(CLI)) {
  console.log('dist/cli.js missing: building…');
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0 || !existsSync(CLI)) {
    console.error('build failed or produced no dist/cli.js: the profiling engine (cli/main.ts) is needed for the bench');
    process.exit(1);
  }
}

console.log(`Concurrency Lens benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${pairs} alternating pairs per workload`);
console.log(TIME_BIN ? 'peak RSS from GNU time (%M)' : 'no /usr/bin/time: peak RSS of the profiled program from the report only');
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (figures are only comparable on an otherwise idle machine)`);

const results = [];
let failures = 0;
for (const w of WORKLOADS) {
  const file = join(ROOT, 'bench/workloads', w.file);
  const jsonPath = join(scratch, `${w.name}.json`);
  const row = { ...w, plainWall: [], profWall: [], plainWork: [], profWork: [], plainRss: [], profRss: [], reportRss: [], reportWall: [], dropped: null, findings: null, errors: [] };
  process.stdout.write(`${w.name.padEnd(14)} `);
  // A failed profiled run is reported and the pair is skipped; more failures than half the pairs end the workload.
  for (let i = 0, failed = 0; i < pairs + failed && failed <= pairs / 2; i++) {
    const plain = timed([file]);
    if (plain.status !== 0) { fail(`plain ${w.name}`, plain); row.errors.push('plain run failed'); break; }
    rmSync(jsonPath, { force: true });
    const prof = timed([CLI, 'profile', file, '--json', jsonPath]);
    if (prof.status !== 0 || !existsSync(jsonPath)) {
      fail(`profiled ${w.name}`, prof);
      let why = prof.status !== 0 ? `profiled run exited ${prof.status ?? prof.signal}` : 'no report written';
      try { const rep = JSON.parse(readFileSync(jsonPath, 'utf8')); if (rep.program?.signal) why += ` (program killed by ${rep.program.signal})`; } catch { /* no report */ }
      row.errors.push(why);
      failed++;
      process.stdout.write('x');
      continue;
    }
    let report = null;
    try { report = JSON.parse(readFileSync(jsonPath, 'utf8')); } catch (e) { row.errors.push(`report unreadable: ${e.message}`); }
    if (!w.kind.startsWith('empty') && !Number.isFinite(prof.workMs)) row.errors.push('workload output (BENCH_MS) missing from the profiled run');
    row.plainWall.push(plain.wallMs);
    row.profWall.push(prof.wallMs);
    row.plainWork.push(plain.workMs);
    row.profWork.push(prof.workMs);
    row.plainRss.push(plain.rssKb);
    row.profRss.push(prof.rssKb);
    row.reportRss.push(report?.program?.maxRssKb ?? NaN);
    row.reportWall.push(report?.program?.wallMs ?? NaN);
    row.dropped = report?.spans?.dropped ?? row.dropped;
    row.findings = report?.findings?.map((f) => f.kind) ?? row.findings;
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const ratios = (a, b) => a.map((x, i) => b[i] / x);
  row.wallRatio = median(ratios(row.plainWall, row.profWall));
  row.workRatio = median(ratios(row.plainWork, row.profWork));
  row.fixedCostMs = median(row.profWall.map((x, i) => x - row.plainWall[i]));
  row.runs = row.profWall.length;
  row.med = {
    plainWall: median(row.plainWall), profWall: median(row.profWall), plainWork: median(row.plainWork), profWork: median(row.profWork),
    plainRss: median(row.plainRss), profRss: median(row.profRss), reportRss: median(row.reportRss), reportWall: median(row.reportWall),
  };
  if (row.errors.length) failures++;
  results.push(row);
}

// Net ratio: the profiled wall minus the empty program's fixed cost, over the plain wall — the overhead that grows
// with the work, separated from start-up/attach/analysis.
const fixed = results.find((r) => r.kind === 'empty')?.fixedCostMs;
for (const r of results) {
  r.netRatio = Number.isFinite(fixed) && r.kind !== 'empty'
    ? median(r.profWall.map((x, i) => (x - fixed) / r.plainWall[i])) : NaN;
}

// ---- table ----
const fmtMs = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : '—');
const fmtX = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const fmtMb = (kb) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : '—');
const verdict = (ok) => (ok === null ? '' : ok ? 'PASS' : 'FAIL');
function goalOf(r) {
  if (r.runs === 0) return { goal: '—', wall: null, work: null };
  if (r.kind === 'empty') return { goal: '≤ 400 ms fixed', wall: r.fixedCostMs <= 400, work: null };
  if (r.kind === 'info') return { goal: 'info', wall: null, work: null };
  const limit = r.kind === 'storm' ? 2 : 1.15;
  return { goal: `≤ ${limit}×`, wall: r.wallRatio <= limit, work: Number.isFinite(r.workRatio) ? r.workRatio <= limit : null };
}
const header = ['workload', 'pairs', 'plain wall', 'profiled wall', 'wall ratio', 'net ratio', 'plain work', 'profiled work', 'work ratio', 'RSS plain', 'RSS profiled*', 'RSS in report', 'goal', 'wall', 'work'];
const rows = results.map((r) => {
  const g = goalOf(r);
  return [
    r.name, `${r.runs}${r.errors.length ? `+${r.errors.length}✗` : ''}`,
    fmtMs(r.med.plainWall), fmtMs(r.med.profWall),
    r.kind === 'empty' ? `+${fmtMs(r.fixedCostMs)}` : fmtX(r.wallRatio),
    r.kind === 'empty' ? '—' : fmtX(r.netRatio),
    r.kind === 'empty' ? '—' : fmtMs(r.med.plainWork), r.kind === 'empty' ? '—' : fmtMs(r.med.profWork), r.kind === 'empty' ? '—' : fmtX(r.workRatio),
    fmtMb(r.med.plainRss), fmtMb(r.med.profRss), fmtMb(r.med.reportRss),
    g.goal, r.runs === 0 ? 'ERROR' : verdict(g.wall), verdict(g.work),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log('');
console.log('wall = whole command (profiled: the CLI from start to exit, analysis and report included); work = the workload\'s own');
console.log('in-process time (BENCH_MS); ratio = median over pairs of profiled/plain; empty: median of (profiled − plain) wall;');
console.log('net ratio = (profiled wall − the empty program\'s fixed cost) / plain wall. Goals are checked on wall and work ratios.');
console.log('pairs = successful pairs (+N✗ = profiled runs that failed, listed below).');
console.log('* RSS profiled = GNU time over the CLI: the larger of the CLI and the program. RSS in report = program.maxRssKb.');
for (const r of results) {
  console.log(`  ${r.name.padEnd(14)} ${r.what}` + (r.dropped ? `; dropped ${JSON.stringify(r.dropped)}` : '') + (r.findings?.length ? `; findings: ${[...new Set(r.findings)].join(', ')}` : ''));
  for (const e of r.errors) console.log(`    error: ${e}`);
}

console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const out = join(tmpdir(), 'cl-bench-results.json');
writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, pairs, results }, null, 2));
console.log(`\nraw figures: ${out}`);
rmSync(scratch, { recursive: true, force: true });

// Servers under autocannon (requests/s, p99), written separately.
const servers = join(ROOT, 'bench/servers.mjs');
if (filters.length === 0 || filters.some((f) => f.includes('server'))) {
  const r = spawnSync(process.execPath, [servers, '--pairs', String(Math.min(pairs, 3))], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) failures++;
}

// The render benchmark (Chromium), written separately.
const render = join(ROOT, 'bench/render.mjs');
if (existsSync(render)) {
  console.log('\n== render benchmark (bench/render.mjs) ==');
  const r = spawnSync(process.execPath, [render], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) failures++;
}
process.exit(failures ? 1 : 0);
