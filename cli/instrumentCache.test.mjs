// Instrumented files are kept across runs (recorder/probe/instrumentCache.ts): the next run of an
// unchanged program loads no parser, and gets the same findings; a changed file is instrumented
// again (never the old code). Real CLI, real programs; the cache lives in the run's TMPDIR here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI, profile, reportOf, findingsOf, describeFindings, fixture } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** Prints, per thread, whether the probe had to load the instrumenter (acorn) in it. */
const loadedLine = `const loaded = () => Object.keys(require.cache).some((k) => /[\\\\/]instrumenter\\.js$/.test(k));`;
const mainSource = (padding) => `${padding}'use strict';
const { Worker } = require('node:worker_threads');
${loadedLine}
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
async function handler() {
  const a = await wait(30); // @seq
  const b = await wait(30);
  return [a, b];
}
async function main() {
  for (let i = 0; i < 3; i++) await handler();
  const w = new Worker(require('node:path').join(__dirname, 'task.js'));
  const inWorker = await new Promise((resolve, reject) => { w.on('message', resolve); w.on('error', reject); });
  console.log(\`instrumenter main=\${loaded()} worker=\${inWorker}\`);
}
main();
`;
const taskSource = `'use strict';
${loadedLine}
async function step() { await null; }
step().then(() => require('node:worker_threads').parentPort.postMessage(loaded()));
`;

describe('instrumented files kept across runs', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cl-instrument-cache-e2e-')));
  const tmp = join(dir, 'tmp');
  const app = join(dir, 'app');
  const main = join(app, 'main.js');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = async () => {
    const r = await profile([main], { cwd: app, env: { TMPDIR: tmp } });
    assert.equal(r.code, 0, r.stderr);
    const m = /instrumenter main=(\w+) worker=(\w+)/.exec(r.stdout);
    assert.ok(m, `program output: ${r.stdout}\n${r.stderr}`);
    const report = reportOf(r);
    const seq = findingsOf(report, 'sequential-awaits').find((f) => f.location.file === main);
    assert.ok(seq, `no sequential-awaits in ${main}; findings:\n  ${describeFindings(report)}`);
    return { main: m[1] === 'true', worker: m[2] === 'true', line: seq.location.line, warnings: report.warnings ?? [] };
  };

  it('parses each file once, then serves it from the cache in later runs; a changed file is instrumented again', async () => {
    mkdirSync(tmp); mkdirSync(app);
    writeFileSync(main, mainSource(''));
    writeFileSync(join(app, 'task.js'), taskSource);

    const first = await run();
    assert.equal(first.main, true, 'first run: the main thread parses main.js');
    assert.equal(first.worker, true, 'first run: the worker parses task.js');
    assert.equal(first.line, 6);

    const second = await run();
    assert.deepEqual({ main: second.main, worker: second.worker }, { main: false, worker: false }, 'second run: both files come from the cache');
    assert.equal(second.line, first.line, 'same finding, same line');

    // Two lines more at the top: the old instrumented code (old line numbers) must not be served.
    writeFileSync(main, mainSource('// changed\n// again\n'));
    const third = await run();
    assert.equal(third.main, true, 'a changed main.js is parsed again');
    assert.equal(third.worker, false, 'the unchanged task.js still comes from the cache');
    assert.equal(third.line, 8, 'the finding points at the awaited line of the new text');
  });
});

/**
 * Entries kept in the instrumented-files folder under the TMPDIR `tmp` whose file name passes
 * `which`: the user file each was made from (its header) → the entry's mtime (ms).
 */
function keptEntries(tmp, which) {
  const out = new Map();
  const root = join(tmp, `concurrency-lens-${process.getuid()}`, 'instrumented');
  for (const build of readdirSync(root)) {
    for (const name of readdirSync(join(root, build))) {
      if (!which(name)) continue;
      const path = join(root, build, name);
      out.set(JSON.parse(readFileSync(path, 'utf8').split('\n', 1)[0]).file, statSync(path).mtimeMs);
    }
  }
  return out;
}

