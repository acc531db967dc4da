// Runs the whole suite with Node's test runner: builds first, then every *.test.ts / *.test.mjs
// next to the code it tests (TypeScript through tsx). Files run one at a time: most tests
// profile real programs and measure time, and this machine has two cores.
// Usage: node scripts/test.mjs [substring filter…]
// Before anything runs, every layer is typechecked with its own tsconfig (`tsc -b`, incremental:
// seconds), so an import a layer may not make (Node in the analyzer or the webview, …) fails here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const roots = ['analyzer', 'recorder', 'cli', 'extension', 'webview', 'samples', 'scripts', 'bench'];
const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.test\.(ts|mts|mjs)$/.test(name)) files.push(p);
  }
};
for (const r of roots) { try { walk(r); } catch { /* root not there yet */ } }
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
// node --test given no files runs every test it finds: a filter that matches nothing is a mistake, not "all".
if (selected.length === 0) { process.stderr.write(`no test file's path contains ${filters.map((s) => JSON.stringify(s)).join(' or ')}\n`); process.exit(2); }

const typecheck = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], { stdio: 'inherit' });
if (typecheck.status !== 0) { process.stderr.write('typecheck failed (tsc -b): no tests run\n'); process.exit(typecheck.status ?? 1); }
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// The tests and the programs they profile make temporary folders (reports, run directories,
// copies of fixtures), and some are left when a test or its program ends abruptly: each run of
// the suite gets a TMPDIR of its own, removed when it ends (CL_KEEP_TEST_TMP=1 keeps it, for a
// failure's files). The per-user caches under it start cold, as on a fresh CI machine.
const runTmp = mkdtempSync(join(tmpdir(), 'cl-test-run-'));
const run = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...selected], { stdio: 'inherit', env: { ...process.env, TMPDIR: runTmp } });
// Ctrl-C reaches the test runner as well (one process group): this process waits for it to end,
// then cleans up, instead of dying at once and leaving the folder behind.
const pass = (signal) => { if (run.exitCode === null && run.signalCode === null) run.kill(signal); };
process.on('SIGINT', pass);
process.on('SIGTERM', pass);
run.on('exit', (code) => {
  if (process.env.CL_KEEP_TEST_TMP === '1') process.stderr.write(`temporary files kept in ${runTmp}\n`);
  else rmSync(runTmp, { recursive: true, force: true });
  process.exit(code ?? 1);
});
