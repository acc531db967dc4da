/** Static HTML for "Compare Runs": metrics before → after and which findings were resolved. No scripts. */
import type { Report } from '../../analyzer/report';
import { compareRuns, percentChange, type MetricRow } from '../core/compareRuns';
import { formatMs } from '../../analyzer/format';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

function value(row: MetricRow, v: number): string {
  return row.unit === 'ms' ? formatMs(v) : row.unit === '%' ? `${Math.round(v)}%` : String(v);
}

export function compareHtml(before: Report, after: Report, nonce: string): string {
  const c = compareRuns(before, after);
  const rows = c.rows.map((r) => {
    const better = r.after === r.before || r.lowerIsBetter === undefined ? '' : (r.after < r.before) === r.lowerIsBetter ? 'better' : 'worse';
    return `<tr><td>${esc(r.name)}</td><td>${esc(value(r, r.before))}</td><td>${esc(value(r, r.after))}</td><td class="${better}">${esc(percentChange(r))}</td></tr>`;
  }).join('');
  const list = (title: string, cls: string, items: Report['findings']) => items.length
    ? `<h2>${esc(title)} (${items.length})</h2><ul class="${cls}">${items.map((f) => `<li>${esc(f.message)} <span class="where">${esc(base(f.location.file))}:${f.location.line}</span></li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 4px 16px 4px 0; border-bottom: 1px solid var(--vscode-widget-border, #8884); }
.better { color: var(--vscode-testing-iconPassed, green); } .worse { color: var(--vscode-testing-iconFailed, red); }
.where { opacity: .7; font-family: var(--vscode-editor-font-family); } .resolved li { text-decoration: line-through; }
</style><title>Compare runs</title></head><body>
<h1>Run comparison</h1>
<p>${esc(before.program.command.map(base).join(' '))} · previous run → latest run</p>
<table><tr><th>Metric</th><th>Before</th><th>After</th><th>Change</th></tr>${rows}</table>
${list('Findings resolved', 'resolved', c.resolved)}${list('Findings remaining', 'remaining', c.remaining)}${list('New findings', 'introduced', c.introduced)}
${c.resolved.length + c.remaining.length + c.introduced.length === 0 ? '<p>Neither run had findings.</p>' : ''}
</body></html>`;
}