describe('TypeScript run by tsx, whose source maps leave the .ts text out, kept across runs too', () => {
  // tsx's maps have no sourcesContent: the instrumenter reads the .ts file again for its labels,
  // so that text is part of the entry's key.
  const entry = fixture('ts/nodenext-cjs/main.ts');
  const tmp = mkdtempSync(join(tmpdir(), 'cl-instrument-cache-tsx-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const run = async () => {
    const r = await profile(['--quiet', 'node', '--import', 'tsx', 'main.ts'], { cwd: dirname(entry), env: { TMPDIR: tmp }, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const found = findingsOf(reportOf(r), 'sequential-awaits');
    const routes = found.find((f) => f.location.file === fixture('ts/nodenext-cjs/routes.ts'));
    assert.ok(routes, describeFindings(reportOf(r)));
    // Labels in the .ts file's own names (tsx's output calls `(0, import_http.get)()`).
    for (const label of ['await http.get()', 'await http()']) assert.ok(routes.detail.includes(`${label} `), `detail lacks "${label}": ${routes.detail}`);
    return found.map((f) => `${f.location.file}:${f.location.line} → ${f.related.map((x) => x.line).join(',')}`).sort();
  };
  /** The kept instrumented files (not transpiled ones). */
  const entries = () => keptEntries(tmp, (name) => !name.endsWith('t.txt'));

  it('is instrumented by the first run and served to the next as it was, with the same findings', async () => {
    const first = await run();
    const kept = entries();
    for (const f of ['routes.ts', 'counter.cts']) assert.ok(kept.has(fixture(`ts/nodenext-cjs/${f}`)), `${f} kept: ${[...kept.keys()].join(', ')}`);
    assert.deepEqual(await run(), first, 'the same findings at the same lines, labelled from the .ts text');
    assert.deepEqual(entries(), kept, 'no entry written again: every file came from the cache');
  });
});

describe('TypeScript the probe transpiles itself (`profile main.ts`), kept across runs', () => {
  // CommonJS TypeScript is transpiled by a run of esbuild's binary per file: kept, a run of the
  // unchanged program starts none.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cl-transpile-cache-')));
  const tmp = join(dir, 'tmp');
  const app = join(dir, 'app');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = async () => {
    const r = await profile(['--quiet', 'main.ts'], { cwd: app, env: { TMPDIR: tmp }, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const routes = findingsOf(reportOf(r), 'sequential-awaits').find((f) => f.location.file === join(app, 'routes.ts'));
    assert.ok(routes, describeFindings(reportOf(r)));
    for (const label of ['await http.get()', 'await http()']) assert.ok(routes.detail.includes(`${label} `), `detail lacks "${label}": ${routes.detail}`);
    return { stdout: r.stdout, line: routes.location.line };
  };
  /** The kept transpiled files (recorder/probe/typescript.ts: entries tagged 't'). */
  const transpiled = () => keptEntries(tmp, (name) => name.endsWith('t.txt'));

  it('is transpiled by the first run and served to the next; a changed file is transpiled again', async () => {
    mkdirSync(tmp);
    cpSync(dirname(fixture('ts/nodenext-cjs/main.ts')), app, { recursive: true });
    const first = await run();
    const kept = transpiled();
    assert.deepEqual([...kept.keys()].sort(), ['counter.cts', 'main.ts', 'routes.ts'].map((f) => join(app, f)));
    const second = await run();
    assert.deepEqual(second, first, 'the same output, the finding at the same line');
    assert.deepEqual(transpiled(), kept, 'no file transpiled again');

    // Two lines more at the top of routes.ts: the old transpiled code (old lines) must not be served.
    writeFileSync(join(app, 'routes.ts'), `// changed\n// again\n${readFileSync(join(app, 'routes.ts'), 'utf8')}`);
    const third = await run();
    assert.equal(third.line, first.line + 2, 'the finding points at the awaited line of the new text');
    const now = transpiled();
    assert.notEqual(now.get(join(app, 'routes.ts')), kept.get(join(app, 'routes.ts')), 'routes.ts transpiled again');
    assert.equal(now.get(join(app, 'main.ts')), kept.get(join(app, 'main.ts')), 'the unchanged main.ts still comes from the cache');
  });
});

describe('the lag leaves out the instrumenting of a first run', () => {
  // On a first run of a file (every run on a fresh CI machine) the probe parses and instruments it
  // as the program loads it, holding the loop as the program's own module loading does. A plain
  // run would not have: the lag leaves that time out (recorder/probe/ownTime.ts), and the main
  // lane says how much it was. A program of 3,000 small async functions that then only sleeps:
  // its own start-up (V8 pre-parsing the file) is a small part of what instrumenting it takes.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'cl-instrument-lag-')));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a cold run: the start-up lag is not the instrumenting time, which the main lane states', async () => {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const fns = Array.from({ length: 3_000 }, (_, i) => `async function f${i}(x) { const a = await wait(x); return a + ${i}; }`).join('\n');
    const main = join(dir, 'big.js');
    writeFileSync(main, `'use strict';\nconst wait = (ms) => new Promise((r) => setTimeout(r, ms, ms));\n${fns}\n`
      + 'async function main() { await wait(20); await wait(20); console.log("slept"); }\nmain();\n');
    const r = await profile([main], { cwd: dir, env: { TMPDIR: tmp }, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /slept/);
    const lane = reportOf(r).lanes.find((l) => l.kind === 'main');
    assert.ok(lane?.instrumentingMs > 0, `the main lane states no instrumenting time: ${JSON.stringify(lane)}`);
    assert.ok(lane.lagMs, 'no lag recorded');
    assert.ok(lane.lagMs.max < lane.instrumentingMs,
      `lag max ${lane.lagMs.max} ms is not below the ${lane.instrumentingMs} ms spent instrumenting: it counts the probe's own work`);
  });
});
