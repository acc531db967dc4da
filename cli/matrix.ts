/**
 * `concurrency-lens matrix <dir>`: profiles every sample program under <dir> and prints one
 * table (variant, wall, user, system, CPU %, peak RSS, loop lag p99, max concurrency, findings,
 * verdict), then the lesson ratios (e.g. I/O Promise.all vs sequential).
 *
 * Samples declare what Concurrency Lens should find in their header comment, one directive per
 * line (the format is documented in samples/README.md):
 *
 *   // expect: <kind> @ <line>     a finding of <kind> located at <line> of this file
 *   // expect: nothing             no finding at all
 *   // allow: info <kind>          extra info-severity findings of <kind> are tolerated
 *   // env: NAME=value             environment for the run
 *   // args: --flag value          arguments for the program
 *
 * Anything the header does not expect or allow is a mismatch: the matrix marks it and exits 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { Finding, FindingKind, Report } from '../analyzer/report';
import { startProfile } from '../recorder/profile';

export const FINDING_KINDS: readonly FindingKind[] = [
  'blocking-cpu', 'sync-io', 'sequential-awaits', 'await-in-loop', 'fake-concurrency',
  'threadpool-saturation', 'pool-oversubscribed',
];

export interface ExpectedFinding { kind: FindingKind; line: number }

export interface SampleSpec {
  /** Absolute, symlink-free path. */
  file: string;
  /** `group/name`: the path under the samples dir without the order prefix and extension, e.g. `io/sequential`. */
  variant: string;
  group: string;
  expects: ExpectedFinding[];
  expectNothing: boolean;
  allowInfo: FindingKind[];
  env: Record<string, string>;
  args: string[];
}

const SAMPLE_FILE = /\.(js|cjs|mjs|ts|mts|cts)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'lib', 'walkthrough', 'dist']);

/** Reads the header directives of one sample. Throws on a malformed or contradictory header. */
export function parseSampleHeader(source: string, file: string, variant = path.basename(file)): SampleSpec {
  const spec: SampleSpec = { file, variant, group: variant.split('/')[0], expects: [], expectNothing: false, allowInfo: [], env: {}, args: [] };
  const lines = source.split('\n');
  const fail = (i: number, why: string): never => { throw new Error(`${file}:${i + 1}: ${why}: ${lines[i].trim()}`); };
  const isKind = (k: string): k is FindingKind => (FINDING_KINDS as readonly string[]).includes(k);
  lines.forEach((text, i) => {
    const m = /^\s*\/\/\s*(expect|allow|env|args):\s*(.*?)\s*$/.exec(text);
    if (!m) return;
    const [, directive, value] = m;
    if (directive === 'expect') {
      if (value === 'nothing') { spec.expectNothing = true; return; }
      const e = /^([a-z-]+)\s*@\s*(\d+)$/.exec(value) ?? fail(i, 'expected `expect: <kind> @ <line>` or `expect: nothing`');
      if (!isKind(e[1])) fail(i, `unknown finding kind "${e[1]}"`);
      const line = Number(e[2]);
      if (line < 1 || line > lines.length) fail(i, `line ${line} is outside the file`);
      const target = lines[line - 1].trim();
      if (target === '' || target.startsWith('//')) fail(i, `line ${line} is blank or a comment (did the file move?)`);
      spec.expects.push({ kind: e[1] as FindingKind, line });
    } else if (directive === 'allow') {
      const a = /^info\s+([a-z-]+)$/.exec(value) ?? fail(i, 'expected `allow: info <kind>`');
      if (!isKind(a[1])) fail(i, `unknown finding kind "${a[1]}"`);
      spec.allowInfo.push(a[1] as FindingKind);
    } else if (directive === 'env') {
      const v = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(value) ?? fail(i, 'expected `env: NAME=value`');
      spec.env[v[1]] = v[2];
    } else {
      spec.args.push(...value.split(/\s+/).filter(Boolean));
    }
  });
  if (spec.expectNothing && spec.expects.length > 0) throw new Error(`${file}: says both "expect: nothing" and expects findings`);
  if (!spec.expectNothing && spec.expects.length === 0) throw new Error(`${file}: no "// expect:" line in the header`);
  return spec;
}

