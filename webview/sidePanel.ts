import type { Finding, Report } from '../analyzer/report';
import { SLICE_CATEGORIES } from '../analyzer/report';
import { el, setText } from './dom';
import { baseName } from '../analyzer/format';
import { findingFigures, figuresLine } from '../analyzer/findingFigures';
import { kindLabel, sortFindings } from './findings';
import { routesSection } from './routesPanel';

/**
 * The side panel: the findings list (buttons: keyboard and screen-reader friendly), the
 * details of what is selected, and the legend. Text only.
 */
export class SidePanel {
  readonly element: HTMLElement;
  private details: HTMLElement;
  private live: HTMLElement;
  private buttons = new Map<string, HTMLButtonElement>();

  constructor(report: Report, onSelectFinding: (id: string) => void) {
    const list = el('ul', { class: 'cl-findings', 'aria-label': 'Findings' });
    const sorted = sortFindings(report.findings);
    for (const f of sorted) {
      const b = findingButton(f);
      b.addEventListener('click', () => onSelectFinding(f.id));
      this.buttons.set(f.id, b);
      list.append(el('li', {}, b));
    }
    const findings = el('section', { 'aria-labelledby': 'cl-findings-h' },
      el('h2', { id: 'cl-findings-h' }, `Findings (${report.findings.length})`),
      sorted.length ? list : el('p', { class: 'cl-empty' }, 'No findings: nothing blocked or serialized this run.'));
    this.details = el('dl', { class: 'cl-details' });
    this.live = el('div', { class: 'cl-sr-only', 'aria-live': 'polite' });
    const details = el('section', { 'aria-labelledby': 'cl-details-h' }, el('h2', { id: 'cl-details-h' }, 'Details'), this.details, this.live);
    const legend = el('div', { class: 'cl-legend' });
    SLICE_CATEGORIES.forEach((c) => legend.append(el('span', {}, swatch(`var(--cl-cat-${c})`), c === 'node' ? 'node internals' : c)));
    legend.append(el('span', {}, swatch('var(--cl-async)'), 'await (start → settle)'));
    legend.append(el('span', {}, swatch('var(--cl-rejected)'), 'rejected'));
    const legendSection = el('section', { 'aria-labelledby': 'cl-legend-h' }, el('h2', { id: 'cl-legend-h' }, 'Legend'), legend);
    const routes = routesSection(report);
    this.element = el('aside', { class: routes ? 'cl-side with-routes' : 'cl-side' }, findings, routes, details, legendSection);
    this.showHint();
  }

  showHint(): void {
    this.details.replaceChildren(el('dt', {}, 'Tip'), el('dd', {}, 'Click a slice or an await to see its details; double-click opens its source.'));
  }

  /** Details of a span or slice ([label, value] pairs), announced to screen readers. */
  showItem(rows: [string, string][]): void {
    this.details.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    setText(this.live, `${rows[0][0]} ${rows[0][1]}, ${rows.find((r) => r[0] === 'Duration')?.[1] ?? ''}`);
  }

  showFinding(f: Finding): void {
    const fig = findingFigures(f);
    for (const [id, b] of this.buttons) b.setAttribute('aria-pressed', String(id === f.id));
    this.details.replaceChildren(
      el('dt', {}, 'Finding'), el('dd', {}, kindLabel(f.kind)),
      el('dt', {}, 'Message'), el('dd', {}, f.message),
      ...(f.detail ? [el('dt', {}, 'Why'), el('dd', {}, f.detail)] : []),
      el('dt', {}, 'Location'), el('dd', {}, `${f.location.file}:${f.location.line}:${f.location.column}`),
      el('dt', {}, 'Seen'), el('dd', {}, fig.repeated),
      el('dt', {}, 'Time'), el('dd', {}, fig.total),
      ...(fig.saving ? [el('dt', {}, 'Could save'), el('dd', {}, fig.saving)] : []),
    );
    setText(this.live, `${kindLabel(f.kind)}: ${f.message}`);
  }
}

function swatch(color: string): HTMLElement {
  const sw = el('span', { class: 'sw' });
  sw.style.background = color;
  return sw;
}

function findingButton(f: Finding): HTMLButtonElement {
  const loc = f.location;
  const sev = el('span', { class: `sev ${f.severity}`, 'aria-label': f.severity }, f.severity === 'error' ? '●' : f.severity === 'warning' ? '▲' : 'ℹ');
  const where = `${baseName(loc.file)}:${loc.line} · ${figuresLine(f)}`;
  const b = el('button', { type: 'button', class: 'cl-finding', 'aria-pressed': 'false', title: `${f.message}${f.detail ? `\n\n${f.detail}` : ''}\n\n${loc.file}:${loc.line}:${loc.column}` },
    sev, el('span', {}, kindLabel(f.kind)), el('span', { class: 'msg' }, f.message), el('span', { class: 'where' }, where));
  b.dataset.findingId = f.id;
  b.dataset.kind = f.kind;
  return b;
}
