/** Static HTML for "Compare Runs": metrics before → after and which findings were resolved. No scripts. */
import type { Report } from '../../analyzer/report';
import { compareRuns, judgeChange, wallNotComparable, type MetricRow } from '../../analyzer/compareRuns';
import { formatMs } from '../../analyzer/format';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

function value(row: MetricRow, v: number): string {
  return row.unit === 'ms' ? formatMs(v) : row.unit === '%' ? `${Math.round(v)}%` : String(v);
}

/** The program as the user named it: script base names and arguments ("06-promise-all.js", "npm run dashboard"). */
function runTitle(r: Report): string {
  return r.program.command.map(base).join(' ');
}

/** Wall-clock time the run started, HH:MM:SS (local time of the extension host). */
function clock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function compareHtml(before: Report, after: Report, nonce: string): string {
  const c = compareRuns(before, after);
  const rows = c.rows.map((r) => {
    const { verdict, text } = judgeChange(r, value);
    return `<tr><td>${esc(r.name)}</td><td>${esc(value(r, r.before))}</td><td>${esc(value(r, r.after))}</td><td class="${verdict}">${esc(text)}</td></tr>`;
  }).join('');
  const run = (label: string, r: Report) => {
    const note = wallNotComparable(r);
    return `<div class="run"><span class="tag">${label}</span> <b>${esc(runTitle(r))}</b> · ${esc(clock(r.program.startEpochMs))} · ${esc(formatMs(r.program.wallMs))}${note ? ` <span class="note">(${esc(note)})</span>` : ''}</div>`;
  };
  // A remaining finding that moved or whose total time changed beyond noise says so (compareRuns' pairs).
  const pairOf = new Map(c.pairs.map((p) => [p.after, p]));
  const change = (f: Report['findings'][number]) => {
    const p = pairOf.get(f);
    if (!p) return '';
    const moved = p.before.location.line !== f.location.line || base(p.before.location.file) !== base(f.location.file) ? ` (was line ${p.before.location.line})` : '';
    const total = p.verdict === 'same' ? '' : ` <span class="${p.verdict}">${p.verdict}: ${esc(formatMs(p.before.totalMs))} → ${esc(formatMs(f.totalMs))}</span>`;
    return `${esc(moved)}${total}`;
  };
  const list = (title: string, cls: string, items: Report['findings']) => items.length
    ? `<h2>${esc(title)} (${items.length})</h2><ul class="${cls}">${items.map((f) => `<li>${esc(f.message)} <span class="where">${esc(base(f.location.file))}:${f.location.line}</span>${change(f)}</li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 4px 16px 4px 0; border-bottom: 1px solid var(--vscode-widget-border, #8884); }
.better { color: var(--vscode-testing-iconPassed, green); } .worse { color: var(--vscode-testing-iconFailed, red); }
.same, .note, .incomparable { color: var(--vscode-descriptionForeground); } .incomparable { font-style: italic; }
.run { margin: 2px 0; } .run .tag { display: inline-block; min-width: 4.5em; color: var(--vscode-descriptionForeground); }
table { margin-top: 10px; }
.where { opacity: .7; font-family: var(--vscode-editor-font-family); } .resolved li { text-decoration: line-through; }
</style><title>Compare runs</title></head><body>
<h1>Run comparison</h1>
${run('Before', before)}${run('After', after)}
<table><tr><th>Metric</th><th>Before</th><th>After</th><th>Change</th></tr>${rows}</table>
<p class="note">Changes within a few milliseconds (or a few percent of the wall time) are measurement noise and shown as “≈ same”.</p>
${list('Findings resolved', 'resolved', c.resolved)}${list('Findings remaining', 'remaining', c.remaining)}${list('New findings', 'introduced', c.introduced)}
${c.resolved.length + c.remaining.length + c.introduced.length === 0 ? '<p>Neither run had findings.</p>' : ''}
</body></html>`;
}
