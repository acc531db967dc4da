import { INSTRUMENTING_NOTE_MS, type Report } from '../analyzer/report';
import * as path from 'node:path';
import { formatMs, formatSeconds } from '../analyzer/format';
import { figuresLine } from '../analyzer/findingFigures';
import { isNodeExecutable } from '../analyzer/nodeExecutable';
import { formatRoutes } from './routesSummary';
import { awaitsRan, NO_AWAITS_RAN } from '../analyzer/awaitsRan';

/** The short text summary printed after a run (stderr, so the program's stdout stays its own). */
export function formatSummary(report: Report, cwd: string): string {
  const p = report.program;
  const m = report.metrics;
  // Absolute paths under cwd are shown relative to it; anything else as it was typed (`-p .` stays `-p .`).
  const rel = (f: string) => {
    if (!path.isAbsolute(f)) return f;
    const r = path.relative(cwd, f);
    return r === '' ? '.' : r.startsWith('..') || path.isAbsolute(r) ? f : r;
  };
  const lines: string[] = [];
  const ended = p.error ? `failed: ${p.error}` : howItEnded(p);
  lines.push('', `── Concurrency Lens ── ${p.command.map((c) => rel(c)).join(' ')} (${ended})`);
  const main = report.lanes.find((l) => l.kind === 'main');
  if (main?.launcher) lines.push(`only a launcher ran (${main.launcher}, pid ${main.pid}): the figures below are its own`);
  else if (p.via?.length && main) lines.push(`via ${p.via.join(' → ')} → ${mainCommand(main, rel)} (pid ${main.pid}): lag and utilization below are this process's`);
  const manyProcesses = report.lanes.filter((l) => l.threadId === 0).length > 1;
  const treeRss = manyProcesses && p.peakTreeRssKb !== undefined && p.peakTreeRssKb > p.maxRssKb ? `, ${mb(p.peakTreeRssKb)} all processes at once` : '';
  lines.push(`wall ${formatMs(p.wallMs)} · user ${formatMs(p.userCpuMs)} · system ${formatMs(p.systemCpuMs)} · CPU ${p.cpuPercent}% of one core (${p.cores} cores) · peak RSS ${mb(p.maxRssKb)}${treeRss ? ` (largest process${treeRss})` : ''}`);
  lines.push(`event-loop lag p50 ${m.eventLoopLagMs.p50} ms · p99 ${m.eventLoopLagMs.p99} ms · max ${m.eventLoopLagMs.max} ms${main && !main.launcher ? lagLeavesOut(main) : ''} · utilization ${Math.round(m.eventLoopUtilization * 100)}%`);
  const concurrency = !awaitsRan(report) ? `concurrency: ${NO_AWAITS_RAN}`
    : `concurrency max ${m.maxConcurrency}${m.maxQueued ? ` (+ ${m.maxQueued} queued)` : ''} · mean ${m.meanConcurrency}`;
  lines.push(`${concurrency} · parallelism ${m.cpuParallelism} (max ${m.maxParallelism} lanes on CPU)`
    + (m.threadpool.maxQueued > 0 ? ` · thread pool queued up to ${m.threadpool.maxQueued}` : ''));
  const workers = report.lanes.filter((l) => l.kind === 'worker').length;
  const procs = report.lanes.filter((l) => l.kind === 'process' && !l.launcher);
  const external = procs.filter((l) => l.external);
  const unrecordedNode = external.filter((l) => isNodeExecutable(l.script)).length;
  const notNode = external.length - unrecordedNode;
  const externalText = [notNode ? `${notNode} not node` : '', unrecordedNode ? `${unrecordedNode} node, unrecorded` : ''].filter(Boolean).join(', ');
  const launchers = report.lanes.filter((l) => l.launcher && l.threadId === 0 && l.kind !== 'main').length;
  if (workers || procs.length || launchers) {
    lines.push(`lanes: ${main ? '1 main' : launchers ? 'no main (only launchers ran)' : 'no main'}${workers ? ` · ${workers} worker thread${workers > 1 ? 's' : ''}` : ''}`
      + (procs.length ? ` · ${procs.length} other process${procs.length > 1 ? 'es' : ''}${externalText ? ` (${externalText})` : ''}` : '')
      + (launchers ? ` · ${launchers} launcher${launchers > 1 ? 's' : ''}` : ''));
  }
  lines.push(...formatRoutes(report));
  if (report.findings.length === 0) lines.push('findings: none');
  else {
    lines.push(`findings (${report.findings.length}):`);
    for (const f of report.findings) {
      lines.push(`  ${f.severity.padEnd(7)} ${rel(f.location.file)}:${f.location.line}  [${f.kind}] ${f.message}`);
      lines.push(`          ${figuresLine(f)}`);
    }
  }
  for (const d of p.degraded ?? []) lines.push(`degraded: ${d}`);
  for (const w of report.warnings) lines.push(`note: ${w}`);
  return lines.join('\n') + '\n';
}

/** "stopped by you (SIGINT), exit code 0", "stopped after --duration (SIGINT), killed after the 10 s grace period". */
export function howItEnded(p: Report['program']): string {
  // An attached run ends with a detach (the process runs on) or with the process's own exit.
  if (p.attached) {
    const detached = `detached from pid ${p.attached.pid}, which keeps running`;
    return p.stopReason === 'duration' ? `attached; ${detached} after --duration`
      : p.stopReason === 'stopped' ? `attached; ${detached}` : `attached; pid ${p.attached.pid} exited while recorded`;
  }
  const outcome = p.killed
    ? (p.killed.reason === 'grace-period' ? `killed after the ${formatSeconds(p.killed.graceMs)} grace period`
      : p.killed.reason === 'second-stop' ? 'killed at your second stop'
      : 'killed at once (no signals on this platform)')
    : p.signal ? `ended by ${p.signal}` : `exit code ${p.exitCode}`;
  const sent = p.stopSignal ? ` (${p.stopSignal})` : '';
  // How long it took to shut down: from the signal to its exit (a killed program never finished).
  const shutdown = p.stopSignalAtMs !== undefined && !p.killed ? `, ${formatMs(p.wallMs - p.stopSignalAtMs)} after the signal` : '';
  if (p.stopReason === 'duration') return `stopped after --duration${sent}, ${outcome}${shutdown}`;
  if (p.stopReason === 'stopped') return `stopped by you${sent}, ${outcome}${shutdown}`;
  return p.signal ? `killed by ${p.signal}` : `exit code ${p.exitCode}`;
}

/** "node app.js", "node tsc.js -p .": what the main process runs, short. */
function mainCommand(lane: Report['lanes'][number], rel: (f: string) => string): string {
  return lane.script ? `node ${rel(lane.script)}` : lane.label;
}

function mb(kb: number): string {
  return `${Math.round(kb / 1024)} MB`;
}

/**
 * The profiler's own work on the main thread that its lag leaves out (Lane.instrumentingMs,
 * Lane.profileChunksMs), as " (leaves out …)", each part when it was noticeable; else ''.
 */
function lagLeavesOut(main: Report['lanes'][number]): string {
  const parts: string[] = [];
  if ((main.instrumentingMs ?? 0) >= INSTRUMENTING_NOTE_MS) parts.push(`${formatMs(main.instrumentingMs!)} the profiler spent instrumenting files as they loaded`);
  if ((main.profileChunksMs ?? 0) >= INSTRUMENTING_NOTE_MS) parts.push(`${formatMs(main.profileChunksMs!)} ${parts.length ? 'it' : 'the profiler'} spent ending its CPU profile chunks`);
  return parts.length ? ` (leaves out ${parts.join(' and ')})` : '';
}
