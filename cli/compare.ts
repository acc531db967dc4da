/**
 * `concurrency-lens compare before.json after.json [--fail-on-regression] [--tolerance PCT] [--json FILE]`:
 * the CLI form of the extension's "Compare Last Two Runs", on the same comparison
 * (analyzer/compareRuns.ts). Prints each headline metric before → after and each finding that
 * was resolved, is new, or changed; with --fail-on-regression exits EXIT_GATE when something
 * regressed (analyzer regressions()).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Finding, Report } from '../analyzer/report';
import { compareRuns, judgeChange, regressions, wallNotComparable, DEFAULT_TOLERANCE, FINDING_NOISE_MS, type MetricRow } from '../analyzer/compareRuns';
import { validateReport } from '../analyzer/validateReport';
import { findingSite } from '../analyzer/findingIdentity';
import { formatMs } from '../analyzer/format';
import { figuresLine } from '../analyzer/findingFigures';
import { EXIT_GATE, EXIT_USAGE } from './exitCodes';

export const COMPARE_SYNOPSIS = '  concurrency-lens compare <before.json> <after.json> [--fail-on-regression] [--tolerance PCT] [--json FILE]';

export const COMPARE_OPTIONS = `Compare options:
  --fail-on-regression     exit ${EXIT_GATE} when something regressed: a new finding (matched by kind and
                           site, not line alone), a finding whose total time grew by more than
                           max(${FINDING_NOISE_MS} ms, tolerance), or wall time longer by more than
                           max(50 ms, tolerance) when both runs ended by themselves. Lag is shown,
                           not gated (one stall of a busy CI runner sets p99 of a short run):
                           hold it with profile --budget lag.p99=…
  --tolerance PCT          relative change that counts (default ${DEFAULT_TOLERANCE * 100}%)
  --json FILE              write the comparison as JSON (rows, resolved, introduced, pairs, regressions)
Exit code: 0; ${EXIT_GATE} with --fail-on-regression when something regressed; 2 for bad usage or a
file that is not a report.`;

function readReport(file: string): Report {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new Error(`cannot read ${file}: ${(e as Error).message}`); }
  try { return validateReport(JSON.parse(text)); } catch (e) { throw new Error(`${file}: ${(e as Error).message}`); }
}

function value(row: MetricRow, v: number): string {
  return row.unit === 'ms' ? formatMs(v) : row.unit === '%' ? `${Math.round(v)}%` : String(v);
}

export function compareCommand(args: string[]): number {
  let before: Report, after: Report, tolerance: number;
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'fail-on-regression': { type: 'boolean' }, tolerance: { type: 'string' }, json: { type: 'string' } } });
    if (parsed.positionals.length !== 2) throw new Error(`compare needs two reports (before.json after.json), got ${parsed.positionals.length}`);
    const t = parsed.values.tolerance;
    tolerance = DEFAULT_TOLERANCE;
    if (t !== undefined) {
      const m = /^([0-9]*\.?[0-9]+)%?$/.exec(t);
      if (!m) throw new Error(`--tolerance needs a percentage (e.g. 25%), got '${t}'`);
      tolerance = Number(m[1]) / 100;
    }
    before = readReport(parsed.positionals[0]);
    after = readReport(parsed.positionals[1]);
  } catch (e) {
    process.stderr.write(`concurrency-lens: ${(e as Error).message}\n\nUsage:\n${COMPARE_SYNOPSIS}\n\n${COMPARE_OPTIONS}\n`);
    return EXIT_USAGE;
  }
  const c = compareRuns(before, after, { tolerance });
  const where = (r: Report) => (f: Finding) => findingSite(f, r.program.cwd);
  const whereAfter = where(after);
  const whereBefore = where(before);
  const regressed = regressions(c, whereAfter);
  const out: string[] = [];
  const title = (label: string, file: string, r: Report) => {
    const note = wallNotComparable(r);
    return `${label} ${file}: ${r.program.command.map((a) => path.basename(a)).join(' ')} · ${formatMs(r.program.wallMs)}${note ? ` (${note})` : ''}`;
  };
  out.push(title('before', parsed.positionals[0], before), title('after ', parsed.positionals[1], after), '');
  const nameWidth = Math.max(...c.rows.map((r) => r.name.length));
  for (const r of c.rows) {
    const { verdict, text } = judgeChange(r, value);
    out.push(`  ${r.name.padEnd(nameWidth)}  ${value(r, r.before).padStart(9)} → ${value(r, r.after).padEnd(9)}  ${verdict === 'same' || verdict === 'incomparable' ? text : `${verdict}: ${text}`}`);
  }
  const list = (heading: string, items: string[]) => { if (items.length) out.push('', `${heading} (${items.length}):`, ...items.map((s) => `  ${s}`)); };
  list('resolved', c.resolved.map((f) => `${f.kind} at ${whereBefore(f)}: ${f.message}`));
  list('new', c.introduced.map((f) => `${f.kind} at ${whereAfter(f)}: ${f.message}`));
  const moved = (p: (typeof c.pairs)[number]) => (whereBefore(p.before) !== whereAfter(p.after) ? ` (was ${whereBefore(p.before)})` : '');
  list('changed', c.pairs.filter((p) => p.verdict !== 'same').map((p) => `${p.verdict}: ${p.after.kind} at ${whereAfter(p.after)}${moved(p)}: ${formatMs(p.before.totalMs)} → ${formatMs(p.after.totalMs)} in total (${figuresLine(p.after)})`));
  list('unchanged', c.pairs.filter((p) => p.verdict === 'same').map((p) => `${p.after.kind} at ${whereAfter(p.after)}${moved(p)}: ${figuresLine(p.after)}`));
  if (c.resolved.length + c.introduced.length + c.pairs.length === 0) out.push('', 'neither run had findings');
  process.stdout.write(out.join('\n') + '\n');
  if (parsed.values.json) {
    const brief = (f: Finding) => ({ kind: f.kind, location: f.location, message: f.message, totalMs: f.totalMs, occurrences: f.occurrences });
    fs.writeFileSync(path.resolve(parsed.values.json), JSON.stringify({
      tolerance,
      rows: c.rows.map((r) => ({ ...r, ...judgeChange(r, value) })),
      resolved: c.resolved.map(brief),
      introduced: c.introduced.map(brief),
      pairs: c.pairs.map((p) => ({ verdict: p.verdict, matchedBy: p.matchedBy, before: brief(p.before), after: brief(p.after) })),
      regressions: regressed,
    }, null, 2));
  }
  if (parsed.values['fail-on-regression']) {
    for (const r of regressed) process.stderr.write(`regression: ${r.text}\n`);
    if (regressed.length) return EXIT_GATE;
    process.stderr.write('no regression\n');
  }
  return 0;
}
