import type { Report } from '../analyzer/report';
import { el } from './dom';
import { baseName, formatCount, formatMs, formatPercent } from './format';

/**
 * The summary header: the report's headline numbers. Fixed-width cells, text only.
 */
export function summaryStats(r: Report): { label: string; value: string; title: string; bad?: boolean }[] {
  const m = r.metrics, p = r.program;
  return [
    { label: 'Wall time', value: formatMs(p.wallMs), title: `Stopped by: ${p.stopReason}${p.exitCode != null ? `, exit code ${p.exitCode}` : ''}` },
    { label: 'CPU', value: formatPercent(p.cpuPercent), title: `user ${formatMs(p.userCpuMs)} + system ${formatMs(p.systemCpuMs)} of all processes / wall time (100 % = one core)` },
    { label: 'Lag p99', value: formatMs(m.eventLoopLagMs.p99), title: `event-loop lag p50 ${formatMs(m.eventLoopLagMs.p50)}, max ${formatMs(m.eventLoopLagMs.max)}`, bad: m.eventLoopLagMs.p99 >= 50 },
    { label: 'Max concurrency', value: formatCount(m.maxConcurrency), title: `async operations in flight at once (mean ${formatCount(m.meanConcurrency)})` },
    { label: 'Parallelism', value: `${m.cpuParallelism.toFixed(2)}×`, title: `mean CPU parallelism; at most ${m.maxParallelism} lanes on CPU at once, ${p.cores} cores` },
    { label: 'Max on CPU', value: `${formatCount(m.maxParallelism)} / ${p.cores}`, title: 'most lanes on CPU at once / cores' },
  ];
}

export function buildHeader(r: Report, actions: HTMLElement): HTMLElement {
  const command = r.program.command.join(' ');
  const stats = el('dl', { class: 'cl-stats', 'aria-label': 'Summary' });
  for (const s of summaryStats(r)) {
    stats.append(el('div', { class: `cl-stat${s.bad ? ' bad' : ''}`, title: s.title }, el('dt', {}, s.label), el('dd', {}, s.value)));
  }
  // The script's name and arguments; the whole command and the cwd in the tooltip.
  const [first = '', ...rest] = r.program.command;
  const short = [/[\\/]/.test(first) ? baseName(first) : first, ...rest].join(' ');
  const title = el('h1', { class: 'cl-title', title: `${command}\n${r.program.cwd}` }, short || 'Concurrency Lens');
  return el('header', { class: 'cl-header' }, title, stats, actions);
}
