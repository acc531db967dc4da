/**
 * `concurrency-lens matrix <dir>`: profiles every sample program under <dir> one at a time and
 * prints one table (variant, wall, user, system, CPU %, peak RSS, loop lag p99, max concurrency,
 * findings, verdict), the mismatches, then the lesson ratios (e.g. I/O Promise.all vs sequential).
 * Exits 1 (ok: false) when any sample's findings do not match its header (spec.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { Finding, Report } from '../../analyzer/report';
import { startProfile } from '../../recorder/profile';
import { analyzeHandedOver } from '../../analyzer/analyze';
import { discoverSamples, type SampleSpec } from './spec';
import { failedRow, lessonRatios, rowFor, type FindingCheck, type LessonResult, type MatrixRow } from './check';
import { formatLessons, formatTable } from './table';

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
  /** How to profile one sample. Default: startProfile() from recorder/profile.ts, then analyzeHandedOver(). */
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

async function profileWithEngine(spec: SampleSpec, verbose: boolean): Promise<Report> {
  const run = startProfile({
    command: [spec.file, ...spec.args],
    cwd: path.dirname(spec.file),
    env: spec.env,
    stdio: verbose ? 'inherit' : 'pipe',
  });
  return analyzeHandedOver((await run.done).raw);
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
