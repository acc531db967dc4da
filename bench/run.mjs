// `npm run bench`: every figure of issue 12's goals table, measured in one run, next to its goal:
//   figure | plain | profiled | measured | goal | met?
// Workloads (bench/lib/workloads.mjs) run in alternating plain/profiled pairs, round-robin over the
// workloads (so a change in the machine's load reaches all of them alike); figures are medians over
// pairs: whole-command wall ratios (profiled/plain per pair), fixed cost (profiled − plain), the slope
// of that cost per extra thread/process, the profiler CLI's own peak RSS. Then the servers under
// autocannon (bench/servers.mjs) and the timeline's render benchmark (bench/render.mjs, Chromium).
// The goals and how each row is computed: bench/lib/goals.mjs.
// Usage: node bench/run.mjs [--pairs N] [--only SUBSTRING]… [--json FILE] [--seconds S (servers)] [--sampling-interval US]
//   --only: rows whose id or figure contains SUBSTRING (case-insensitive); the other rows print as "not run".
//   --sampling-interval: profiled runs sample every US µs (the CLI's option: the sampling policy is then
//   off), to measure what another default interval would cost; the header says so.
// Exit code: 0 when everything selected was measured (met or not), 1 when a run failed, 2 for bad usage.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/stats.mjs';
import { formatTable } from './lib/table.mjs';
import { fmtRatio, fmtMb, fmtMs, fmtRate } from './lib/format.mjs';
import { ROOT, CLI, timedRun, hasGnuTime } from './lib/timedRun.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { buildFloorPreload } from './lib/floorPreload.mjs';
import { GOALS } from './lib/goals.mjs';
import { SERVERS, SERVER_FLOOR_INTERVAL_US, floorIntervalText, runServerBench } from './servers.mjs';
import { runRenderBench, renderBenchUnavailable } from './render.mjs';

const USAGE = 'usage: node bench/run.mjs [--pairs N] [--only SUBSTRING]… [--json FILE] [--seconds S] [--sampling-interval US] [--no-floor]';
const opts = { pairs: 5, only: [], json: null, seconds: 5, samplingIntervalUs: null, floor: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = argv[i + 1];
  if (a === '--pairs' && Number(v) >= 1) { opts.pairs = Math.floor(Number(v)); i++; }
  else if (a === '--seconds' && Number(v) >= 1) { opts.seconds = Number(v); i++; }
  else if (a === '--only' && v) { opts.only.push(v.toLowerCase()); i++; }
  else if (a === '--json' && v) { opts.json = v; i++; }
  else if (a === '--sampling-interval' && Number.isInteger(Number(v)) && Number(v) >= 50) { opts.samplingIntervalUs = Number(v); i++; }
  else if (a === '--no-floor') opts.floor = false;
  else { console.error(`${USAGE}\nbad argument: ${a}`); process.exit(2); }
}
const selected = GOALS.filter((g) => opts.only.length === 0 || opts.only.some((s) => g.id.toLowerCase().includes(s) || g.figure.toLowerCase().includes(s)));
if (selected.length === 0) { console.error(`--only ${opts.only.join(', ')} matches no row; rows: ${GOALS.map((g) => g.id).join(', ')}`); process.exit(2); }
const needs = new Set(selected.flatMap((g) => g.needs));
/** More of the CLI's options for every profiled run. */
const profileArgs = opts.samplingIntervalUs === null ? [] : ['--sampling-interval', String(opts.samplingIntervalUs)];

if (!existsSync(CLI)) {
  console.log('dist/cli.js missing: building…');
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0 || !existsSync(CLI)) { console.error('build failed or produced no dist/cli.js'); process.exit(1); }
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const startedAt = new Date();
const loadAtStart = load();
console.log(`Concurrency Lens benchmark — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${opts.pairs} alternating pairs per workload`);
console.log(`load average at start: ${loadAtStart} (figures are only comparable on an otherwise idle machine)`);
if (opts.samplingIntervalUs !== null) console.log(`profiled runs sample every ${opts.samplingIntervalUs} µs (--sampling-interval: the sampling policy is off), not the CLI's default`);
if (process.env.NODE_EXTRA_CA_CERTS && Number(process.versions.node.split('.')[0]) < 22) {
  console.log(`NODE_EXTRA_CA_CERTS is set: node ${process.version} reads its certificates as every process starts (Node 22+ only when TLS needs them),`);
  console.log('and a profiled run starts node twice (the CLI, then the program): the "NODE_EXTRA_CA_CERTS unset" row is the fixed cost without it');
}
if (!hasGnuTime) console.log('no /usr/bin/time: programs\' peak RSS and CPU not measured');

