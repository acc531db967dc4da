/** Compares two runs of a program: what got faster, and which findings went away. */
import type { Finding, Report } from '../../analyzer/report';

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
}

export interface RunComparison {
  rows: MetricRow[];
  resolved: Finding[];
  remaining: Finding[];
  introduced: Finding[];
}

/** Findings are the same across runs when kind and source line agree. */
const findingKey = (f: Finding) => `${f.kind}|${f.location.file}|${f.location.line}`;

/** Why a run's wall time says nothing about the program's speed, if it does not. */
export function wallNotComparable(r: Report): string | undefined {
  switch (r.program.stopReason) {
    case 'stopped': return 'stopped by you';
    case 'duration': return 'stopped after --duration';
    case 'error': return 'did not finish';
    default: return undefined;
  }
}

export function compareRuns(before: Report, after: Report): RunComparison {
  const stopped = [wallNotComparable(before) && `the previous run was ${wallNotComparable(before)}`, wallNotComparable(after) && `the latest run was ${wallNotComparable(after)}`].filter(Boolean).join('; ');
  const rows: MetricRow[] = [
    { name: 'Wall time', before: before.program.wallMs, after: after.program.wallMs, unit: 'ms', lowerIsBetter: true, noise: Math.max(50, before.program.wallMs * 0.05), ...(stopped ? { incomparable: stopped } : {}) },
    { name: 'CPU', before: before.program.cpuPercent, after: after.program.cpuPercent, unit: '%', noise: 10 },
    { name: 'Event loop lag p99', before: before.metrics.eventLoopLagMs.p99, after: after.metrics.eventLoopLagMs.p99, unit: 'ms', lowerIsBetter: true, noise: 10 },
    { name: 'Event loop lag max', before: before.metrics.eventLoopLagMs.max, after: after.metrics.eventLoopLagMs.max, unit: 'ms', lowerIsBetter: true, noise: 10 },
    { name: 'Max concurrency', before: before.metrics.maxConcurrency, after: after.metrics.maxConcurrency, unit: '', lowerIsBetter: false, noise: 1 },
    { name: 'Findings', before: before.findings.length, after: after.findings.length, unit: '', lowerIsBetter: true, noise: 0 },
  ];
  const afterKeys = new Set(after.findings.map(findingKey));
  const beforeKeys = new Set(before.findings.map(findingKey));
  return {
    rows,
    resolved: before.findings.filter((f) => !afterKeys.has(findingKey(f))),
    remaining: after.findings.filter((f) => beforeKeys.has(findingKey(f))),
    introduced: after.findings.filter((f) => !beforeKeys.has(findingKey(f))),
  };
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
