/**
 * The matrix's verdict on one run: does the report match the sample header (strictly), and the
 * row of figures the table shows. Pure: no I/O.
 */
import * as path from 'node:path';
import type { Finding, Report } from '../../analyzer/report';
import { runVerdict } from '../../analyzer/verdict';
import { LESSONS, type Lesson } from '../../samples/lessons';
import type { ExpectedFinding, SampleSpec } from './spec';

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
    verdict: runVerdict(report),
    matches: check.ok && p.exitCode === 0 && !p.error,
    check,
    exitCode: p.exitCode,
    error: p.error ?? (p.exitCode === 0 ? undefined : `exit code ${p.exitCode}${p.signal ? ` (${p.signal})` : ''}`),
  };
}

export function failedRow(spec: SampleSpec, error: string): MatrixRow {
  const check = { ok: false, missing: spec.expects.map((e) => `${e.kind} @ ${e.line}`), unexpected: [] };
  return {
    variant: spec.variant, wallMs: NaN, userMs: NaN, systemMs: NaN, cpuPercent: NaN, maxRssMb: NaN, lagP99Ms: NaN,
    maxConcurrency: NaN, findings: '-', verdict: 'not profiled', matches: false, check, exitCode: null, error,
  };
}

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

