// End to end: TypeScript projects as people write them (cli/fixtures/ts/*), profiled by the real CLI.
// Each program must print what it prints under tsx (the reference run: `node --import tsx main.ts`),
// exit 0, and get its planted finding at the right line of the .ts source, labelled with the names
// the source uses (never esbuild's `import_x.default` or `(0, f)` forms).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, basename, relative, join } from 'node:path';
import { SPAN } from '../analyzer/raw.ts';
import { forEachSpan } from '../analyzer/threadModel.ts';
import { CLI, ROOT, profile, fixture, lineOf, reportOf, findingAt, describeFindings } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** The program run without the profiler, under tsx (Node 20 runs no TypeScript by itself). */
function reference(entry) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', basename(entry)], { cwd: dirname(entry), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `reference run of ${entry} failed:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/**
 * Profiles `command` (default: the fixture's entry itself) in the entry's folder, next to a
 * reference run; the `it`s look at both.
 */
function profiled(name, { command, cwd } = {}) {
  const state = { entry: fixture(name) };
  before(async () => {
    state.reference = reference(state.entry);
    state.run = await profile([...(command ?? [state.entry]), '--quiet'], { cwd: cwd ?? dirname(state.entry), timeoutMs: 120_000 });
  });
  return state;
}

/** The program's own output and exit code are those of the reference run. */
function assertSameProgram(s) {
  assert.equal(s.run.code, 0, `exit code ${s.run.code}\nstderr:\n${s.run.stderr.slice(-3000)}`);
  assert.equal(s.run.stdout, s.reference.stdout, 'stdout differs from the tsx run');
  assert.equal(s.run.stderr, s.reference.stderr, 'stderr differs from the tsx run');
}

/** Every label of the report, and every finding's text, is in the source's words. */
function assertSourceNames(report) {
  const text = JSON.stringify({ strings: report.spans?.strings, findings: report.findings });
  assert.doesNotMatch(text, /import_[\w$]+|\(0, ?[\w$]/, 'a label shows what esbuild made of an import');
}

/** Findings are on TypeScript files and on a lane of the report. */
function assertOnTypeScript(report) {
  assert.ok(report.findings.length > 0, 'no findings');
  for (const f of report.findings) {
    assert.match(f.location.file, /\.[mc]?ts$/, `finding on ${f.location.file}: ${describeFindings(report)}`);
    assert.ok(report.lanes.some((l) => l.id === f.laneId), `finding.laneId ${f.laneId} is not a lane`);
  }
}

/**
 * The sequential-awaits finding at the `first` mark, the second await on the next line, with both
 * labels, on the lane of the process that ran `entry` (a child of npx/tsx, or the main one).
 */
function assertSequential(report, file, first, labels, entry) {
  const f = findingAt(report, 'sequential-awaits', file, lineOf(file, first));
  assert.deepEqual(f.related.map((r) => `${r.file}:${r.line}`), [`${file}:${lineOf(file, first) + 1}`]);
  assert.ok(f.estimatedSavingsMs >= 20, `estimatedSavingsMs ${f.estimatedSavingsMs}: each await waits 30 ms`);
  for (const label of labels) assert.ok(f.detail.includes(`${label} `), `detail lacks "${label}": ${f.detail}`);
  const lane = report.lanes.find((l) => l.id === f.laneId);
  assert.ok(lane && (lane.kind === 'main' || lane.kind === 'process') && lane.script === entry,
    `finding on lane ${JSON.stringify(lane)}, expected the process running ${entry}`);
  return f;
}

function assertLoop(report, file, mark) {
  const f = findingAt(report, 'await-in-loop', file, lineOf(file, mark));
  assert.ok(f.estimatedSavingsMs >= 30, `estimatedSavingsMs ${f.estimatedSavingsMs}: 3 iterations of 30 ms`);
  return f;
}

describe('nodenext ES module project: .js imports of .ts, a .mts, a .cts, a real .js, p-limit', () => {
  const s = profiled('ts/nodenext-esm/main.ts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('flags the sequential awaits in routes.ts (imported as ./routes.js) with source labels', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/nodenext-esm/routes.ts'), 'esm-first', ['await fetchUser()', 'await fetchOrders()'], s.entry);
  });
  it('flags the await in a loop in prices.mts (imported as ./prices.mjs)', () => {
    assertLoop(reportOf(s.run), fixture('ts/nodenext-esm/prices.mts'), 'mts-loop');
  });
  it('locates every finding in the .ts sources, in the source names', () => {
    const report = reportOf(s.run);
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

describe('nodenext CommonJS project: .js imports, a .cts, a default import of a CommonJS package', () => {
  const s = profiled('ts/nodenext-cjs/main.ts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('labels the package calls as written (http.get(), http()), not import_cl_fixture_http.default', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/nodenext-cjs/routes.ts'), 'cjs-first', ['await http.get()', 'await http()'], s.entry);
    assertSourceNames(report);
  });
  it('flags the await in a loop in counter.cts (required as ./counter.cjs)', () => {
    const report = reportOf(s.run);
    assertLoop(report, fixture('ts/nodenext-cjs/counter.cts'), 'cts-loop');
    assertOnTypeScript(report);
  });
});

