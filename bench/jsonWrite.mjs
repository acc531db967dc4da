// How long the CLI's JSON writer (cli/jsonFile.ts) takes to write a report, as the CLI runs it:
// once, cold, in a fresh process (issue 12). Reports are made by profiling workloads of
// bench/workloads/ with this build (an HTTP fan-out: many short arrays; a 20M-promise storm: a
// few long ones) or given as files. Variants, in alternating fresh processes: this build's choice
// (a document with DIGITS_FROM or more numbers in arrays has them written digit by digit, a smaller
// one by JSON.stringify), every array of numbers digit by digit, every one by JSON.stringify; and
// `--base DIR`'s writer (another checkout). Each prints the median first-write time and the
// median second write (warm) in the same process; every variant's text is checked against
// JSON.stringify's. This build's variants write the await spans as the analyzer holds them (typed
// columns: analyzer/numberColumn.ts), made from the report's arrays before the clock starts; the
// base writes the arrays (a build before the typed columns made them so; a later one's analyzer
// would make them typed, which its writer then meets as values with a toJSON).
// Usage: node bench/jsonWrite.mjs [--rounds N] [--base DIR] [workload | report.json …]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, dirname, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { median } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
let rounds = 5;
let base;
const inputs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Number(argv[++i]);
  else if (argv[i] === '--base') base = resolve(argv[++i]);
  else inputs.push(argv[i]);
}
if (inputs.length === 0) inputs.push('http-fanout', 'fs-churn', 'promise-storm');

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'cl-jsonwrite-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** `root`'s cli/jsonFile.ts, bundled. */
function bundleWriter(root, name) {
  const outfile = join(dir, `${name}.cjs`);
  esbuild.buildSync({ entryPoints: [join(root, 'cli', 'jsonFile.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

const writer = bundleWriter(ROOT, 'build');
// numberColumn and the await spans' column types, as the analyzer makes them.
const columns = join(dir, 'columns.cjs');
esbuild.buildSync({
  stdin: { contents: "export { numberColumn } from './analyzer/numberColumn'; export { ASYNC_SPAN_COLUMNS } from './analyzer/spans';", resolveDir: ROOT, loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', outfile: columns, logLevel: 'error',
});
const variants = [
  { name: 'this build', writer, columns },
  { name: 'digits for every array', writer, numbersBy: 'digits', columns },
  { name: 'JSON.stringify for every array', writer, numbersBy: 'stringify', columns },
  ...(base ? [{ name: `base ${basename(base)}`, writer: bundleWriter(base, 'base') }] : []),
];

/** A report to write: a file given, or this build's report of a workload. */
function report(input) {
  if (input.endsWith('.json')) return resolve(input);
  const file = join(dir, `${input}.json`);
  const workload = join(ROOT, 'bench', 'workloads', `${input}.js`);
  if (!existsSync(workload)) throw new Error(`no workload ${workload}`);
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'profile', '--json', file, '--quiet', workload], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`profiling ${input} failed (${r.status})`);
  return file;
}

// One process: read the report, write it twice (cold, then warm), check the text.
const RUNNER = `
const fs = require('node:fs');
const { writeJsonFile } = require(process.argv[1]);
const value = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const as = value.spans && value.spans.asyncSpans;
if (process.argv[5] && as) {
  const { numberColumn, ASYNC_SPAN_COLUMNS } = require(process.argv[5]);
  for (const k of Object.keys(as)) as[k] = numberColumn(ASYNC_SPAN_COLUMNS[k].from(as[k]));
}
const times = [];
for (let i = 0; i < 2; i++) { const t = process.hrtime.bigint(); writeJsonFile(process.argv[3], value, process.argv[4] || undefined); times.push(Number(process.hrtime.bigint() - t) / 1e6); }
if (fs.readFileSync(process.argv[3], 'utf8') !== JSON.stringify(value)) throw new Error('not the text JSON.stringify gives');
process.stdout.write(JSON.stringify(times));
`;

console.log(`JSON writer, first write in a fresh process — node ${process.version}, ${rounds} rounds; load average ${load()}`);
for (const input of inputs) {
  const file = report(input);
  const text = readFileSync(file, 'utf8');
  const numbers = require(writer).numbersInArrays(JSON.parse(text));
  const times = variants.map(() => ({ cold: [], warm: [] }));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (k + round) % variants.length; // the order rotates every round
      const r = spawnSync(process.execPath, ['-e', RUNNER, variants[v].writer, file, join(dir, 'out.json'), variants[v].numbersBy ?? '', variants[v].columns ?? ''], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${variants[v].name}: ${r.stderr}`);
      const [cold, warm] = JSON.parse(r.stdout);
      times[v].cold.push(cold);
      times[v].warm.push(warm);
    }
  }
  console.log(`${basename(input)}: ${(text.length / 1024).toFixed(0)} kB, ${Math.round(numbers / 1000)}k numbers in arrays (digit by digit from ${require(writer).DIGITS_FROM / 1024}k)`);
  for (let v = 0; v < variants.length; v++) {
    console.log(`  ${variants[v].name.padEnd(32)} first ${median(times[v].cold).toFixed(1).padStart(6)} ms   warm ${median(times[v].warm).toFixed(1).padStart(6)} ms   (first: ${times[v].cold.map((x) => x.toFixed(0)).join(' ')})`);
  }
}
console.log(`load average after: ${load()}`);
