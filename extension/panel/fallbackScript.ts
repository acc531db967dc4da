/**
 * A small renderer for the report panel, used until the timeline bundle (dist/webview.js) exists:
 * summary, findings (click → source), comparison with a baseline. Runs inside the webview; all
 * program-provided strings are set with textContent.
 */
export const FALLBACK_STYLE = `
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
h1 { font-size: 1.3em; font-weight: 600; } h2 { font-size: 1.05em; margin-top: 1.4em; }
.summary { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); grid-auto-rows: min-content; align-items: start; gap: 8px; }
.metric { background: var(--vscode-editorWidget-background); border: 1px solid var(--vscode-widget-border, transparent); padding: 8px; border-radius: 4px; }
.metric .v { font-size: 1.4em; font-weight: 600; } .metric .k { opacity: .8; font-size: .9em; }
.finding { border-left: 3px solid var(--vscode-editorWarning-foreground); padding: 6px 10px; margin: 8px 0; cursor: pointer; background: var(--vscode-editorWidget-background); }
.finding.error { border-color: var(--vscode-editorError-foreground); } .finding.info { border-color: var(--vscode-editorInfo-foreground); }
.finding.selected { outline: 1px solid var(--vscode-focusBorder); }
.finding .where { opacity: .8; font-family: var(--vscode-editor-font-family); font-size: .9em; }
.finding .detail { white-space: pre-wrap; opacity: .9; margin-top: 4px; }
table { border-collapse: collapse; } td, th { padding: 3px 12px 3px 0; text-align: left; }
.better { color: var(--vscode-testing-iconPassed, green); } .worse { color: var(--vscode-testing-iconFailed, red); }
`;

// Serialized into the page with Function.prototype.toString: keep it self-contained.
function renderReportPage(): void {
  const vscode = (globalThis as any).acquireVsCodeApi();
  const root = document.getElementById('root')!;
  const el = (tag: string, cls?: string, text?: string) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const ms = (v: number) => (v >= 1000 ? (v / 1000).toFixed(1) + ' s' : Math.round(v) + ' ms');
  const base = (p: string) => String(p).split(/[\\/]/).pop();

  function render(report: any, baseline?: any) {
    root.textContent = '';
    const p = report.program;
    root.append(el('h1', '', 'Concurrency report · ' + (p.command || []).map(base).join(' ')));
    if (p.error) root.append(el('p', 'finding error', 'The program did not run cleanly: ' + p.error));
    const summary = el('div', 'summary');
    summary.setAttribute('data-testid', 'summary');
    const metric = (k: string, v: string) => { const m = el('div', 'metric'); m.append(el('div', 'v', v), el('div', 'k', k)); summary.append(m); };
    metric('Wall time', ms(p.wallMs));
    metric('CPU', Math.round(p.cpuPercent) + '% of ' + p.cores + ' cores');
    metric('Event loop lag p99', ms(report.metrics.eventLoopLagMs.p99));
    metric('Max concurrency', String(report.metrics.maxConcurrency));
    metric('Max parallelism', String(report.metrics.maxParallelism));
    metric('Ended by', p.stopReason + (p.exitCode !== null && p.exitCode !== undefined ? ' (exit ' + p.exitCode + ')' : ''));
    root.append(summary);

    if (baseline) {
      root.append(el('h2', '', 'Compared with the previous run'));
      const table = el('table');
      const row = (k: string, a: number, b: number, fmt: (v: number) => string, lowerBetter: boolean) => {
        const tr = el('tr');
        const cls = b === a ? '' : (b < a) === lowerBetter ? 'better' : 'worse';
        tr.append(el('td', '', k), el('td', '', fmt(a)), el('td', '', '→'), el('td', cls, fmt(b)));
        table.append(tr);
      };
      row('Wall time', baseline.program.wallMs, p.wallMs, ms, true);
      row('CPU %', baseline.program.cpuPercent, p.cpuPercent, (v) => Math.round(v) + '%', false);
      row('Lag p99', baseline.metrics.eventLoopLagMs.p99, report.metrics.eventLoopLagMs.p99, ms, true);
      row('Findings', baseline.findings.length, report.findings.length, String, true);
      root.append(table);
    }

    root.append(el('h2', '', report.findings.length ? 'Findings (' + report.findings.length + ')' : 'No findings'));
    for (const f of report.findings) {
      const card = el('div', 'finding ' + f.severity);
      card.id = 'finding-' + f.id;
      card.setAttribute('data-finding', f.id);
      card.append(el('div', 'msg', f.message));
      card.append(el('div', 'where', base(f.location.file) + ':' + f.location.line + ' · ' + f.kind + ' · ' + f.occurrences + '× · ' + ms(f.totalMs)));
      if (f.detail) card.append(el('div', 'detail', f.detail));
      card.addEventListener('click', () => {
        vscode.postMessage({ type: 'selectFinding', findingId: f.id });
        vscode.postMessage({ type: 'openLocation', location: f.location });
      });
      root.append(card);
    }
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (msg.type === 'report') render(msg.report, msg.baseline);
    if (msg.type === 'revealFinding') {
      document.querySelectorAll('.finding.selected').forEach((e) => e.classList.remove('selected'));
      const card = document.getElementById('finding-' + msg.findingId);
      if (card) { card.classList.add('selected'); card.scrollIntoView({ block: 'center' }); }
    }
  });
  const embedded = document.getElementById('cl-model');
  render(embedded ? JSON.parse(embedded.textContent || 'null') : (globalThis as any).CONCURRENCY_LENS_MODEL);
  vscode.postMessage({ type: 'ready' });
}

export const FALLBACK_SCRIPT = `(() => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(FALLBACK_STYLE)}; document.head.append(s); })();
(${renderReportPage.toString()})();`;
