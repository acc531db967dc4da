/**
 * `--fail-on KIND[:MIN_MS],…`: finding kinds a CI job fails on. A finding matches a rule when its
 * kind is the rule's (or the rule is `any`) and its total time (`totalMs`, the figure every
 * surface states: all occurrences, all lanes) is at least MIN_MS (0 when omitted). Pure.
 */
import type { Finding, Report } from './report';
import { FINDING_KINDS, isFindingKind } from './findingKinds';
import { formatMs } from './format';
import { figuresLine } from './findingFigures';

export interface FailOnRule {
  kind: string; // a FindingKind or 'any'
  minMs: number;
  text: string;
}

/** Parses `blocking-cpu:50,sync-io`; MIN_MS may carry `ms` or `s`. Throws a usage Error on an unknown kind or a bad number. */
export function parseFailOn(spec: string): FailOnRule[] {
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const [kind, min, extra] = part.split(':');
    if (kind !== 'any' && !isFindingKind(kind)) throw new Error(`--fail-on: unknown finding kind '${kind}' (known: ${FINDING_KINDS.join(', ')}, or any)`);
    let minMs = 0;
    if (min !== undefined || extra !== undefined) {
      const m = /^([0-9]*\.?[0-9]+)(ms|s)?$/.exec(min ?? '');
      if (!m || extra !== undefined) throw new Error(`--fail-on: '${part}' needs KIND or KIND:MIN_MS with a number of milliseconds (e.g. blocking-cpu:50)`);
      minMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
    }
    return { kind, minMs, text: part };
  });
}

/**
 * One line per finding that a rule matches (each finding once, under the first rule that
 * matches it): "fail-on blocking-cpu:50: blocking-cpu at app.js:6 — 1× · 120 ms total".
 * `where(f)` names the site.
 */
export function checkFailOn(report: Report, rules: FailOnRule[], where: (f: Finding) => string): string[] {
  const lines: string[] = [];
  for (const f of report.findings) {
    const rule = rules.find((r) => (r.kind === 'any' || r.kind === f.kind) && f.totalMs >= r.minMs);
    if (rule) lines.push(`fail-on ${rule.text}: ${f.kind} at ${where(f)} (${figuresLine(f)}${rule.minMs ? `; ≥ ${formatMs(rule.minMs)}` : ''})`);
  }
  return lines;
}
