/** The words a user reads about a finding: code lens titles, hover text, status lines. */
import type { Finding, Report } from '../../analyzer/report';
import { formatMs } from '../../analyzer/format';
import { findingKindInfo } from '../../analyzer/findingKinds';
import { evidenceSentences, findingFigures } from '../../analyzer/findingFigures';

export { formatMs };

/**
 * One line shown above the offending source line. Counts and durations come from
 * analyzer/findingFigures (the same figures as the hover, the panel and the CLI); icons are
 * codicons (`$(name)`), which every VS Code font renders.
 * @param awaitCount for sequential-awaits without `related`, how many adjacent awaits the source has.
 */
export function lensTitle(f: Finding, awaitCount?: number): string {
  const info = findingKindInfo(f.kind);
  if (!info) return f.message; // a kind this build does not know (a newer report)
  return info.lens({ ...findingFigures(f), related: f.related?.length, ...(f.chains ? { chains: f.chains } : {}), message: f.message }, awaitCount);
}

/** The sentence-like name of a finding kind (analyzer/findingKinds.ts); an unknown kind (a newer report) as is. */
export function kindTitle(kind: Finding['kind']): string {
  return findingKindInfo(kind)?.title ?? kind;
}

/** Plain-text evidence lines for hovers (rendered as text, never as markup). */
export function evidenceLines(f: Finding): string[] {
  const lines = evidenceSentences(f);
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

/**
 * Program-provided text made inert for a MarkdownString, spaces kept as ordinary spaces (so
 * hovers wrap between words: MarkdownString.appendText turns every space into a no-break
 * space). Markdown punctuation is backslash-escaped; line breaks stay soft.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
