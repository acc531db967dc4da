/**
 * Compares two runs of a program: what got faster or slower, which findings went away, which
 * are new and which changed. The one implementation behind the extension's "Compare Last Two
 * Runs" and `concurrency-lens compare`. Pure: two reports in, a comparison out.
 *
 * Findings are matched by what they are, not by line alone (findingIdentity.ts): the same kind
 * at the same site (file relative to the run's cwd, the site's code label, the function around
 * it) is the same finding when lines were inserted above it or the checkout moved.
 */
import type { Finding, Report } from './report';
import { IdentityIndex, type FindingIdentity } from './findingIdentity';

export interface MetricRow {
  name: string;
  before: number;
  after: number;
  unit: 'ms' | '%' | '';
  /** True when a smaller value is better (wall, lag); undefined when neither is (CPU %). */
  lowerIsBetter?: boolean;
  /** Changes up to this size (in the row's unit) are noise, whatever their ratio. */
  noise: number;
  /** Why before and after cannot be compared on this row (e.g. a run stopped by the user). */
  incomparable?: string;
  /**
   * The row counts as a regression when it got worse beyond its noise and the tolerance
   * (regressions()): wall time only. Lag is not: one stall of a loaded machine (a CI runner
   * descheduling the process) sets p99 of a short run as well as max; `--budget lag.p99=…` holds
   * lag to an absolute limit instead. CPU % and concurrency describe, they are not better or worse.
   */
  gated?: boolean;
}

/** A finding of the earlier run matched to one of the later run. */
export interface FindingPair {
  before: Finding;
  after: Finding;
  /** How its total time changed: within FINDING_NOISE_MS or the tolerance is 'same'. */
  verdict: 'better' | 'worse' | 'same';
  /** How the match was made: the exact line, or the site's identity at another line. */
  matchedBy: 'line' | 'site';
}

export interface RunComparison {
  rows: MetricRow[];
  /** Findings of the earlier run with no match in the later one. */
  resolved: Finding[];
  /** Findings of the later run that match one of the earlier run (the later run's objects). */
  remaining: Finding[];
  /** Findings of the later run with no match in the earlier one. */
  introduced: Finding[];
  /** The matched findings, before and after, in the later run's order. */
  pairs: FindingPair[];
  /** The tolerance the verdicts were judged with (CompareOptions). */
  tolerance: number;
}

export interface CompareOptions {
  /**
   * Relative change (0.5 = 50 %) a gated metric or a matched finding's total time must exceed,
   * beyond its absolute noise floor, to be 'worse' (default DEFAULT_TOLERANCE).
   */
  tolerance?: number;
}

/**
 * 50 %: one run against one run on shared CI machines; the same 1.2 s program took 48 % longer in
 * one of two runs on a loaded 2-core machine (load average 17–23). Tighten it with --tolerance on quiet runners.
 */
export const DEFAULT_TOLERANCE = 0.5;
/** A finding's total time changing by up to this much is noise (timers fire late on a loaded machine). */
export const FINDING_NOISE_MS = 50;

/** Why a run's wall time says nothing about the program's speed, if it does not. */
export function wallNotComparable(r: Report): string | undefined {
  switch (r.program.stopReason) {
    case 'stopped': return 'stopped by you';
    case 'duration': return 'stopped after --duration';
    case 'error': return 'did not finish';
    default: return undefined;
  }
}

