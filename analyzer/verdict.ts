import type { Report } from './report';
import { findingKindInfo } from './findingKinds';

/**
 * What a run "shows", in one phrase, from its metrics and findings alone (pure). The thresholds
 * are the product's definitions, shared by the matrix and the timeline header:
 */
/** Average cores busy at or above which a run is `parallel`. */
export const PARALLEL_MIN_CORES = 1.3;
/** Waits in flight at once at or above which a run is `concurrent`. */
export const CONCURRENT_MIN_WAITS = 2;
/** Main-thread event-loop lag p99 (ms) at or above which the loop counts as blocked. */
export const BLOCKED_LOOP_LAG_P99_MS = 50;

export type RunShape = 'parallel' | 'concurrent' | 'sequential';

/** `parallel` (≥ PARALLEL_MIN_CORES busy on average), `concurrent` (≥ CONCURRENT_MIN_WAITS waits at once), else `sequential`. */
export function runShape(report: Report): RunShape {
  const { cpuParallelism, maxConcurrency } = report.metrics;
  return cpuParallelism >= PARALLEL_MIN_CORES ? 'parallel' : maxConcurrency >= CONCURRENT_MIN_WAITS ? 'concurrent' : 'sequential';
}

/** The main event loop was blocked: lag p99 ≥ BLOCKED_LOOP_LAG_P99_MS, or a non-info finding of a kind that blocksLoop (blocking-cpu, sync-io) on a main lane. */
export function loopBlocked(report: Report): boolean {
  const mainLanes = new Set(report.lanes.filter((l) => l.kind === 'main').map((l) => l.id));
  const blockedBy = report.findings.some((f) => findingKindInfo(f.kind)?.blocksLoop === true && f.severity !== 'info' && mainLanes.has(f.laneId));
  return blockedBy || report.metrics.eventLoopLagMs.p99 >= BLOCKED_LOOP_LAG_P99_MS;
}

/** The shape, with ` + loop blocked` when loopBlocked(): e.g. `concurrent + loop blocked`. */
export function runVerdict(report: Report): string {
  const shape = runShape(report);
  return loopBlocked(report) ? `${shape} + loop blocked` : shape;
}
