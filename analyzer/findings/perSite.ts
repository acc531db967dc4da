import type { AnalysisContext, FindingDraft } from '../context';
import type { Severity } from '../report';
import { launcherName } from '../launchers';
import { round } from '../stats';
import { formatMs } from '../format';
import { laneCount } from '../laneCount';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const MAX_INTERVALS = 100;

/**
 * Drops what launchers did (npm, npx, pnpm, yarn run no user code: their internals are never
 * findings), except run-wide findings that only hang on the main lane (pool-oversubscribed).
 */
export function withoutLaunchers(ctx: AnalysisContext, drafts: FindingDraft[]): FindingDraft[] {
  const launchers = new Set<string>();
  for (const { lane, model } of ctx.threads) {
    if (model.hello && lane.threadId === 0 && launcherName(model.hello.argv, true) !== undefined) launchers.add(lane.id);
  }
  if (launchers.size === 0) return drafts;
  return drafts.filter((d) => d.kind === 'pool-oversubscribed' || !launchers.has(d.laneId));
}

/**
 * One finding per site: drafts of the same kind at the same source location from several
 * lanes (cluster workers, several children running the same file) become one, with the
 * occurrences of each lane in `perLane`, the intervals of all of them, the worst severity,
 * and the message of the lane that spent the most, with the totals of all appended.
 * Drafts that already carry `perLane` were merged by their finding and pass through.
 */
export function onePerSite(drafts: FindingDraft[]): FindingDraft[] {
  const groups = new Map<string, FindingDraft[]>();
  const out: FindingDraft[] = [];
  for (const d of drafts) {
    if (d.perLane) { out.push(d); continue; }
    const key = `${d.kind}|${d.location.file}:${d.location.line}:${d.location.column}`;
    const g = groups.get(key);
    if (g) g.push(d); else groups.set(key, [d]);
  }
  for (const g of groups.values()) {
    if (g.length === 1 || new Set(g.map((d) => d.laneId)).size === 1) { out.push(...g); continue; }
    const byLane = new Map<string, { laneId: string; occurrences: number; totalMs: number }>();
    for (const d of g) {
      const l = byLane.get(d.laneId) ?? { laneId: d.laneId, occurrences: 0, totalMs: 0 };
      l.occurrences += d.occurrences;
      l.totalMs += d.totalMs;
      byLane.set(d.laneId, l);
    }
    const perLane = [...byLane.values()].sort((a, b) => b.totalMs - a.totalMs).map((l) => ({ ...l, totalMs: round(l.totalMs, 2) }));
    const lead = g.find((d) => d.laneId === perLane[0].laneId)!;
    const occurrences = perLane.reduce((a, l) => a + l.occurrences, 0);
    const totalMs = round(perLane.reduce((a, l) => a + l.totalMs, 0), 2);
    const savings = g.some((d) => d.estimatedSavingsMs !== undefined) ? round(g.reduce((a, d) => a + (d.estimatedSavingsMs ?? 0), 0)) : undefined;
    const perLaneCap = Math.max(5, Math.floor(MAX_INTERVALS / perLane.length));
    out.push({
      ...lead,
      severity: g.map((d) => d.severity).sort((a, b) => RANK[a] - RANK[b])[0],
      message: `${lead.message} · in ${laneCount(perLane.map((l) => l.laneId))}: ${occurrences}× · ${formatMs(totalMs)} in all`,
      occurrences,
      totalMs,
      ...(savings !== undefined ? { estimatedSavingsMs: savings } : {}),
      intervals: g.flatMap((d) => (d.intervals ?? []).slice(0, perLaneCap)).sort((a, b) => a.startMs - b.startMs).slice(0, MAX_INTERVALS),
      perLane,
    });
  }
  return out;
}