// What many TypeScript projects deploy: tsc's output with its .js.map files beside it. The
// findings belong on the .ts lines (as Node's --enable-source-maps would show them), labelled
// as the source writes them, never as tsc's `cl_fixture_http_1.default` or `(0, f)` forms. Below
// ES2017 (es2016 is what `tsc --init` writes), tsc lowers each async function to a generator run
// by its `__awaiter` helper, and each await to a `yield`: those are the awaits.
for (const target of ['es2022', 'es2016']) describe(`the same CommonJS project compiled by tsc (target ${target}, outDir, sourceMap) and run as \`node dist/main.js\``, () => {
  const s = {};
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-tsc-out-'));
    cpSync(fixture('ts/nodenext-cjs'), dir, { recursive: true });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
      module: 'nodenext', moduleResolution: 'nodenext', target, strict: true, esModuleInterop: true, noImplicitAny: false,
      outDir: 'dist', rootDir: '.', sourceMap: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
    } }));
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}\n${tsc.stderr}`);
    s.dir = dir;
    s.entry = join(dir, 'dist/main.js');
    const routes = readFileSync(join(dir, 'dist/routes.js'), 'utf8');
    assert.match(routes, /cl_fixture_http_1\.default\.get[\s\S]*\/\/# sourceMappingURL=routes\.js\.map\s*$/, 'tsc renamed the import and wrote its map beside (the case under test)');
    assert.equal(/__awaiter\(this, void 0, void 0, function\* \(\)/.test(routes), target === 'es2016', 'tsc lowered the async functions below ES2017 only');
    const plain = spawnSync(process.execPath, [s.entry], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(plain.status, 0, plain.stderr);
    s.reference = { stdout: plain.stdout, stderr: plain.stderr };
    s.run = await profile([s.entry, '--quiet'], { cwd: dir, timeoutMs: 120_000 });
  });
  after(() => { if (s.dir) rmSync(s.dir, { recursive: true, force: true }); });
  it('runs as it runs plainly and exits 0', () => assertSameProgram(s));
  it('puts the findings on the .ts lines, through the maps tsc wrote beside its output', () => {
    const report = reportOf(s.run);
    assertSequential(report, join(s.dir, 'routes.ts'), 'cjs-first', ['await http.get()', 'await http()'], s.entry);
    assertLoop(report, join(s.dir, 'counter.cts'), 'cts-loop');
    assertOnTypeScript(report);
  });
  it("labels every await as the source writes it, not as tsc's output", () => {
    const report = reportOf(s.run);
    assertSourceNames(report);
    const labels = (report.sites ?? []).filter((x) => x.kind === 'await').map((x) => x.label).sort();
    assert.deepEqual(labels, ['await count()', 'await countAll()', 'await http()', 'await http.get()', 'await loadDashboard()', 'await sleep()']);
  });
});

describe('bundler resolution: extensionless imports and a folder index', () => {
  const s = profiled('ts/bundler/main.ts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('flags the top-level await in a loop at the .ts line', () => {
    const report = reportOf(s.run);
    const f = assertLoop(report, fixture('ts/bundler/main.ts'), 'bundler-loop');
    assert.ok(f.detail.includes('fetchPrice') || report.spans.strings.includes('await fetchPrice()'), 'label of the awaited call');
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

describe('tsconfig paths: ES modules, aliases and baseUrl from an extended config with comments', () => {
  const s = profiled('ts/paths-esm/src/main.ts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('flags the sequential awaits of the aliased imports', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/paths-esm/src/main.ts'), 'paths-esm-first', ['await getRate()', 'await getFee()'], s.entry);
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

describe('tsconfig paths: CommonJS, substitutions relative to the config (no baseUrl)', () => {
  const s = profiled('ts/paths-cjs/main.ts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('flags the sequential awaits of the aliased imports with source labels', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/paths-cjs/main.ts'), 'paths-cjs-first', ['await getRate()', 'await getFee()'], s.entry);
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

describe('the probe\'s TypeScript resolution counts none of its file reads as the program\'s', () => {
  it('require.resolve() of a tsconfig `paths` alias from async code, 500 times: no statSync or readFileSync of the program recorded', async () => {
    const entry = fixture('ts/resolve-cjs/main.ts');
    const rawFile = join(mkdtempSync(join(tmpdir(), 'cl-ts-raw-')), 'raw.json');
    const run = await profile([entry, '--quiet'], { cwd: dirname(entry), env: { CONCURRENCY_LENS_RAW: rawFile } });
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    assert.match(run.stdout, /^resolved 500 42$/m);
    const raw = JSON.parse(readFileSync(rawFile, 'utf8'));
    const main = raw.threads.find((t) => t.pid === raw.rootPid && t.tid === 0);
    const names = main.records.find((r) => r.t === 'fsSyncNames').names;
    const counted = [];
    forEachSpan(main.spans, 'fsSync', (o) => { counted.push(names[main.spans[o + SPAN.site]]); });
    assert.ok(counted.length > 0, 'no sync fs call recorded at all: the test no longer sees the counting');
    const byName = {};
    for (const n of counted) byName[n] = (byName[n] ?? 0) + 1;
    assert.equal((byName.statSync ?? 0) + (byName.readFileSync ?? 0), 0, `sync fs calls recorded: ${JSON.stringify(byName)}`);
  });
});

describe('a real .js file next to a .ts of the same name', () => {
  it('is what `./answer.js` loads (Node\'s rule; the .ts is only used where no .js exists)', async () => {
    const run = await profile([fixture('ts/js-wins/main.ts'), '--quiet'], { cwd: dirname(fixture('ts/js-wins/main.ts')) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'answer from javascript\n');
  });
});

describe('a .cts entry point in a "type": "module" package', () => {
  const s = profiled('ts/nodenext-esm/tool.cts');
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('flags its sequential awaits at the .cts line', () => {
    const report = reportOf(s.run);
    assertSequential(report, s.entry, 'cts-entry-first', ['await sleep()'], s.entry);
    assertOnTypeScript(report);
  });
});

describe('tsx: `concurrency-lens profile npx tsx main.ts` (ES module project)', () => {
  const entry = fixture('ts/nodenext-esm/main.ts');
  // From the repository root, so npx finds the installed tsx (and never the network).
  const s = profiled('ts/nodenext-esm/main.ts', { command: ['npx', '--no-install', 'tsx', relative(ROOT, entry)], cwd: ROOT });
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('locates the findings on the .ts lines', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/nodenext-esm/routes.ts'), 'esm-first', ['await fetchUser()', 'await fetchOrders()'], s.entry);
    assertLoop(report, fixture('ts/nodenext-esm/prices.mts'), 'mts-loop');
    assert.ok(!report.warnings.some((w) => /not instrumented/.test(w)), report.warnings.join('\n'));
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

// tsx's --import registers tsx's hooks, and the probe registers ours after them (not before: that
// would put the loading of tsx and esbuild behind Node's hooks thread). A tsx whose --import
// registers nothing leaves the ES modules uninstrumented, and the report says so.
describe("a tsx --import that registers no hooks: the report says the ES modules were not instrumented", () => {
  let dir;
  let run;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cl-notsx-'));
    mkdirSync(join(dir, 'node_modules/tsx/dist'), { recursive: true });
    writeFileSync(join(dir, 'node_modules/tsx/dist/loader.mjs'), 'export {};\n');
    writeFileSync(join(dir, 'main.mjs'), 'const wait = (ms) => new Promise((r) => setTimeout(r, ms));\nawait wait(30);\nawait wait(30);\nconsole.log("done");\n');
    run = await profile(['--quiet'], { cwd: dir, programArgs: ['node', '--import', './node_modules/tsx/dist/loader.mjs', 'main.mjs'] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('runs as it does plain, and warns', () => {
    assert.equal(run.code, 0, run.stderr.slice(-2000));
    assert.equal(run.stdout, 'done\n');
    const report = reportOf(run);
    const warning = report.warnings.find((w) => /ES modules were not instrumented/.test(w));
    assert.ok(warning, `no warning: ${JSON.stringify(report.warnings)}`);
    assert.match(warning, /tsx's --import registered no module hooks/);
  });
});

describe('tsx: `concurrency-lens profile node --import tsx main.ts` (CommonJS project)', () => {
  const s = profiled('ts/nodenext-cjs/main.ts', { command: ['node', '--import', 'tsx', 'main.ts'] });
  it('runs as under tsx and exits 0', () => assertSameProgram(s));
  it('locates the findings on the .ts lines, labelled in the source names (tsx\'s map has no sourcesContent)', () => {
    const report = reportOf(s.run);
    assertSequential(report, fixture('ts/nodenext-cjs/routes.ts'), 'cjs-first', ['await http.get()', 'await http()'], s.entry);
    assertLoop(report, fixture('ts/nodenext-cjs/counter.cts'), 'cts-loop');
    assertOnTypeScript(report);
    assertSourceNames(report);
  });
});

// The probe transpiles TypeScript with esbuild, whose processes (its binary per file, its service)
// are children of the program's process: they were shown as the program's own lanes on a run with
// nothing transpiled yet. Marked in their environment, the recorder leaves them out; an esbuild
// the program starts itself stays.
describe("the probe's own esbuild processes are not the program's", () => {
  const ts = profiled('ts/nodenext-esm/main.ts');
  const fresh = { entry: fixture('ts/nodenext-esm/main.ts') };
  const own = { entry: fixture('own-esbuild/main.js') };
  before(async () => {
    // Nothing kept from earlier runs: every .ts file is transpiled by esbuild in this one.
    fresh.run = await profile([fresh.entry, '--quiet'], { cwd: dirname(fresh.entry), timeoutMs: 120_000, env: { CONCURRENCY_LENS_MEASURE_OFF: 'instrumentCache' } });
    own.run = await profile([own.entry, '--quiet'], { cwd: dirname(own.entry), timeoutMs: 120_000 });
  });
  it('a TypeScript program transpiled from scratch has only its own lanes', () => {
    assert.equal(fresh.run.code, 0, fresh.run.stderr);
    assert.equal(fresh.run.stdout, ts.run.stdout);
    const report = reportOf(fresh.run);
    assert.deepEqual(report.lanes.map((l) => l.kind), ['main'], report.lanes.map((l) => l.label).join('\n'));
    assertSequential(report, fixture('ts/nodenext-esm/routes.ts'), 'esm-first', ['await fetchUser()', 'await fetchOrders()'], fresh.entry);
  });
  it("a program's own esbuild service is its lane", () => {
    assert.equal(own.run.code, 0, own.run.stderr);
    assert.equal(own.run.stdout, 'const n = 1;\n');
    const report = reportOf(own.run);
    assert.ok(report.lanes.some((l) => l.kind === 'process' && /esbuild/.test(l.label)), report.lanes.map((l) => l.label).join('\n'));
  });
});