export function compareRuns(before: Report, after: Report, options: CompareOptions = {}): RunComparison {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const stopped = [wallNotComparable(before) && `the previous run was ${wallNotComparable(before)}`, wallNotComparable(after) && `the latest run was ${wallNotComparable(after)}`].filter(Boolean).join('; ');
  const rows: MetricRow[] = [
    { name: 'Wall time', before: before.program.wallMs, after: after.program.wallMs, unit: 'ms', lowerIsBetter: true, noise: Math.max(50, before.program.wallMs * 0.05), gated: true, ...(stopped ? { incomparable: stopped } : {}) },
    { name: 'CPU', before: before.program.cpuPercent, after: after.program.cpuPercent, unit: '%', noise: 10 },
    { name: 'Event loop lag p99', before: before.metrics.eventLoopLagMs.p99, after: after.metrics.eventLoopLagMs.p99, unit: 'ms', lowerIsBetter: true, noise: 10 },
    { name: 'Event loop lag max', before: before.metrics.eventLoopLagMs.max, after: after.metrics.eventLoopLagMs.max, unit: 'ms', lowerIsBetter: true, noise: 10 },
    { name: 'Max concurrency', before: before.metrics.maxConcurrency, after: after.metrics.maxConcurrency, unit: '', lowerIsBetter: false, noise: 1 },
    { name: 'Findings', before: before.findings.length, after: after.findings.length, unit: '', lowerIsBetter: true, noise: 0 },
  ];
  const matches = matchFindings(before, after);
  const matchedBefore = new Set(matches.map((m) => m.before));
  const matchedAfter = new Map(matches.map((m) => [m.after, m]));
  const pairs: FindingPair[] = after.findings.flatMap((f) => {
    const m = matchedAfter.get(f);
    return m ? [{ ...m, verdict: findingVerdict(m.before, m.after, tolerance) }] : [];
  });
  return {
    rows,
    resolved: before.findings.filter((f) => !matchedBefore.has(f)),
    remaining: pairs.map((p) => p.after),
    introduced: after.findings.filter((f) => !matchedAfter.has(f)),
    pairs,
    tolerance,
  };
}

function findingVerdict(before: Finding, after: Finding, tolerance: number): FindingPair['verdict'] {
  const d = after.totalMs - before.totalMs;
  if (Math.abs(d) <= Math.max(FINDING_NOISE_MS, before.totalMs * tolerance)) return 'same';
  return d > 0 ? 'worse' : 'better';
}

/**
 * Pairs findings of two runs, most certain first: the same kind at the same file, line and
 * column; then the same kind, file, site label and function at another line; then the same
 * label (the function around it was not sampled in one run); then the same function (sites
 * without a label, e.g. the hot line of a CPU block, which moves within its function from run
 * to run). Within a tier the nearest candidate wins (by the line's offset in its function when
 * both know it). Findings without a label or a function match on the exact line only.
 */
export function matchFindings(before: Report, after: Report): { before: Finding; after: Finding; matchedBy: 'line' | 'site' }[] {
  const ib = new IdentityIndex(before);
  const ia = new IdentityIndex(after);
  type Side = { f: Finding; id: FindingIdentity };
  const left: Side[] = before.findings.map((f) => ({ f, id: ib.identity(f) }));
  const right: Side[] = after.findings.map((f) => ({ f, id: ia.identity(f) }));
  const out: { before: Finding; after: Finding; matchedBy: 'line' | 'site' }[] = [];
  const tiers: { key: (s: Side) => string | undefined; by: 'line' | 'site' }[] = [
    { key: (s) => `${s.id.kind}|${s.id.file}|${s.f.location.line}|${s.f.location.column}`, by: 'line' },
    { key: (s) => (s.id.label !== undefined && s.id.fn !== undefined ? `${s.id.kind}|${s.id.file}|${s.id.label}|${s.id.fn}` : undefined), by: 'site' },
    { key: (s) => (s.id.label !== undefined ? `${s.id.kind}|${s.id.file}|${s.id.label}` : undefined), by: 'site' },
    { key: (s) => (s.id.label === undefined && s.id.fn !== undefined ? `${s.id.kind}|${s.id.file}||${s.id.fn}` : undefined), by: 'site' },
  ];
  const used = new Set<Side>();
  for (const tier of tiers) {
    const candidates = new Map<string, Side[]>();
    for (const s of left) {
      if (used.has(s)) continue;
      const k = tier.key(s);
      if (k !== undefined) candidates.set(k, [...(candidates.get(k) ?? []), s]);
    }
    for (const s of right) {
      if (used.has(s)) continue;
      const k = tier.key(s);
      const list = k === undefined ? undefined : candidates.get(k)?.filter((c) => !used.has(c));
      if (!list?.length) continue;
      const best = list.reduce((a, b) => (distance(a, s) <= distance(b, s) ? a : b));
      used.add(best).add(s);
      out.push({ before: best.f, after: s.f, matchedBy: tier.by });
    }
  }
  return out;
}

