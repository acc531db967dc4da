/** Minimal shape check of a saved report (a file the user picked), with an error a user can read. Pure. */
import type { Report } from './report';

export function validateReport(value: unknown): Report {
  const r = value as Report;
  if (!r || typeof r !== 'object' || r.schemaVersion !== 1 || !Array.isArray(r.findings) || !r.program || !r.metrics) {
    throw new Error('This file is not a Concurrency Lens report (expected schemaVersion 1 with program, metrics and findings).');
  }
  return r;
}
