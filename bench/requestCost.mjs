// What recording a served HTTP request costs, in CPU ns per request, without a server's noise
// (issue 12: the trivial route under autocannon moves ±0.3 µs per request between runs, more
// than the recording's own cost changes by). bench/requestCost/driver.js publishes node:http's
// server channels as a loaded keep-alive server does; each variant preloads a subscriber:
//   noop     — no-op subscribers on the same channels (what Node's publishing itself costs)
//   this     — recorder/probe/httpRequests.ts of this build (bundled here with esbuild; no-op
//              runtime hooks; its rows taken every 100 ms, as the probe does)
//   compare  — with --compare DIR: DIR's recorder/probe/httpRequests.ts (another checkout)
// in alternating rounds, each in its own process; medians. "recording" = variant − noop.
// Usage: node bench/requestCost.mjs [--rounds N] [--requests N] [--compare DIR]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median } from './lib/stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : def; };
const rounds = Number(opt('--rounds', 5));
const requests = Number(opt('--requests', 2_000_000));
const compare = opt('--compare');
const sourceOf = (dir) => join(dir, 'recorder/probe/httpRequests.ts');
if (compare && !existsSync(sourceOf(resolve(compare)))) { console.error(`${sourceOf(resolve(compare))} missing`); process.exit(1); }

const scratch = mkdtempSync(join(tmpdir(), 'cl-requestcost-'));
try {
  const noop = join(scratch, 'noop.js');
  writeFileSync(noop, `const dc = require('node:diagnostics_channel'); const f = () => {};
for (const n of ['net.server.socket', 'http.server.request.start', 'http.server.response.finish']) dc.subscribe(n, f);`);
  /** A preload that records with the HttpRequests of `dir`. */
  const recorder = async (name, dir) => {
    const entry = join(scratch, `${name}-entry.ts`);
    writeFileSync(entry, `import { HttpRequests } from ${JSON.stringify(sourceOf(dir))};
const r = new HttpRequests(200_000, { started() {}, ended() {}, responded() {}, laterHandler() {} });
r.start();
let bytes = 0;
setInterval(() => { r.take((rows) => { bytes += rows.length; }); }, 100).unref();
// What it recorded, checked by the bench: a recorder that missed the requests would cost nothing.
process.on('exit', () => { r.take((rows) => { bytes += rows.length; }); console.log(\`RECORDED=\${r.serverRequests} ROW_BYTES=\${bytes}\`); });`);
    const out = join(scratch, `${name}.js`);
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
    return out;
  };
  const variants = [['noop', noop], ['this', await recorder('this', ROOT)], ...(compare ? [['compare', await recorder('compare', resolve(compare))]] : [])];
  console.log(`request recording: ${rounds} rounds × ${variants.map(([n]) => n).join(', ')}; ${requests.toLocaleString('en')} requests each; load at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const ns = Object.fromEntries(variants.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, preload] of variants) {
      const out = execFileSync(process.execPath, ['-r', preload, join(ROOT, 'bench/requestCost/driver.js')], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', REQUEST_COST_REQUESTS: String(requests) } });
      const m = /^NS_PER_REQUEST=([\d.]+)$/m.exec(out);
      if (!m) throw new Error(`${name}: no figure in ${out}`);
      const rec = /^RECORDED=(\d+) ROW_BYTES=(\d+)$/m.exec(out);
      if (name !== 'noop' && (!rec || Number(rec[1]) !== requests || Number(rec[2]) === 0)) throw new Error(`${name} did not record the driver's ${requests} requests: ${out}`);
      ns[name].push(Number(m[1]));
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const base = median(ns.noop);
  for (const [name] of variants) {
    const med = median(ns[name]);
    console.log(`${name.padEnd(8)} ${med.toFixed(1).padStart(7)} ns CPU per request${name === 'noop' ? '' : `, recording ${(med - base).toFixed(1)} ns`}   [${ns[name].map((x) => x.toFixed(0)).join(' ')}]`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
