/** The words a user reads about a finding: code lens titles, hover text, status lines. */
import type { Finding, Report } from '../../analyzer/report';
import { formatMs } from '../../analyzer/format';
import { FINDING_KIND_INFO } from '../../analyzer/findingKinds';

const times = (n: number) => `${n}×`;

/**
 * One line shown above the offending source line.
 * @param awaitCount for sequential-awaits without `related`, how many adjacent awaits the source has.
 */
export function lensTitle(f: Finding, awaitCount?: number): string {
  const saves = f.estimatedSavingsMs ? ` · would save ~${formatMs(f.estimatedSavingsMs)}` : '';
  switch (f.kind) {
    case 'blocking-cpu':
      return `⏱ blocked the event loop ${times(f.occurrences)} · ${formatMs(f.totalMs)} total`;
    case 'sync-io':
      // crypto's and zlib's *Sync calls compute rather than wait (analyzer/findings/syncIo.ts says which).
      return `⏱ synchronous ${/ran CPU work/.test(f.message) ? 'CPU work' : 'I/O'} blocked the event loop ${times(f.occurrences)} · ${formatMs(f.totalMs)} total`;
    case 'sequential-awaits': {
      const count = f.related?.length ? f.related.length + 1 : awaitCount;
      const save = f.estimatedSavingsMs ? ` · Promise.all would save ~${formatMs(f.estimatedSavingsMs)}` : '';
      return `⇉ ${count ?? 'several'} independent awaits ran in sequence${save}`;
    }
    case 'await-in-loop':
      return `⟳ await in a loop ran ${times(f.occurrences)} one after another${saves}`;
    case 'fake-concurrency':
      return `⚠ looks concurrent but ran one at a time · ${formatMs(f.totalMs)}${saves}`;
    case 'threadpool-saturation':
      return `⧗ libuv threadpool saturated · work queued ${formatMs(f.totalMs)}`;
    case 'pool-oversubscribed':
      return `⧗ more workers than cores · ${formatMs(f.totalMs)} contended`;
    default:
      return f.message;
  }
}

/** The sentence-like name of a finding kind (analyzer/findingKinds.ts); an unknown kind (a newer report) as is. */
export function kindTitle(kind: Finding['kind']): string {
  return FINDING_KIND_INFO[kind]?.title ?? kind;
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
