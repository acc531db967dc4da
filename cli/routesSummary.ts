import type { Report, RouteStat } from '../analyzer/report';
import { shortFile } from '../analyzer/context';
import { fmtMs as ms } from '../analyzer/stats';

const MAX_ROUTES = 15;

/**
 * The per-route table of the CLI summary: requests served (and made) by route with exact
 * counts, latency percentiles and, for server routes, where their slowest 1% spent the time.
 */
export function formatRoutes(report: Report): string[] {
  const routes = report.routes ?? [];
  if (routes.length === 0) return [];
  const rows = routes.slice(0, MAX_ROUTES);
  const name = (r: RouteStat) => `${r.kind === 'client' ? '→ ' : ''}${r.method} ${r.route}`;
  const width = Math.min(48, Math.max(...rows.map((r) => name(r).length)));
  const lines = [`HTTP requests (${routes.reduce((a, r) => a + r.count, 0)}, max ${report.metrics.maxRequestsInFlight ?? 0} in flight; → made by the program):`];
  lines.push(`  ${'route'.padEnd(width)}  ${'count'.padStart(6)}  ${'p50'.padStart(8)}  ${'p99'.padStart(8)}  ${'max'.padStart(8)}  status`);
  for (const r of rows) {
    const statuses = r.statuses.slice(0, 3).map((s) => `${s.status || 'failed'}×${s.count}`).join(' ') + (r.errors ? ` · ${r.errors} errors` : '');
    lines.push(`  ${name(r).slice(0, width).padEnd(width)}  ${String(r.count).padStart(6)}  ${ms(r.p50Ms).padStart(8)}  ${ms(r.p99Ms).padStart(8)}  ${ms(r.maxMs).padStart(8)}  ${statuses}`);
  }
  if (routes.length > rows.length) lines.push(`  … ${routes.length - rows.length} more routes in the report`);
  const attributed = rows.filter((r) => r.p99);
  if (attributed.length) {
    lines.push('slowest 1% of requests, by route (estimated from CPU samples):');
    for (const r of attributed) {
      lines.push(`  ${r.p99!.text.replace(/ \(estimated from CPU samples\)$/, '')}`);
      for (const b of r.p99!.queuedBehind.slice(1)) lines.push(`      also queued behind ${shortFile(b.location.file)}:${b.location.line} ${b.label} (${ms(b.ms)})`);
    }
  }
  return lines;
}
