import type { Finding } from '../analyzer/report';

/**
 * Geometry of findings on the timeline. A finding is drawn at its `intervals`; a chain of
 * sequential awaits also gets the interval it would take if its awaits ran together
 * (Promise.all): from the first start, as long as the longest await.
 */
export function projectedPromiseAll(f: Finding): { laneId: string; startMs: number; endMs: number } | undefined {
  if (f.kind !== 'sequential-awaits' && f.kind !== 'await-in-loop') return undefined;
  const iv = f.intervals ?? [];
  if (iv.length < 2) return undefined;
  let start = Infinity, longest = 0;
  for (const i of iv) {
    if (i.startMs < start) start = i.startMs;
    longest = Math.max(longest, i.endMs - i.startMs);
  }
  return { laneId: iv[0].laneId, startMs: start, endMs: start + longest };
}

/** The time range covering all of a finding's intervals, or undefined if it has none. */
export function findingRange(f: Finding): [number, number] | undefined {
  const iv = f.intervals ?? [];
  if (iv.length === 0) return undefined;
  let a = Infinity, b = -Infinity;
  for (const i of iv) { a = Math.min(a, i.startMs); b = Math.max(b, i.endMs); }
  return [a, b];
}

export const KIND_LABEL: Record<string, string> = {
  'blocking-cpu': 'Blocked event loop',
  'sync-io': 'Synchronous I/O',
  'sequential-awaits': 'Sequential awaits',
  'await-in-loop': 'Await in loop',
  'fake-concurrency': 'Fake concurrency',
  'threadpool-saturation': 'Thread pool saturated',
  'pool-oversubscribed': 'Pool oversubscribed',
};

/** Order for the side panel: errors first, then by time lost. */
export function sortFindings(fs: Finding[]): Finding[] {
  const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
  return [...fs].sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || b.totalMs - a.totalMs);
}
