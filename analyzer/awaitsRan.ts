import type { Report } from './report';

/**
 * Whether any await of the program's own files ran. Concurrency counts those awaits only: a run
 * of a tool whose code is all dependencies (`npx prettier --check .`), or of a program without
 * async code, has none, and its "max concurrency 0" would read as "not concurrent".
 */
export function awaitsRan(r: Pick<Report, 'metrics' | 'sites'>): boolean {
  return r.metrics.maxConcurrency > 0 || (r.sites ?? []).some((s) => s.kind === 'await');
}

/** What the summary and the timeline say instead of a concurrency figure when no await ran. */
export const NO_AWAITS_RAN = "no await of your files ran (a dependency's are recorded with --include-node-modules)";