/** The order of the lessons in samples/README.md; other groups follow alphabetically. */
const GROUP_ORDER = ['io', 'cpu', 'mixed', 'blocking-io', 'fanout', 'threadpool', 'cluster'];
const groupRank = (group: string) => { const i = GROUP_ORDER.indexOf(group); return i < 0 ? GROUP_ORDER.length : i; };

/** Every sample program under dir (not lib/ or walkthrough/), by group then path; `filter` keeps variants containing any of the strings. */
export function discoverSamples(dir: string, filter: string[] = []): SampleSpec[] {
  const root = fs.realpathSync(dir);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (d !== root && SAMPLE_FILE.test(entry.name) && !/\.test\.|\.d\.ts$/.test(entry.name)) files.push(p);
    }
  };
  walk(root);
  return files
    .map((file) => {
      const variant = path.relative(root, file).split(path.sep).join('/').replace(SAMPLE_FILE, '').replace(/(^|\/)\d+-/g, '$1');
      return parseSampleHeader(fs.readFileSync(file, 'utf8'), file, variant);
    })
    .sort((a, b) => groupRank(a.group) - groupRank(b.group) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .filter((s) => filter.length === 0 || filter.some((f) => s.variant.includes(f)));
}

export interface FindingCheck { ok: boolean; missing: string[]; unexpected: string[] }

const describe = (f: Finding) => `${f.kind} @ ${path.basename(f.location.file)}:${f.location.line} (${f.severity}, lane ${f.laneId})`;

/** Compares a report's findings with the sample header, strictly. */
export function checkFindings(spec: SampleSpec, report: Report): FindingCheck {
  const here = (f: Finding) => f.location.file === spec.file;
  const matches = (f: Finding, e: ExpectedFinding) => f.kind === e.kind && here(f) && f.location.line === e.line;
  const missing = spec.expects
    .filter((e) => !report.findings.some((f) => matches(f, e)))
    .map((e) => `${e.kind} @ ${e.line}`);
  const unexpected = report.findings
    .filter((f) => !spec.expects.some((e) => matches(f, e)))
    .filter((f) => !(f.severity === 'info' && spec.allowInfo.includes(f.kind)))
    .map(describe);
  return { ok: missing.length === 0 && unexpected.length === 0, missing, unexpected };
}

export interface MatrixRow {
  variant: string;
  wallMs: number;
  userMs: number;
  systemMs: number;
  cpuPercent: number;
  maxRssMb: number;
  lagP99Ms: number;
  maxConcurrency: number;
  /** `kind@line` per finding (other files as `kind@file:line`). */
  findings: string;
  verdict: string;
  /** The findings match the sample header. */
  matches: boolean;
  check: FindingCheck;
  exitCode: number | null;
  error?: string;
  /** Wall time of the same program run with plain node, without the profiler (what the lessons compare). */
  plainWallMs?: number;
}

/**
 * One word for what the run did, from the metrics alone: `parallel` (more than ~1.3 cores busy on
 * average), `concurrent` (2+ waits in flight at once), else `sequential`; `+ loop blocked` when
 * the main event loop was blocked (p99 lag ≥ 50 ms, or a blocking-cpu / sync-io finding on it).
 */
export function verdictFor(report: Report): string {
  const { cpuParallelism, maxConcurrency, eventLoopLagMs } = report.metrics;
  const shape = cpuParallelism >= 1.3 ? 'parallel' : maxConcurrency >= 2 ? 'concurrent' : 'sequential';
  const mainLanes = new Set(report.lanes.filter((l) => l.kind === 'main').map((l) => l.id));
  const blockedBy = report.findings.some((f) => (f.kind === 'blocking-cpu' || f.kind === 'sync-io') && f.severity !== 'info' && mainLanes.has(f.laneId));
  return blockedBy || eventLoopLagMs.p99 >= 50 ? `${shape} + loop blocked` : shape;
}

