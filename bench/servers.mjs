// Server rows of `npm run bench`: requests/s and p99 latency of a server under autocannon, plain
// (`node server.js`) against profiled (`node dist/cli.js profile server.js`), in alternating runs.
// Each run: start the server, wait for its LISTENING line, load it with autocannon (programmatic,
// loopback, fixed duration and connections), then SIGINT it (the profiled run writes its report).
// Usage: node bench/servers.mjs [--pairs N] [--seconds S]   (or import { runServerBench })
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';
import { formatTable } from './lib/table.mjs';
import { fmtMs, fmtRatio } from './lib/format.mjs';
import { ROOT, CLI, benchEnv } from './lib/timedRun.mjs';
import { loadServer } from './lib/serverLoad.mjs';

export const SERVERS = [
  { id: 'server-trivial', name: 'server trivial', file: 'server-trivial.js', what: 'node:http, one JSON route, 20 connections', requests: [{ path: '/' }] },
  { id: 'server-mix', name: 'server mix', file: 'server-mix.js', what: 'Express 5: /fast, /io (5 ms await), /cpu (~1 ms JSON), /items/:id; 20 connections',
    requests: [{ path: '/fast' }, { path: '/io' }, { path: '/cpu' }, { path: '/items/42' }] },
];

/** Starts a server (plain or profiled), loads it, stops it; resolves with autocannon's figures and the report. */
function runOnce(w, profiled, seconds, scratch, profileArgs = []) {
  const file = join(ROOT, 'bench/workloads', w.file);
  const jsonPath = join(scratch, 'report.json');
  rmSync(jsonPath, { force: true });
  const args = profiled ? [CLI, 'profile', ...profileArgs, file, '--json', jsonPath, '--quiet'] : [file];
  return loadServer(`${w.name} (${profiled ? 'profiled' : 'plain'})`, args, benchEnv(), seconds, { requests: w.requests }).then((result) => {
    let report = null;
    if (profiled && existsSync(jsonPath)) report = JSON.parse(readFileSync(jsonPath, 'utf8'));
    return {
      rps: result.requests.average, p99: result.latency.p99, total: result.requests.total, errors: result.errors + result.timeouts + result.non2xx,
      recorded: report?.routes?.filter((r) => r.kind === 'server').reduce((a, r) => a + r.count, 0),
    };
  });
}

/**
 * Alternating plain/profiled pairs per server; medians. `only`: server ids to run (default all);
 * `profileArgs`: more of the CLI's options for the profiled runs.
 * @returns {Promise<Array<{ id, name, what, pairs, failed, errors (failed runs' messages), plainRps, profRps, rpsRatio, plainP99, profP99, counted, requestErrors (autocannon's), runs }>>}
 */
export async function runServerBench({ pairs = 3, seconds = 5, only, profileArgs = [], log = console.log, progress = (s) => process.stdout.write(s) } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'cl-bench-servers-'));
  const rows = [];
  try {
    for (const w of SERVERS.filter((s) => !only || only.includes(s.id))) {
      const plain = [], prof = [], errors = [];
      progress(`${w.name.padEnd(16)} `);
      for (let i = 0; i < pairs; i++) {
        try {
          const p = await runOnce(w, false, seconds, scratch);
          const q = await runOnce(w, true, seconds, scratch, profileArgs);
          plain.push(p); prof.push(q);
          progress('.');
        } catch (e) { progress('x'); errors.push(e.message.split('\n')[0]); log(`\n${e.message}`); }
      }
      progress('\n');
      rows.push({
        id: w.id, name: w.name, what: w.what, pairs: plain.length, failed: errors.length, errors,
        plainRps: median(plain.map((r) => r.rps)), profRps: median(prof.map((r) => r.rps)),
        plainP99: median(plain.map((r) => r.p99)), profP99: median(prof.map((r) => r.p99)),
        rpsRatio: median(plain.map((r, i) => prof[i].rps / r.rps)),
        // autocannon stops counting at its deadline with up to `connections` requests in flight; the server finishes them.
        counted: prof.map((r) => `${r.recorded} (${r.recorded - r.total >= 0 ? '+' : ''}${r.recorded - r.total})`).join(' '),
        requestErrors: [...plain, ...prof].reduce((a, r) => a + r.errors, 0),
        runs: { plain, profiled: prof },
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

/** The servers' own table (standalone `node bench/servers.mjs`). */
export function serverTable(rows) {
  const header = ['server', 'pairs', 'plain req/s', 'profiled req/s', 'req/s ratio', 'plain p99', 'profiled p99', 'requests counted', 'request errors'];
  const table = rows.map((r) => [r.name, String(r.pairs), r.plainRps.toFixed(0), r.profRps.toFixed(0), fmtRatio(r.rpsRatio), fmtMs(r.plainP99), fmtMs(r.profP99), r.counted, String(r.requestErrors)]);
  return [
    formatTable(header, table),
    ...rows.map((r) => `  ${r.name.padEnd(16)} ${r.what}`),
    'req/s = autocannon\'s mean; p99 = autocannon\'s latency p99; requests counted: the report\'s per-route total (± what autocannon got back: it stops counting at its deadline with up to 20 requests in flight).',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Math.max(1, Number(process.argv[i + 1])) : def; };
  const pairs = arg('--pairs', 3), seconds = arg('--seconds', 5);
  console.log(`\n== servers under autocannon (${pairs} alternating pairs, ${seconds} s each) ==`);
  const rows = await runServerBench({ pairs, seconds });
  console.log(serverTable(rows));
  process.exit(rows.some((r) => r.failed) ? 1 : 0);
}
