/**
 * Budgets (`--budget lag.p99=50ms,blocking.total=200ms`): limits on a run's measured figures
 * that a CI job fails on. A small fixed set of metric names, each read from one place of the
 * report and stated in `--help` (BUDGET_METRICS). A budget whose figure was not recorded is a
 * breach too ("not checked"): a gate that could not measure must not pass. Pure.
 */
import type { Lane, Report } from './report';
import { formatMs } from './format';
import { FINDING_KIND_INFO, type FindingKind } from './findingKinds';

type Unit = 'time' | 'size' | 'count';

interface MetricDef {
  unit: Unit;
  /** What the name measures, for `--help`. */
  help: string;
  /** The measured values to hold against the limit: one per lane for lag, else one. `missing` says why there is none. */
  measure(r: Report): { value: number; where?: string }[] | { missing: string };
}

/**
 * Lanes whose loop lag a lag budget holds: the main process, and every other process that served
 * HTTP requests (cluster workers). Worker threads and processes working for their parent (pools,
 * a test runner's workers) exist to run long tasks; their blocks are findings, not lag budgets.
 */
function loopLanes(r: Report): Lane[] {
  const served = new Set((r.routes ?? []).filter((rt) => rt.kind === 'server').flatMap((rt) => rt.laneIds));
  return r.lanes.filter((l) => l.threadId === 0 && !l.launcher && !l.external && l.lagMs && (l.kind === 'main' || (l.kind === 'process' && served.has(l.id))));
}

const where = (l: Lane) => `${l.kind} (pid ${l.pid})`;

const lag = (q: 'p50' | 'p99' | 'max'): MetricDef => ({
  unit: 'time',
  help: `event-loop lag ${q} of the main process and of each process serving HTTP`,
  measure: (r) => {
    const lanes = loopLanes(r);
    return lanes.length ? lanes.map((l) => ({ value: l.lagMs![q], where: where(l) })) : { missing: 'no event-loop lag was recorded (no main process ran user code under the probe)' };
  },
});

const BLOCKING_KINDS = (Object.keys(FINDING_KIND_INFO) as FindingKind[]).filter((k) => FINDING_KIND_INFO[k].blocksLoop);

export const BUDGET_METRICS: Record<string, MetricDef> = {
  'lag.p50': lag('p50'),
  'lag.p99': lag('p99'),
  'lag.max': lag('max'),
  'blocking.total': {
    unit: 'time',
    help: `total time of ${BLOCKING_KINDS.join(' and ')} findings, all lanes`,
    measure: (r) => [{ value: r.findings.filter((f) => BLOCKING_KINDS.includes(f.kind)).reduce((s, f) => s + f.totalMs, 0) }],
  },
  wall: { unit: 'time', help: 'wall time of the run', measure: (r) => [{ value: r.program.wallMs }] },
  cpu: { unit: 'time', help: 'user + system CPU time, all processes', measure: (r) => [{ value: r.program.userCpuMs + r.program.systemCpuMs }] },
  rss: { unit: 'size', help: 'peak RSS of the largest process (KB, MB or GB)', measure: (r) => [{ value: r.program.maxRssKb }] },
  findings: { unit: 'count', help: 'number of findings (a plain number)', measure: (r) => [{ value: r.findings.length }] },
};

export interface Budget {
  metric: string;
  /** The limit in the metric's base unit: ms for times, KB for sizes, a count. */
  limit: number;
  /** As the user wrote it ("lag.p99=50ms"), for messages. */
  text: string;
}

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000 };
const SIZE_UNITS: Record<string, number> = { kb: 1, mb: 1024, gb: 1024 * 1024 };

/** Parses `name=value[,name=value…]`; throws an Error with a usage message on an unknown name or a bad value/unit. */
export function parseBudgets(spec: string): Budget[] {
  const out: Budget[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([\w.]+)\s*=\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)$/.exec(part);
    const name = m?.[1] ?? part.split('=')[0];
    const def = BUDGET_METRICS[name];
    if (!def) throw new Error(`--budget: unknown metric '${name}' (known: ${Object.keys(BUDGET_METRICS).join(', ')})`);
    if (!m) throw new Error(`--budget: '${part}' is not NAME=VALUE (e.g. lag.p99=50ms)`);
    const value = Number(m[2]);
    const unit = m[3].toLowerCase();
    let factor: number | undefined;
    if (def.unit === 'time') factor = TIME_UNITS[unit];
    else if (def.unit === 'size') factor = SIZE_UNITS[unit];
    else factor = unit === '' && Number.isInteger(value) ? 1 : undefined;
    if (factor === undefined) {
      const want = def.unit === 'time' ? 'a time with a unit: ms or s (e.g. 50ms)' : def.unit === 'size' ? 'a size with a unit: KB, MB or GB (e.g. 200MB)' : 'a whole number without a unit';
      throw new Error(`--budget: ${name} needs ${want}, got '${m[2]}${m[3]}'`);
    }
    out.push({ metric: name, limit: value * factor, text: part.replace(/\s+/g, '') });
  }
  return out;
}

function show(unit: Unit, v: number): string {
  if (unit === 'time') return formatMs(v);
  if (unit === 'size') return `${Math.round(v / 1024)} MB`;
  return String(v);
}

/** One line per breach: "budget lag.p99=50ms exceeded: 87.0 ms on main (pid 123)", or "… not checked: <why>". */
export function checkBudgets(report: Report, budgets: Budget[]): string[] {
  const lines: string[] = [];
  for (const b of budgets) {
    const def = BUDGET_METRICS[b.metric];
    const measured = def.measure(report);
    if ('missing' in measured) { lines.push(`budget ${b.text} not checked: ${measured.missing}`); continue; }
    for (const m of measured) {
      if (m.value > b.limit) lines.push(`budget ${b.text} exceeded: ${show(def.unit, m.value)}${m.where ? ` on ${m.where}` : ''}`);
    }
  }
  return lines;
}

/** The metric names and what they measure, for `--help`. */
export function budgetHelp(indent: string): string {
  const width = Math.max(...Object.keys(BUDGET_METRICS).map((k) => k.length));
  return Object.entries(BUDGET_METRICS).map(([k, d]) => `${indent}${k.padEnd(width)}  ${d.help}`).join('\n');
}
