/** The words a user reads about a finding: code lens titles, hover text, status lines. */
import type { Finding, Report } from '../../analyzer/report';
import { formatMs } from '../../analyzer/format';
import { findingKindInfo } from '../../analyzer/findingKinds';

const times = (n: number) => `${n}×`;

/**
 * One line shown above the offending source line: the kind's lens text (analyzer/findingKinds.ts);
 * a kind this build does not know (a newer report) shows its message.
 * @param awaitCount for sequential-awaits without `related`, how many adjacent awaits the source has.
 */
export function lensTitle(f: Finding, awaitCount?: number): string {
  return findingKindInfo(f.kind)?.lens(f, awaitCount) ?? f.message;
}

/** The sentence-like name of a finding kind (analyzer/findingKinds.ts); an unknown kind (a newer report) as is. */
export function kindTitle(kind: Finding['kind']): string {
  return findingKindInfo(kind)?.title ?? kind;
}

/** Plain-text evidence lines for hovers (rendered as text, never as markup). */
export function evidenceLines(f: Finding): string[] {
  const lines = [`Seen ${times(f.occurrences)}, ${formatMs(f.totalMs)} in total.`];
  if (f.estimatedSavingsMs) lines.push(`Estimated saving: ~${formatMs(f.estimatedSavingsMs)}.`);
  if (f.intervals?.length) {
    const longest = Math.max(...f.intervals.map((i) => i.endMs - i.startMs));
    lines.push(`${f.intervals.length} interval${f.intervals.length === 1 ? '' : 's'} on the timeline, the longest ${formatMs(longest)}.`);
  }
  if (f.related?.length) lines.push(`Related: ${f.related.map((r) => `line ${r.line}`).join(', ')}.`);
  return lines;
}

export function reportSummaryLine(r: Report): string {
  const n = r.findings.length;
  return `${formatMs(r.program.wallMs)} wall · CPU ${Math.round(r.program.cpuPercent)}% · ${n} finding${n === 1 ? '' : 's'}`;
}