// ---- workloads: round-robin, alternating plain/profiled ----
const scratch = mkdtempSync(join(tmpdir(), 'cl-bench-'));
// The floor: each round also runs the program with V8's profiler alone (bench/lib/v8Floor.ts), at
// the CLI's base interval, right after its plain run.
const floor = opts.floor ? { preload: buildFloorPreload(scratch), dir: join(scratch, 'floor'), intervalUs: opts.samplingIntervalUs } : null;
const summaries = {};
const runs = WORKLOADS.filter((w) => needs.has(w.id)).map((w) => ({
  w, ok: 0, failed: 0, broken: false, errors: [], plain: [], floor: [], profiled: [], reports: [],
}));
if (floor && runs.length) console.log(`each round also runs the program under V8's profiler alone (the floor: bench/lib/v8Floor.ts), at ${floor.intervalUs === null ? 'the CLI\'s base interval' : `${floor.intervalUs} µs`} in every process and thread but launchers`);
const active = (r) => !r.broken && r.ok < opts.pairs && r.failed <= opts.pairs / 2;
for (let round = 1; runs.some(active); round++) {
  process.stdout.write(`round ${round}:`);
  for (const r of runs.filter(active)) {
    process.stdout.write(` ${r.w.id}`);
    const jsonPath = join(scratch, `${r.w.id}.json`);
    const plain = await timedRun(r.w, { scratch });
    const plainOk = r.w.sameStatus ? plain.status !== null : plain.status === 0;
    if (!plainOk) { r.broken = true; r.errors.push(`plain run failed: ${describeExit(plain)}\n${tail(plain)}`); process.stdout.write('✗'); continue; }
    let under = null;
    if (floor) {
      under = await timedRun(r.w, { scratch, floor });
      if (under.status !== plain.status || under.floorProfiles === 0) {
        r.errors.push(`floor run ${under.status !== plain.status ? `exited ${describeExit(under)}, plain ${plain.status}` : 'wrote no profile'}\n${tail(under)}`);
        under = null;
      }
    }
    rmSync(jsonPath, { force: true });
    const prof = await timedRun(r.w, { scratch, profiledJson: jsonPath, profileArgs });
    const profOk = prof.status === plain.status && existsSync(jsonPath);
    if (!profOk) {
      r.failed++;
      r.errors.push(`profiled run ${prof.status === plain.status ? 'wrote no report' : `exited ${describeExit(prof)}, plain ${plain.status}`}\n${tail(prof)}`);
      process.stdout.write('✗');
      continue;
    }
    let report = null;
    try { report = JSON.parse(readFileSync(jsonPath, 'utf8')); } catch (e) { r.errors.push(`report unreadable: ${e.message}`); }
    r.ok++;
    r.plain.push(plain);
    r.floor.push(under ?? { wallMs: NaN, workMs: NaN, cpuMs: NaN, floorProfiles: 0 });
    r.profiled.push(prof);
    r.reports.push({ programMaxRssKb: report?.program?.maxRssKb ?? null, dropped: report?.spans?.dropped ?? null, findings: [...new Set(report?.findings?.map((f) => f.kind) ?? [])] });
    process.stdout.write('.');
  }
  process.stdout.write('\n');
}
for (const r of runs) summaries[r.w.id] = summarize(r);

function describeExit(x) { return x.error ? x.error : x.status !== null ? `status ${x.status}` : `signal ${x.signal}`; }
function tail(x) { return (x.stderr.trim() || x.stdout.trim()).slice(-1500); }