export function rowFor(spec: SampleSpec, report: Report): MatrixRow {
  const check = checkFindings(spec, report);
  const findings = report.findings
    .map((f) => `${f.kind}@${f.location.file === spec.file ? '' : `${path.basename(f.location.file)}:`}${f.location.line}`)
    .filter((f, i, all) => all.indexOf(f) === i)
    .join(' ');
  const p = report.program;
  return {
    variant: spec.variant,
    wallMs: p.wallMs,
    userMs: p.userCpuMs,
    systemMs: p.systemCpuMs,
    cpuPercent: p.cpuPercent,
    maxRssMb: p.maxRssKb / 1024,
    lagP99Ms: report.metrics.eventLoopLagMs.p99,
    maxConcurrency: report.metrics.maxConcurrency,
    findings: findings || '-',
    verdict: verdictFor(report),
    matches: check.ok && p.exitCode === 0 && !p.error,
    check,
    exitCode: p.exitCode,
    error: p.error ?? (p.exitCode === 0 ? undefined : `exit code ${p.exitCode}${p.signal ? ` (${p.signal})` : ''}`),
  };
}

function failedRow(spec: SampleSpec, error: string): MatrixRow {
  const check = { ok: false, missing: spec.expects.map((e) => `${e.kind} @ ${e.line}`), unexpected: [] };
  return {
    variant: spec.variant, wallMs: NaN, userMs: NaN, systemMs: NaN, cpuPercent: NaN, maxRssMb: NaN, lagP99Ms: NaN,
    maxConcurrency: NaN, findings: '-', verdict: 'not profiled', matches: false, check, exitCode: null, error,
  };
}

const ALL_COLUMNS: { title: string; cell: (r: MatrixRow) => string; right?: boolean }[] = [
  { title: 'variant', cell: (r) => r.variant },
  { title: 'wall', cell: (r) => `${(r.wallMs / 1000).toFixed(2)} s`, right: true },
  { title: 'plain wall', cell: (r) => (r.plainWallMs === undefined || Number.isNaN(r.plainWallMs) ? '-' : `${(r.plainWallMs / 1000).toFixed(2)} s`), right: true },
  { title: 'user', cell: (r) => `${(r.userMs / 1000).toFixed(2)} s`, right: true },
  { title: 'system', cell: (r) => `${(r.systemMs / 1000).toFixed(2)} s`, right: true },
  { title: 'CPU %', cell: (r) => `${Math.round(r.cpuPercent)} %`, right: true },
  { title: 'peak RSS', cell: (r) => `${Math.round(r.maxRssMb)} MB`, right: true },
  { title: 'lag p99', cell: (r) => `${Math.round(r.lagP99Ms)} ms`, right: true },
  { title: 'max conc.', cell: (r) => String(r.maxConcurrency), right: true },
  { title: 'findings', cell: (r) => r.findings },
  { title: 'verdict', cell: (r) => r.verdict },
  { title: 'header', cell: (r) => (r.matches ? 'ok' : 'MISMATCH') },
];

