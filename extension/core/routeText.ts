/** What a hover says about HTTP routes on a source line: the routes it handles, and the routes queued behind it. */
import type { Report } from '../../analyzer/report';
import { absoluteFile } from './findingsIndex';
import { formatMs } from './findingText';

/**
 * Lines about `file`:`line` (1-based): each route whose handler's own CPU ran there (count,
 * p50/p99 and where its slowest requests spent the time), and each route whose slowest
 * requests were queued behind it. Empty when the report has no requests there.
 */
export function routeHoverLines(report: Report | undefined, file: string, line: number): string[] {
  if (!report?.routes) return [];
  const cwd = report.program.cwd;
  const here = (loc: { file: string; line: number } | undefined) => !!loc && loc.line === line && absoluteFile({ ...loc, column: 1 }, cwd) === file;
  const out: string[] = [];
  for (const r of report.routes) {
    if (r.kind !== 'server') continue;
    if (here(r.handler)) {
      out.push(`${r.method} ${r.route}: ${r.count} requests · p50 ${formatMs(r.p50Ms)} · p99 ${formatMs(r.p99Ms)} · max ${formatMs(r.maxMs)}`);
      if (r.p99) out.push(r.p99.text);
    }
    const behind = r.p99?.queuedBehind.find((b) => here(b.location));
    if (behind && !here(r.handler)) out.push(`${r.method} ${r.route}: its slowest requests were queued behind this line (~${formatMs(behind.ms)} each of ${formatMs(r.p99!.totalMs)}; estimated from CPU samples)`);
  }
  return out;
}