function summarize(r) {
  const col = (runsOf, k) => runsOf.map((x) => x[k]);
  const plainWall = col(r.plain, 'wallMs'), profWall = col(r.profiled, 'wallMs');
  const plainWork = col(r.plain, 'workMs'), profWork = col(r.profiled, 'workMs');
  const floorWall = col(r.floor, 'wallMs'), floorWork = col(r.floor, 'workMs');
  return {
    id: r.w.id, what: r.w.what, cmd: r.w.cmd, pairs: r.ok, failedProfiled: r.failed, brokenPlain: r.broken, errors: r.errors,
    usable: r.ok > 0,
    wallRatio: median(plainWall.map((x, i) => profWall[i] / x)),
    workRatio: median(plainWork.map((x, i) => profWork[i] / x)),
    cpuRatio: median(r.plain.map((x, i) => r.profiled[i].cpuMs / x.cpuMs)),
    deltaMs: median(plainWall.map((x, i) => profWall[i] - x)),
    // V8's profiler alone, against the same round's plain run (NaN: no floor, or its run failed).
    floor: {
      wallRatio: median(plainWall.map((x, i) => floorWall[i] / x)),
      workRatio: median(plainWork.map((x, i) => floorWork[i] / x)),
      cpuRatio: median(r.plain.map((x, i) => r.floor[i].cpuMs / x.cpuMs)),
      deltaMs: median(plainWall.map((x, i) => floorWall[i] - x)),
      wall: median(floorWall), work: median(floorWork), cpuMs: median(col(r.floor, 'cpuMs')), profiles: median(col(r.floor, 'floorProfiles')),
    },
    med: {
      plainWall: median(plainWall), profWall: median(profWall), plainWork: median(plainWork), profWork: median(profWork),
      plainCpuMs: median(col(r.plain, 'cpuMs')), profCpuMs: median(col(r.profiled, 'cpuMs')),
      plainRssKb: median(col(r.plain, 'rssKb')), profRssKb: median(col(r.profiled, 'rssKb')),
      cliRssKb: median(col(r.profiled, 'cliRssKb')), cliCpuMs: median(col(r.profiled, 'cliCpuMs')),
      programMaxRssKb: median(r.reports.map((x) => x.programMaxRssKb ?? NaN)),
    },
    maxCliRssKb: Math.max(...col(r.profiled, 'cliRssKb').filter(Number.isFinite), -Infinity),
    runs: { plainWall, profWall, floorWall, plainWork, profWork, floorWork, plainCpuMs: col(r.plain, 'cpuMs'), profCpuMs: col(r.profiled, 'cpuMs'), plainRssKb: col(r.plain, 'rssKb'), profRssKb: col(r.profiled, 'rssKb'), cliRssKb: col(r.profiled, 'cliRssKb'), cliCpuMs: col(r.profiled, 'cliCpuMs') },
    reports: r.reports,
  };
}

