import type { Finding, FindingKind } from '../analyzer/report';
import { FINDING_KIND_INFO } from '../analyzer/findingKinds';

/**
 * Geometry of findings on the timeline. A finding is drawn at its `intervals`. A chain of
 * sequential awaits also gets the interval it would take if its awaits ran together
 * (Promise.all), drawn ghosted: from the chain's start, as long as its slowest await.
 * - One interval per await (several intervals, one occurrence): the longest sets the pace.
 * - One interval per chain (the analyzer's usual form): the chain minus the estimated
 *   savings (split evenly over the occurrences).
 */
export interface Ghost { laneId: string; startMs: number; endMs: number }

export function projectedPromiseAll(f: Finding): Ghost[] {
  if (f.kind !== 'sequential-awaits' && f.kind !== 'await-in-loop') return [];
  const iv = f.intervals ?? [];
  if (iv.length === 0) return [];
  if (iv.length >= 2 && f.occurrences <= 1) {
    let start = Infinity, longest = 0;
    for (const i of iv) {
      if (i.startMs < start) start = i.startMs;
      longest = Math.max(longest, i.endMs - i.startMs);
    }
    return [{ laneId: iv[0].laneId, startMs: start, endMs: start + longest }];
  }
  if (!(f.estimatedSavingsMs && f.estimatedSavingsMs > 0)) return [];
  const save = f.estimatedSavingsMs / Math.max(1, f.occurrences, iv.length);
  return iv.filter((i) => i.endMs - i.startMs > save).map((i) => ({ laneId: i.laneId, startMs: i.startMs, endMs: i.endMs - save }));
}

/** One mark standing for `count` projections of a finding (1: the projection itself). */
export interface GhostMark extends Ghost { count: number; /** Mean projected length, ms. */ meanMs: number }

/**
 * A finding's projections as marks: those on one lane that overlap or touch (a server runs the
 * same chain for many requests at once) collapse into one mark spanning them, with their count,
 * so a busy lane shows one aggregate instead of dozens of stacked boxes and labels.
 */
export function ghostMarks(ghosts: Ghost[]): GhostMark[] {
  const byLane = new Map<string, Ghost[]>();
  for (const g of ghosts) byLane.set(g.laneId, [...(byLane.get(g.laneId) ?? []), g]);
  const out: GhostMark[] = [];
  for (const list of byLane.values()) {
    list.sort((a, b) => a.startMs - b.startMs);
    let cur: GhostMark | undefined;
    let sum = 0;
    for (const g of list) {
      if (cur && g.startMs <= cur.endMs) {
        cur.endMs = Math.max(cur.endMs, g.endMs);
        cur.count++;
        sum += g.endMs - g.startMs;
        cur.meanMs = sum / cur.count;
        continue;
      }
      sum = g.endMs - g.startMs;
      cur = { ...g, count: 1, meanMs: sum };
      out.push(cur);
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** The time range covering all of a finding's intervals, or undefined if it has none. */
export function findingRange(f: Finding): [number, number] | undefined {
  const iv = f.intervals ?? [];
  if (iv.length === 0) return undefined;
  let a = Infinity, b = -Infinity;
  for (const i of iv) { a = Math.min(a, i.startMs); b = Math.max(b, i.endMs); }
  return [a, b];
}

/** The short name of a finding kind (analyzer/findingKinds.ts); an unknown kind (a newer report) as is. */
export function kindLabel(kind: string): string {
  return FINDING_KIND_INFO[kind as FindingKind]?.label ?? kind;
}

/** Order for the side panel: errors first, then by time lost. */
export function sortFindings(fs: Finding[]): Finding[] {
  const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
  return [...fs].sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) || b.totalMs - a.totalMs);
}
