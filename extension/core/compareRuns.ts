/** Compares two runs of a program: what got faster, and which findings went away. */
import type { Finding, Report } from '../../analyzer/report';

export interface MetricRow {
  name: string;
  before: number;
  after: number;
  unit: 'ms' | '%' | '';
  /** True when a smaller value is better (wall, lag); undefined when neither is (CPU %). */
  lowerIsBetter?: boolean;
}

export interface RunComparison {
  rows: MetricRow[];
  resolved: Finding[];
  remaining: Finding[];
  introduced: Finding[];
}

/** Findings are the same across runs when kind and source line agree. */
const findingKey = (f: Finding) => `${f.kind}|${f.location.file}|${f.location.line}`;

export function compareRuns(before: Report, after: Report): RunComparison {
  const rows: MetricRow[] = [
    { name: 'Wall time', before: before.program.wallMs, after: after.program.wallMs, unit: 'ms', lowerIsBetter: true },
    { name: 'CPU', before: before.program.cpuPercent, after: after.program.cpuPercent, unit: '%' },
    { name: 'Event loop lag p99', before: before.metrics.eventLoopLagMs.p99, after: after.metrics.eventLoopLagMs.p99, unit: 'ms', lowerIsBetter: true },
    { name: 'Event loop lag max', before: before.metrics.eventLoopLagMs.max, after: after.metrics.eventLoopLagMs.max, unit: 'ms', lowerIsBetter: true },
    { name: 'Max concurrency', before: before.metrics.maxConcurrency, after: after.metrics.maxConcurrency, unit: '', lowerIsBetter: false },
    { name: 'Findings', before: before.findings.length, after: after.findings.length, unit: '', lowerIsBetter: true },
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
