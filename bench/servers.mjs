// Server rows of `npm run bench`: requests/s and p99 latency of a server under autocannon, plain
// (`node server.js`) against profiled (`node dist/cli.js profile server.js`), in alternating runs;
// with a floor (bench/lib/v8Floor.ts), each pair also runs the server with V8's profiler alone,
// right after its plain run. Each run: start the server, wait for its LISTENING line, load it with
// autocannon (programmatic, loopback, fixed duration and connections), then SIGINT it (the
// profiled run writes its report, the floor's its profile: the servers exit on SIGINT).
// Usage: node bench/servers.mjs [--pairs N] [--seconds S] [--no-floor]   (or import { runServerBench })
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { median } from './lib/stats.mjs';
import { formatTable } from './lib/table.mjs';
import { fmtMs, fmtRatio } from './lib/format.mjs';
import { ROOT, CLI, benchEnv, floorEnv } from './lib/timedRun.mjs';
import { loadServer } from './lib/serverLoad.mjs';
import { buildFloorPreload } from './lib/floorPreload.mjs';

const recorderModule = (file) => tsImport(pathToFileURL(join(ROOT, file)).href, import.meta.url);
const { DEFAULT_SAMPLING_US } = await recorderModule('recorder/launcher/profileCollector.ts');
const { SATURATED_FACTOR } = await recorderModule('recorder/launcher/samplingPolicy.ts');

/**
 * The floor's interval for a server (µs) when the profiled runs sample at the CLI's own (no
 * --sampling-interval): the one the recorder samples a saturated server at (its sampling policy),
 * which is what it samples the bench's servers at once it judged them, ~0.3–0.7 s into the load.
 * At the CLI's base interval V8's profiler alone costs such a server several times more.
 */
export const SERVER_FLOOR_INTERVAL_US = DEFAULT_SAMPLING_US * SATURATED_FACTOR;

export const SERVERS = [
  { id: 'server-trivial', name: 'server trivial', file: 'server-trivial.js', what: 'node:http, one JSON route, 20 connections', requests: [{ path: '/' }] },
  { id: 'server-mix', name: 'server mix', file: 'server-mix.js', what: 'Express 5: /fast, /io (5 ms await), /cpu (~1 ms JSON), /items/:id; 20 connections',
    requests: [{ path: '/fast' }, { path: '/io' }, { path: '/cpu' }, { path: '/items/42' }] },
];

/**
 * Starts a server (`variant`: 'plain', 'floor': V8's profiler alone, or 'profiled'), loads it,
 * stops it; resolves with autocannon's figures, and the report's request count (profiled) or the
 * profiles written and their sampling (floor: floorProfiles).
 */
function runOnce(w, variant, seconds, scratch, { profileArgs = [], floor } = {}) {
  const file = join(ROOT, 'bench/workloads', w.file);
  const jsonPath = join(scratch, 'report.json');
  rmSync(jsonPath, { force: true });
  let args = [file], env = benchEnv();
  if (variant === 'profiled') args = [CLI, 'profile', ...profileArgs, file, '--json', jsonPath, '--quiet'];
  if (variant === 'floor') {
    rmSync(floor.dir, { recursive: true, force: true });
    mkdirSync(floor.dir, { recursive: true });
    env = floorEnv(env, floor);
  }
  return loadServer(`${w.name} (${variant === 'floor' ? 'V8 profiler alone' : variant})`, args, env, seconds, { requests: w.requests }).then((result) => {
    let report = null;
    if (variant === 'profiled' && existsSync(jsonPath)) report = JSON.parse(readFileSync(jsonPath, 'utf8'));
    return {
      rps: result.requests.average, p99: result.latency.p99, total: result.requests.total, errors: result.errors + result.timeouts + result.non2xx,
      recorded: report?.routes?.filter((r) => r.kind === 'server').reduce((a, r) => a + r.count, 0),
      ...(variant === 'floor' ? floorProfiles(floor.dir) : {}),
    };
  });
}

/** The profiles a floor run wrote: how many, and the median time between samples of the server's (its main thread's) in µs. */
function floorProfiles(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.endsWith('-0.cpuprofile'));
  return { profiles: files.length, sampleUs: main ? median(JSON.parse(readFileSync(join(dir, main), 'utf8')).timeDeltas.slice(1)) : NaN };
}

/**
 * Alternating plain/profiled pairs per server; medians. `only`: server ids to run (default all);
 * `profileArgs`: more of the CLI's options for the profiled runs; `floor` ({ preload, intervalUs }:
 * bench/lib/floorPreload.mjs; intervalUs null: SERVER_FLOOR_INTERVAL_US): each pair also runs the
 * server under V8's profiler alone, right after its plain run. A floor run that fails or writes no
 * profile is an error of its server (in `errors`, counted in `floorFailed`); the pair stays, its
 * floor figures left out.
 * @returns {Promise<Array<{ id, name, what, pairs, failed, floorFailed, errors (failed runs' messages), plainRps, profRps, rpsRatio, floorRps, floorRatio, plainP99, profP99, floorP99, floorIntervalUs, floorSampleUs (the floor's profile: median µs between samples), counted, requestErrors (autocannon's), runs }>>}
 */