/** The table as aligned plain text, or as a Markdown table. (The plain-wall column only when some row has it.) */
export function formatTable(rows: MatrixRow[], markdown = false): string {
  const COLUMNS = ALL_COLUMNS.filter((c) => c.title !== 'plain wall' || rows.some((r) => r.plainWallMs !== undefined));
  const cells = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  if (markdown) {
    const head = `| ${COLUMNS.map((c) => c.title).join(' | ')} |`;
    const rule = `|${COLUMNS.map((c) => (c.right ? '---:' : '---')).join('|')}|`;
    return [head, rule, ...cells.map((row) => `| ${row.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
  }
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (COLUMNS[i].right ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(COLUMNS.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export interface Lesson {
  name: string;
  /** Wall time of `slow` / wall time of `fast`. */
  slow: string;
  fast: string;
  expectation: string;
  min: number;
  max: number;
}

/** The lessons of samples/README.md as wall-time ratios, with generous bounds for a busy 2-core machine. */
export const LESSONS: Lesson[] = [
  { name: 'I/O: Promise.all vs sequential', slow: 'io/sequential', fast: 'io/promise-all', expectation: '≥ 5×', min: 5, max: Infinity },
  { name: 'I/O: async one-at-a-time vs sequential', slow: 'io/async-one-at-a-time', fast: 'io/sequential', expectation: '≈ 1×', min: 0.75, max: 1.35 },
  { name: 'I/O: worker pool vs sequential', slow: 'io/sequential', fast: 'io/worker-pool', expectation: '> 1×', min: 1.5, max: Infinity },
  { name: 'CPU: worker pool (= cores) vs sequential', slow: 'cpu/sequential', fast: 'cpu/worker-pool', expectation: '≈ 2×', min: 1.5, max: 2.6 },
  { name: 'CPU: Promise.all vs sequential', slow: 'cpu/sequential', fast: 'cpu/promise-all', expectation: '≈ 1×', min: 0.7, max: 1.35 },
  { name: 'CPU: oversized pool vs right-sized pool', slow: 'cpu/worker-pool', fast: 'cpu/oversized-pool', expectation: '≤ 1×', min: 0.3, max: 1.2 },
  { name: 'I/O+CPU: worker pool vs CPU on the loop', slow: 'mixed/cpu-on-the-loop', fast: 'mixed/worker-pool', expectation: '> 1×', min: 1.1, max: Infinity },
  { name: 'Fan-out: Promise.all vs sequential awaits', slow: 'fanout/sequential-awaits', fast: 'fanout/promise-all', expectation: '> 1× (900 vs 400 ms of waiting)', min: 1.2, max: Infinity },
  { name: 'Fan-out: 3 s service with a 500 ms timeout vs Promise.all', slow: 'fanout/slow-service-timeout', fast: 'fanout/promise-all', expectation: '≈ 1×', min: 0.7, max: 1.5 },
  { name: 'Thread pool: 128 threads vs 4 threads', slow: 'threadpool/default-pool', fast: 'threadpool/bigger-pool', expectation: '> 1×, far below 32×', min: 0.8, max: 4 },
];

export interface LessonResult extends Lesson { ratio: number | null; ok: boolean }

/**
 * Ratios of wall times: of the plain runs when both samples have one (the profiler's own start-up
 * and per-thread costs are not part of the lesson), else of the profiled runs.
 */
export function lessonRatios(rows: MatrixRow[]): LessonResult[] {
  const row = (variant: string) => rows.find((r) => r.variant === variant && !r.error);
  const plain = (r?: MatrixRow) => (r?.plainWallMs !== undefined && !Number.isNaN(r.plainWallMs) ? r.plainWallMs : undefined);
  return LESSONS.map((lesson) => {
    const [s, f] = [row(lesson.slow), row(lesson.fast)];
    const bothPlain = plain(s) !== undefined && plain(f) !== undefined;
    const slow = bothPlain ? plain(s) : s?.wallMs;
    const fast = bothPlain ? plain(f) : f?.wallMs;
    const ratio = slow && fast ? slow / fast : null;
    return { ...lesson, ratio, ok: ratio !== null && ratio >= lesson.min && ratio <= lesson.max };
  }).filter((l) => rows.some((r) => r.variant === l.slow) && rows.some((r) => r.variant === l.fast));
}

export function formatLessons(lessons: LessonResult[]): string {
  const width = Math.max(0, ...lessons.map((l) => l.name.length));
  return lessons
    .map((l) => `${l.name.padEnd(width)}  ${l.ratio === null ? 'n/a' : `${l.ratio.toFixed(2)}×`.padStart(6)}  (expected ${l.expectation})${l.ok ? '' : '  <- off'}`)
    .join('\n');
}

export interface MatrixOptions {
  /** Keep only variants containing one of these strings (e.g. ['io/', 'cpu/sequential']). */
  filter?: string[];
  /** Print the table as Markdown (for samples/README.md). */
  markdown?: boolean;
  /** Write rows, lessons and the per-sample reports' findings to this JSON file. */
  json?: string;
  /** Where output lines go. Default: process.stdout. */
  print?: (text: string) => void;
  /** Show the samples' own output. Default false. */
  verbose?: boolean;
  /** How to profile one sample. Default: startProfile() from recorder/profile.ts. */
  profile?: (spec: SampleSpec) => Promise<Report>;
  /** Also run each sample once with plain node for the "plain wall" column and the lessons. Default true. */
  plain?: boolean;
  /** How to time a plain run (ms, NaN if it failed). Default: timePlainRun(). */
  timePlain?: (spec: SampleSpec) => Promise<number>;
}

export interface MatrixResult {
  rows: MatrixRow[];
  lessons: LessonResult[];
  /** Every sample ran, exited 0 and matched its header. (Lesson ratios are informative only.) */
  ok: boolean;
}

/** Runs a sample with plain node (TypeScript through tsx), no profiler; resolves with its wall time in ms, NaN if it failed. */
export function timePlainRun(spec: SampleSpec, nodePath = process.execPath): Promise<number> {
  const loader = /\.[mc]?ts$/.test(spec.file) ? ['--import', 'tsx'] : [];
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
  delete env.NODE_TEST_CONTEXT;
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(nodePath, [...loader, spec.file, ...spec.args], { cwd: path.dirname(spec.file), env, stdio: 'ignore' });
    child.on('error', () => resolve(NaN));
    child.on('exit', (code) => resolve(code === 0 ? performance.now() - t0 : NaN));
  });
}

function profileWithEngine(spec: SampleSpec, verbose: boolean): Promise<Report> {
  const run = startProfile({
    command: [spec.file, ...spec.args],
    cwd: path.dirname(spec.file),
    env: spec.env,
    stdio: verbose ? 'inherit' : 'pipe',
  });
  return run.done;
}

/** Profiles every sample under dir, one at a time, and prints the matrix. Resolves; never rejects for a failing sample. */
export async function runMatrix(dir: string, opts: MatrixOptions = {}): Promise<MatrixResult> {
  const print = opts.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const specs = discoverSamples(dir, opts.filter ?? []);
  const profile = opts.profile ?? ((spec: SampleSpec) => profileWithEngine(spec, opts.verbose ?? false));
  const rows: MatrixRow[] = [];
  const reports: { variant: string; findings: Finding[]; check: FindingCheck }[] = [];
  for (const [i, spec] of specs.entries()) {
    process.stderr.write(`[${i + 1}/${specs.length}] ${spec.variant}…\n`);
    try {
      const plainWallMs = opts.plain === false ? undefined : await (opts.timePlain ?? timePlainRun)(spec);
      const report = await profile(spec);
      const row = { ...rowFor(spec, report), plainWallMs };
      rows.push(row);
      reports.push({ variant: spec.variant, findings: report.findings, check: row.check });
    } catch (err) {
      rows.push(failedRow(spec, err instanceof Error ? err.message : String(err)));
    }
  }
  const lessons = lessonRatios(rows);
  print(formatTable(rows, opts.markdown));
  const problems = rows.filter((r) => !r.matches);
  for (const r of problems) {
    print(`\n${r.variant}: ${r.error ?? ''}`);
    for (const m of r.check.missing) print(`  missing:    ${m}`);
    for (const u of r.check.unexpected) print(`  unexpected: ${u}`);
  }
  if (lessons.length > 0) print(`\n${formatLessons(lessons)}`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ rows, lessons, reports }, null, 2));
  return { rows, lessons, ok: problems.length === 0 };
}
