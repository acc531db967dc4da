import type { Report } from '../analyzer/report';
import { el } from './dom';
import { baseName, formatCount, formatMs, formatPercent } from '../analyzer/format';
import { BLOCKED_LOOP_LAG_P99_MS } from '../analyzer/verdict';
import { awaitsRan, NO_AWAITS_RAN } from '../analyzer/awaitsRan';
import { describeResources } from '../analyzer/activeResources';

/**
 * The summary header: the report's headline numbers. Fixed-width cells, text only.
 */
export interface Stat { label: string; value: string; title: string; bad?: boolean; delta?: { text: string; better: boolean } }

export function summaryStats(r: Report, baseline?: Report): Stat[] {
  const stats = currentStats(r);
  if (!baseline) return stats;
  // Against the previous run of the same program: relative change, and whether it is better.
  // [before, after, lower is better, noise]: changes within the noise (absolute) get no delta,
  // whatever their ratio (lag 2 → 5 ms is not worth a red "+150 %"). A run stopped by the user
  // or by --duration says nothing about wall time.
  const wallComparable = baseline.program.stopReason === 'exit' && r.program.stopReason === 'exit';
  const pairs: [number, number, boolean, number][] = [
    [baseline.program.wallMs, r.program.wallMs, true, wallComparable ? Math.max(50, baseline.program.wallMs * 0.05) : Infinity],
    [baseline.program.cpuPercent, r.program.cpuPercent, false, 10],
    [baseline.metrics.eventLoopLagMs.p99, r.metrics.eventLoopLagMs.p99, true, 10],
    [baseline.metrics.maxConcurrency, r.metrics.maxConcurrency, false, 1],
    [baseline.metrics.cpuParallelism, r.metrics.cpuParallelism, false, 0.1],
    [baseline.metrics.maxParallelism, r.metrics.maxParallelism, false, 0.5],
  ];
  pairs.forEach(([a, b, lowerIsBetter, noise], i) => {
    if (!(a > 0) || !Number.isFinite(b) || Math.abs(b - a) <= noise) return;
    const pct = ((b - a) / a) * 100;
    if (Math.abs(pct) < 1) return;
    stats[i].delta = { text: `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)} %`, better: (b < a) === lowerIsBetter };
    stats[i].title += `\nprevious run: ${stats[i].label === 'Wall time' || stats[i].label === 'Lag p99' ? formatMs(a) : formatCount(a, 2)}`;
  });
  return stats;
}

function currentStats(r: Report): Stat[] {
  const m = r.metrics, p = r.program;
  // Launchers (npm, npx, sh) are never the headline; figures that could not be measured say so.
  const via = p.via?.length ? `\nof pid ${p.mainPid}, started via ${p.via.join(' → ')}` : '';
  const degraded = p.degraded?.length ? `\n${p.degraded.join('\n')}` : '';
  const keptRunning = p.activeAtStop ? describeResources(p.activeAtStop) : '';
  return [
    { label: 'Wall time', value: formatMs(p.wallMs), title: `Stopped by: ${p.stopReason}${p.exitCode != null ? `, exit code ${p.exitCode}` : ''}`
      + (p.stopSignalAtMs !== undefined && !p.killed ? `\nshut down ${formatMs(p.wallMs - p.stopSignalAtMs)} after ${p.stopSignal ?? 'the stop signal'}` : '')
      + (keptRunning ? `\nkept running at the stop by ${keptRunning}` : '') },
    { label: 'CPU', value: formatPercent(p.cpuPercent), title: `user ${formatMs(p.userCpuMs)} + system ${formatMs(p.systemCpuMs)} of all processes / wall time (100 % = one core)${degraded}` },
    { label: 'Lag p99', value: formatMs(m.eventLoopLagMs.p99), title: `event-loop lag p50 ${formatMs(m.eventLoopLagMs.p50)}, max ${formatMs(m.eventLoopLagMs.max)}${via}`, bad: m.eventLoopLagMs.p99 >= BLOCKED_LOOP_LAG_P99_MS },
    awaitsRan(r)
      ? { label: 'Max concurrency', value: formatCount(m.maxConcurrency), title: `async operations in flight at once (mean ${formatCount(m.meanConcurrency)})` }
      : { label: 'Max concurrency', value: '—', title: NO_AWAITS_RAN },
    { label: 'Parallelism', value: `${m.cpuParallelism.toFixed(2)}×`, title: `mean CPU parallelism; at most ${m.maxParallelism} lanes on CPU at once, ${p.cores} cores` },
    { label: 'Max on CPU', value: `${formatCount(m.maxParallelism)} / ${p.cores}`, title: 'most lanes on CPU at once / cores' },
  ];
}

export function buildHeader(r: Report, actions: HTMLElement, baseline?: Report): HTMLElement {
  const command = r.program.command.join(' ');
  const stats = el('dl', { class: 'cl-stats', 'aria-label': baseline ? 'Summary, compared with the previous run' : 'Summary' });
  for (const s of summaryStats(r, baseline)) {
    const delta = s.delta ? el('span', { class: `delta ${s.delta.better ? 'better' : 'worse'}` }, s.delta.text) : null;
    stats.append(el('div', { class: `cl-stat${s.bad ? ' bad' : ''}`, title: s.title }, el('dt', {}, s.label), el('dd', {}, s.value, delta)));
  }
  // The script's name and arguments; the whole command and the cwd in the tooltip.
  const [first = '', ...rest] = r.program.command;
  const short = [/[\\/]/.test(first) ? baseName(first) : first, ...rest].join(' ');
  const title = el('h1', { class: 'cl-title', title: `${command}\n${r.program.cwd}` }, short || 'Concurrency Lens');
  return el('header', { class: 'cl-header' }, title, stats, actions);
}
