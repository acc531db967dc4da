import type { Report } from './report';

/**
 * Whether any await of the program's own files was recorded. Concurrency counts those awaits only: a run
 * of a tool whose code is all dependencies (`npx prettier --check .`), or of a program without
 * async code, has none, and its "max concurrency 0" would read as "not concurrent".
 */
export function awaitsRan(r: Pick<Report, 'metrics' | 'sites'>): boolean {
  return r.metrics.maxConcurrency > 0 || (r.sites ?? []).some((s) => s.kind === 'await');
}

/** What the summary and the timeline say instead of a concurrency figure when no await was recorded. */
export const NO_AWAITS_RAN = "no await of your files was recorded (a dependency's are with --include-node-modules)";
