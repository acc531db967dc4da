/**
 * Which walkthrough steps a finished run completes (context keys `concurrencyLens.<key>`, set
 * by the extension; package.json's walkthrough ticks a step on `onContext:` of its key). Only a
 * run that recorded something counts. Pure: no editor APIs.
 */
import type { Report } from '../../analyzer/report';

const SERIAL = new Set(['await-in-loop', 'sequential-awaits']);

export function walkthroughProgress(report: Report, previous: Report | undefined): string[] {
  if (report.lanes.length === 0) return [];
  const keys = ['profiled'];
  const serial = (r: Report) => r.findings.filter((f) => SERIAL.has(f.kind));
  if (serial(report).length) keys.push('profiledSequential');
  // The fix worked: the previous run had serialized waits and this one has fewer of them.
  if (previous && serial(previous).length > serial(report).length) keys.push('profiledFixed');
  return keys;
}
