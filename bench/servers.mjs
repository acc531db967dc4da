// Server rows of `npm run bench`: requests/s and p99 latency of a server under autocannon, plain
// (`node server.js`) against profiled (`node dist/cli.js profile server.js`), in alternating runs.
// Each run: start the server, wait for its LISTENING line, load it with autocannon (programmatic,
// loopback, fixed duration and connections), then SIGINT it (the profiled run writes its report).
// Usage: node bench/servers.mjs [--pairs N] [--seconds S]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const autocannon = createRequire(import.meta.url)('autocannon');

const argv = process.argv.slice(2);
let pairs = 3, seconds = 5;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--pairs') pairs = Math.max(1, Number(argv[++i]));
  else if (argv[i] === '--seconds') seconds = Math.max(1, Number(argv[++i]));
}

const WORKLOADS = [
  { name: 'server trivial', file: 'server-trivial.js', what: 'node:http, one JSON route, 20 connections', requests: [{ path: '/' }] },
  { name: 'server mix', file: 'server-mix.js', what: 'Express 5: /fast, /io (5 ms await), /cpu (~1 ms JSON), /items/:id; 20 connections',
    requests: [{ path: '/fast' }, { path: '/io' }, { path: '/cpu' }, { path: '/items/42' }] },
];

const scratch = mkdtempSync(join(tmpdir(), 'cl-bench-servers-'));
const env = { ...process.env };
delete env.NODE_OPTIONS;

/** Starts a server (plain or profiled), loads it, stops it; resolves with autocannon's figures and the report. */
function runOnce(w, profiled) {
  const file = join(ROOT, 'bench/workloads', w.file);
  const jsonPath = join(scratch, 'report.json');
  rmSync(jsonPath, { force: true });
  const args = profiled ? [CLI, 'profile', file, '--json', jsonPath, '--quiet'] : [file];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', started = false, result = null;
    const watchdog = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${w.name} (${profiled ? 'profiled' : 'plain'}) timed out\n${err.slice(-2000)}`)); }, 120_000 + seconds * 1000);
    child.stderr.on('data', (c) => { err += c; });
    child.stdout.on('data', (c) => {
      out += c;
      const m = /LISTENING (\d+)/.exec(out);
      if (!m || started) return;
      started = true;
      autocannon({ url: `http://127.0.0.1:${m[1]}`, connections: 20, duration: seconds, requests: w.requests }, (e, r) => {
        if (e) { child.kill('SIGKILL'); reject(e); return; }
        result = r;
        child.kill('SIGINT');
      });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (!result) { reject(new Error(`${w.name}: exited ${code ?? signal} before the load ended\n${err.slice(-2000)}`)); return; }
      let report = null;
      if (profiled && existsSync(jsonPath)) report = JSON.parse(readFileSync(jsonPath, 'utf8'));
      resolvePromise({
        rps: result.requests.average, p99: result.latency.p99, total: result.requests.total, errors: result.errors + result.timeouts + result.non2xx,
        recorded: report?.routes?.filter((r) => r.kind === 'server').reduce((a, r) => a + r.count, 0),
      });
    });
  });
}

const median = (xs) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); const m = s.length >> 1; return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

console.log(`\n== servers under autocannon (${pairs} alternating pairs, ${seconds} s each) ==`);
const rows = [];
let failed = 0;
for (const w of WORKLOADS) {
  const plain = [], prof = [];
  process.stdout.write(`${w.name.padEnd(16)} `);
  for (let i = 0; i < pairs; i++) {
    try {
      plain.push(await runOnce(w, false));
      prof.push(await runOnce(w, true));
      process.stdout.write('.');
    } catch (e) { failed++; process.stdout.write('x'); console.error(`\n${e.message}`); }
  }
  process.stdout.write('\n');
  const n = Math.min(plain.length, prof.length);
  rows.push({
    w, n, plainRps: median(plain.map((r) => r.rps)), profRps: median(prof.map((r) => r.rps)),
    plainP99: median(plain.map((r) => r.p99)), profP99: median(prof.map((r) => r.p99)),
    rpsRatio: median(plain.slice(0, n).map((r, i) => prof[i].rps / r.rps)),
    // autocannon stops counting at its deadline with up to `connections` requests in flight; the server finishes them.
    counted: prof.map((r) => `${r.recorded} (${r.recorded - r.total >= 0 ? '+' : ''}${r.recorded - r.total})`).join(' '),
    errors: [...plain, ...prof].reduce((a, r) => a + r.errors, 0),
  });
}
const header = ['server', 'pairs', 'plain req/s', 'profiled req/s', 'req/s ratio', 'plain p99', 'profiled p99', 'requests counted', 'errors'];
const table = rows.map((r) => [r.w.name, String(r.n), r.plainRps.toFixed(0), r.profRps.toFixed(0), `${r.rpsRatio.toFixed(2)}×`, `${r.plainP99} ms`, `${r.profP99} ms`, r.counted, String(r.errors)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
console.log(widths.map((x) => '-'.repeat(x)).join('  '));
for (const t of table) console.log(line(t));
for (const r of rows) console.log(`  ${r.w.name.padEnd(16)} ${r.w.what}`);
console.log('req/s = autocannon\'s mean; p99 = autocannon\'s latency p99 (ms); requests counted: the report\'s per-route total (± what autocannon got back: it stops counting at its deadline with up to 20 requests in flight).');
rmSync(scratch, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
