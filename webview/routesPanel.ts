import type { Report } from '../analyzer/report';
import { el } from './dom';
import { formatMs } from '../analyzer/format';

const MAX_ROWS = 20;

/**
 * The side panel's per-route table: HTTP requests by route (exact counts, p50/p99/max) and,
 * under each server route, where its slowest 1% spent the time. Text only; absent without requests.
 */
export function routesSection(report: Report): HTMLElement | null {
  const routes = report.routes ?? [];
  if (routes.length === 0) return null;
  const head = el('tr', {}, ...['Route', 'Count', 'p50', 'p99', 'Max'].map((h) => el('th', { scope: 'col' }, h)));
  const body = el('tbody');
  for (const r of routes.slice(0, MAX_ROWS)) {
    const name = `${r.kind === 'client' ? '→ ' : ''}${r.method} ${r.route}`;
    const statuses = r.statuses.map((s) => `${s.status || 'failed'}×${s.count}`).join(' ');
    body.append(el('tr', { title: `${name}\n${statuses}${r.errors ? ` · ${r.errors} errors` : ''}${r.handler ? `\nhandler: ${r.handler.file}:${r.handler.line}` : ''}` },
      el('th', { scope: 'row' }, name), el('td', {}, String(r.count)),
      el('td', {}, formatMs(r.p50Ms)), el('td', {}, formatMs(r.p99Ms)), el('td', {}, formatMs(r.maxMs))));
    if (r.p99) body.append(el('tr', { class: 'cl-route-why' }, el('td', { colspan: '5' }, r.p99.text)));
  }
  const table = el('table', { class: 'cl-routes', 'aria-label': 'HTTP requests by route' }, el('thead', {}, head), body);
  const more = routes.length > MAX_ROWS ? el('p', { class: 'cl-empty' }, `… ${routes.length - MAX_ROWS} more routes in the report`) : null;
  return el('section', { 'aria-labelledby': 'cl-routes-h' },
    el('h2', { id: 'cl-routes-h' }, `HTTP requests (${routes.reduce((a, r) => a + r.count, 0)})`),
    el('div', { class: 'cl-routes-scroll' }, table, more,
      el('p', { class: 'cl-empty' }, 'Select a request in the timeline to see where its time went (own CPU, queued behind other work on the loop, waiting), estimated from CPU samples.')));
}