// ---- servers ----
let failures = runs.filter((r) => r.errors.length).length;
const serverIds = SERVERS.map((s) => s.id).filter((id) => needs.has(id));
if (serverIds.length) {
  const pairs = Math.min(opts.pairs, 3);
  console.log(`servers under autocannon (${pairs} alternating pairs, ${opts.seconds} s each${floor ? `, each pair also under V8's profiler alone, ${floorIntervalText(floor.intervalUs ?? SERVER_FLOOR_INTERVAL_US)}` : ''}):`);
  for (const s of await runServerBench({ pairs, seconds: opts.seconds, only: serverIds, profileArgs, floor })) {
    summaries[s.id] = { ...s, usable: s.pairs > 0 };
    if (s.failed || s.floorFailed) failures++;
  }
}
rmSync(scratch, { recursive: true, force: true });

// ---- render ----
if (needs.has('render')) {
  const missing = renderBenchUnavailable();
  if (missing) summaries.render = { usable: false, errors: [missing] };
  else {
    console.log('render benchmark (Chromium):');
    try { summaries.render = { ...(await runRenderBench({ log: (s) => console.log(s.replace(/^/gm, '  ')) })), usable: true, errors: [] }; }
    catch (e) { summaries.render = { usable: false, errors: [String(e?.message ?? e)] }; }
  }
  if (!summaries.render.usable) failures++;
}

// ---- the table ----
const rows = GOALS.map((g) => {
  if (!selected.includes(g)) return { id: g.id, figure: g.figure, goal: g.goal, status: 'not run' };
  const missing = g.needs.filter((n) => !summaries[n]?.usable);
  if (missing.length) return { id: g.id, figure: g.figure, goal: g.goal, status: 'error', error: `no figures from ${missing.join(', ')}` };
  const c = g.compute(summaries);
  return { id: g.id, figure: g.figure, goal: g.goal, ...c, status: c.met === null ? 'info' : c.met ? 'yes' : 'NO' };
});
console.log('');
console.log(formatTable(['figure', 'plain', 'profiled', 'measured', 'V8 profiler alone', 'goal', 'met?'],
  rows.map((r) => [r.figure, r.plain ?? '—', r.profiled ?? '—', r.measured ?? '—', r.floor ?? '—', r.goal, r.floorMet === false ? `${r.status} (V8 alone: NO)` : r.status]), [, , , , , 'l', 'l']));
console.log('');
const beyondFloor = rows.filter((r) => r.floorMet === false);
if (beyondFloor.length) {
  console.log(`V8's profiler alone misses ${beyondFloor.length === 1 ? 'this goal' : `these ${beyondFloor.length} goals`} here too, so no tool built on it meets ${beyondFloor.length === 1 ? 'it' : 'them'} on this machine and Node:`);
  for (const r of beyondFloor) console.log(`  ${r.figure}: V8's profiler alone ${r.floor}, goal ${r.goal}`);
  console.log('');
}
console.log('plain/profiled: medians of the whole command\'s wall time (profiled: the CLI from start to exit, analysis and report');
console.log('included). Ratios: median over pairs of profiled/plain; costs: median over pairs of profiled − plain; per extra');
console.log('thread/process: (that cost with them − the empty program\'s) / their number. Profiler RSS: the CLI process alone.');
console.log('V8 profiler alone (the floor): the same figure for the program run with only V8\'s CPU profiler, in every process and');
console.log('thread but launchers, started and stopped in process (bench/lib/v8Floor.ts): what any V8-profiler-based tool costs there;');
console.log('a server\'s sampled as the recorder samples a saturated server (its req/s / plain\'s, the same pair).');
console.log('Below: the program\'s own time (BENCH_MS), CPU (user+sys of every process, GNU time: holds up better than wall time on');
console.log('a loaded machine), the program\'s peak RSS and the profiler CLI\'s own peak RSS and CPU, medians.');
for (const s of Object.values(summaries)) {
  if (!s.id || !s.cmd) continue;
  const notes = [`${s.pairs} pair${s.pairs === 1 ? '' : 's'}${s.failedProfiled ? ` (+${s.failedProfiled} failed)` : ''}`];
  if (Number.isFinite(s.workRatio)) notes.push(`program's own time ${fmtMs(s.med.plainWork)} → ${fmtMs(s.med.profWork)} (${fmtRatio(s.workRatio)})`);
  if (Number.isFinite(s.cpuRatio)) notes.push(`CPU, all processes ${fmtMs(s.med.plainCpuMs)} → ${fmtMs(s.med.profCpuMs)} (${fmtRatio(s.cpuRatio)})`);
  if (Number.isFinite(s.floor.wallRatio)) {
    const own = Number.isFinite(s.floor.workRatio) ? `, own time ${fmtRatio(s.floor.workRatio)}` : '';
    notes.push(`V8 profiler alone: ${fmtMs(s.floor.wall)} (${fmtRatio(s.floor.wallRatio)}${own}, CPU ${fmtRatio(s.floor.cpuRatio)}; ${s.floor.profiles} profile${s.floor.profiles === 1 ? '' : 's'} a run)`);
  }
  notes.push(`peak RSS: program ${fmtMb(s.med.plainRssKb)} plain, profiler CLI ${fmtMb(s.med.cliRssKb)} (CPU ${fmtMs(s.med.cliCpuMs)})`);
  const dropped = s.reports.find((x) => x.dropped && Object.values(x.dropped).some(Boolean))?.dropped;
  if (dropped) notes.push(`dropped ${JSON.stringify(dropped)}`);
  console.log(`  ${s.id.padEnd(14)} ${s.what}; ${notes.join('; ')}`);
}
for (const s of Object.values(summaries)) {
  if (!SERVERS.some((x) => x.id === s.id) || !s.usable) continue;
  const alone = Number.isFinite(s.floorRatio) ? `; V8 profiler alone ${fmtRate(s.floorRps)}, p99 ${fmtMs(s.floorP99)}` : '';
  console.log(`  ${s.id.padEnd(14)} ${s.what}; ${s.pairs} pair${s.pairs === 1 ? '' : 's'}; p99 latency ${fmtMs(s.plainP99)} → ${fmtMs(s.profP99)}${alone}; requests the report counted (± autocannon's count): ${s.counted}; request errors ${s.requestErrors}`);
}
for (const s of Object.values(summaries)) for (const e of s.errors ?? []) console.log(`  error (${s.id ?? 'render'}): ${e}`);
for (const r of rows) if (r.error) console.log(`  ${r.id}: ${r.error}`);
const loadAtEnd = load();
console.log(`load average at end: ${loadAtEnd}`);

if (opts.json) {
  writeFileSync(opts.json, JSON.stringify({
    date: startedAt.toISOString(), node: process.version, cores: cpus().length, cpuModel: cpus()[0]?.model, pairs: opts.pairs,
    only: opts.only, ...(opts.samplingIntervalUs !== null ? { samplingIntervalUs: opts.samplingIntervalUs } : {}),
    loadAverage: { start: loadAtStart, end: loadAtEnd }, rows, measurements: summaries,
  }, null, 2));
  console.log(`figures: ${opts.json}`);
}
process.exit(failures ? 1 : 0);