export async function runServerBench({ pairs = 3, seconds = 5, only, profileArgs = [], floor = null, log = console.log, progress = (s) => process.stdout.write(s) } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'cl-bench-servers-'));
  const underFloor = floor ? { ...floor, dir: join(scratch, 'floor'), intervalUs: floor.intervalUs ?? SERVER_FLOOR_INTERVAL_US } : null;
  const noFloor = { rps: NaN, p99: NaN, total: NaN, errors: 0, profiles: 0, sampleUs: NaN };
  const rows = [];
  try {
    for (const w of SERVERS.filter((s) => !only || only.includes(s.id))) {
      const plain = [], prof = [], under = [], errors = [];
      let floorFailed = 0;
      progress(`${w.name.padEnd(16)} `);
      for (let i = 0; i < pairs; i++) {
        try {
          const p = await runOnce(w, 'plain', seconds, scratch);
          let f = noFloor;
          if (underFloor) {
            try {
              f = await runOnce(w, 'floor', seconds, scratch, { floor: underFloor });
              if (f.profiles === 0) throw new Error(`${w.name} (V8 profiler alone): wrote no profile`);
            } catch (e) { floorFailed++; f = noFloor; errors.push(e.message.split('\n')[0]); log(`\n${e.message}`); }
          }
          const q = await runOnce(w, 'profiled', seconds, scratch, { profileArgs });
          plain.push(p); under.push(f); prof.push(q);
          progress('.');
        } catch (e) { progress('x'); errors.push(e.message.split('\n')[0]); log(`\n${e.message}`); }
      }
      progress('\n');
      rows.push({
        id: w.id, name: w.name, what: w.what, pairs: plain.length, failed: errors.length - floorFailed, floorFailed, errors,
        plainRps: median(plain.map((r) => r.rps)), profRps: median(prof.map((r) => r.rps)),
        plainP99: median(plain.map((r) => r.p99)), profP99: median(prof.map((r) => r.p99)),
        rpsRatio: median(plain.map((r, i) => prof[i].rps / r.rps)),
        // V8's profiler alone, against the same pair's plain run (NaN: no floor, or its runs failed).
        floorRps: median(under.map((r) => r.rps)), floorP99: median(under.map((r) => r.p99)),
        floorRatio: median(plain.map((r, i) => under[i].rps / r.rps)),
        floorIntervalUs: underFloor ? underFloor.intervalUs : null, floorSampleUs: median(under.map((r) => r.sampleUs)),
        // autocannon stops counting at its deadline with up to `connections` requests in flight; the server finishes them.
        counted: prof.map((r) => `${r.recorded} (${r.recorded - r.total >= 0 ? '+' : ''}${r.recorded - r.total})`).join(' '),
        requestErrors: [...plain, ...under, ...prof].reduce((a, r) => a + r.errors, 0),
        runs: { plain, profiled: prof, floor: under },
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

/** The servers' own table (standalone `node bench/servers.mjs`). */
export function serverTable(rows) {
  const header = ['server', 'pairs', 'plain req/s', 'profiled req/s', 'req/s ratio', 'V8 profiler alone', 'plain p99', 'profiled p99', 'requests counted', 'request errors'];
  const table = rows.map((r) => [r.name, String(r.pairs), r.plainRps.toFixed(0), r.profRps.toFixed(0), fmtRatio(r.rpsRatio), fmtRatio(r.floorRatio), fmtMs(r.plainP99), fmtMs(r.profP99), r.counted, String(r.requestErrors)]);
  return [
    formatTable(header, table),
    ...rows.map((r) => `  ${r.name.padEnd(16)} ${r.what}`),
    'req/s = autocannon\'s mean; p99 = autocannon\'s latency p99; requests counted: the report\'s per-route total (± what autocannon got back: it stops counting at its deadline with up to 20 requests in flight).',
    ...(rows.some((r) => r.floorIntervalUs) ? [`V8 profiler alone: req/s with only V8's CPU profiler in the server (bench/lib/v8Floor.ts), ${floorIntervalText(rows.find((r) => r.floorIntervalUs).floorIntervalUs)}, / plain.`] : []),
  ].join('\n');
}

/** How the servers' floor interval reads in the bench's output. */
export function floorIntervalText(intervalUs) {
  return `sampling every ${intervalUs} µs${intervalUs === SERVER_FLOOR_INTERVAL_US ? ' (the interval the recorder samples a saturated server at)' : ''}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Math.max(1, Number(process.argv[i + 1])) : def; };
  const pairs = arg('--pairs', 3), seconds = arg('--seconds', 5);
  console.log(`\n== servers under autocannon (${pairs} alternating pairs, ${seconds} s each) ==`);
  const preloadDir = process.argv.includes('--no-floor') ? null : mkdtempSync(join(tmpdir(), 'cl-bench-floor-'));
  try {
    const rows = await runServerBench({ pairs, seconds, floor: preloadDir && { preload: buildFloorPreload(preloadDir), intervalUs: null } });
    console.log(serverTable(rows));
    process.exitCode = rows.some((r) => r.failed || r.floorFailed) ? 1 : 0;
  } finally {
    if (preloadDir) rmSync(preloadDir, { recursive: true, force: true });
  }
}