/** How far apart two sites are: by their line's offset in the function when both know it, else by line. */
function distance(a: { f: Finding; id: FindingIdentity }, b: { f: Finding; id: FindingIdentity }): number {
  if (a.id.fnLine !== undefined && b.id.fnLine !== undefined && a.id.fn === b.id.fn) {
    return Math.abs((a.f.location.line - a.id.fnLine) - (b.f.location.line - b.id.fnLine));
  }
  return Math.abs(a.f.location.line - b.f.location.line);
}

/** "-38%" style change; empty when there is no meaningful base. */
export function percentChange(row: MetricRow): string {
  if (!row.before) return '';
  const pct = ((row.after - row.before) / row.before) * 100;
  return `${pct > 0 ? '+' : ''}${Math.round(pct)}%`;
}

export type Verdict = 'better' | 'worse' | 'same' | 'changed' | 'incomparable';

/**
 * How a row changed, judged by absolute size as well as ratio: a change within the row's noise
 * is "same" however large its ratio (lag 2 → 5 ms is not +150 %); a ratio is only shown for a
 * base large enough to mean something. Text: "−2.85 s (−95%)", "+20", "≈ same".
 */
export function judgeChange(row: MetricRow, fmt: (row: MetricRow, v: number) => string): { verdict: Verdict; text: string } {
  const d = row.after - row.before;
  if (row.incomparable) return { verdict: 'incomparable', text: `not comparable: ${row.incomparable}` };
  if (Math.abs(d) <= row.noise) return { verdict: 'same', text: d === 0 ? 'same' : '≈ same (within noise)' };
  const sign = d > 0 ? '+' : '−';
  const abs = row.unit === '%' ? `${sign}${Math.round(Math.abs(d))} points` : `${sign}${fmt(row, Math.abs(d))}`;
  const ratioMeaningful = row.unit !== '%' && row.before > row.noise * 2;
  const text = ratioMeaningful ? `${abs} (${percentChange(row).replace('-', '−')})` : abs;
  const verdict: Verdict = row.lowerIsBetter === undefined ? 'changed' : (d < 0) === row.lowerIsBetter ? 'better' : 'worse';
  return { verdict, text };
}

/** One thing that got worse, in words, for `compare --fail-on-regression`. */
export interface Regression {
  what: 'new-finding' | 'finding-worse' | 'metric-worse';
  text: string;
}

/**
 * What regressed from `before` to `after`: every new finding; every matched finding whose total
 * time grew by more than max(FINDING_NOISE_MS, tolerance × before); every gated metric (wall
 * time, when both runs ended by themselves) worse by more than max(its noise, tolerance × before).
 * `where(f)` names a finding's site for the text ("app.js:15"); the tolerance is the comparison's.
 */
export function regressions(c: RunComparison, where: (f: Finding) => string): Regression[] {
  const tolerance = c.tolerance;
  const out: Regression[] = [];
  for (const f of c.introduced) out.push({ what: 'new-finding', text: `new finding ${f.kind} at ${where(f)}: ${f.message}` });
  for (const p of c.pairs) {
    if (p.verdict === 'worse') out.push({ what: 'finding-worse', text: `${p.after.kind} at ${where(p.after)} worse: ${round1(p.before.totalMs)} ms → ${round1(p.after.totalMs)} ms in total` });
  }
  for (const r of c.rows) {
    if (!r.gated || r.incomparable) continue;
    const worse = r.lowerIsBetter ? r.after - r.before : r.before - r.after;
    const allowed = Math.max(r.noise, Math.abs(r.before) * tolerance);
    if (worse > allowed) out.push({ what: 'metric-worse', text: `${r.name} worse: ${round1(r.before)} → ${round1(r.after)} ${r.unit} (allowed up to +${round1(allowed)} ${r.unit})`.replace(/ +\)/, ')') });
  }
  return out;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
