import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation, sampleScale } from '../context';
import { round } from '../stats';
import { formatMs } from '../format';
import { cpuBoundedSaving, cpuBoundNote } from './cpuBound';

const MIN_SAVING_PER_RUN_MS = 1;

/**
 * An await inside a loop whose iterations do not depend on each other (decided at load
 * time) that ran its iterations one at a time. Scored by what was observed: iterations per
 * run of the loop and Σ iteration waits − the longest, summed over runs.
 */
export function awaitInLoop(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const thread of ctx.threads) {
    const { lane, model } = thread;
    const agg = model.agg;
    if (!agg) continue;
    for (const loop of model.loops.values()) {
      if (!loop.independent) continue;
      const runs = agg.loop.execs[loop.gid] ?? 0;
      const iters = agg.loop.iters[loop.gid] ?? 0;
      if (runs === 0 || iters / runs < 2) continue;
      const save = agg.loop.save[loop.gid] ?? 0;
      if (save / runs < MIN_SAVING_PER_RUN_MS) continue;
      // Ids are per-thread: a site's file base is gid − id, so its loop's id is base + loop.
      const awaits = [...model.sites.values()].filter((s) => s.loop !== 0 && s.gid - s.id + s.loop === loop.gid);
      const first = awaits[0];
      if (!first) continue;
      const scale = sampleScale(model, first);
      const perIter = (agg.loop.sum[loop.gid] ?? 0) / iters;
      const bound = cpuBoundedSaving(ctx, thread, new Set(awaits.map((a) => a.gid)), (agg.loop.sum[loop.gid] ?? 0) * scale, save * scale);
      if (bound.saveMs / (runs * scale) < MIN_SAVING_PER_RUN_MS) continue;
      // Two decimals: the message and every surface's figures (findingFigures) state the same saving, to formatMs's precision.
      const saveMs = round(bound.saveMs, 2);
      out.push({
        kind: 'await-in-loop',
        severity: 'warning',
        message: `await in a loop: ${round(iters / runs, 1)} iterations ran one at a time`
          + (runs > 1 ? ` (×${Math.round(runs * scale)} runs)` : '') + ` · running them together would save ${bound.bounded ? 'at most ' : ''}~${formatMs(saveMs)}`,
        location: siteLocation(ctx, first),
        related: [siteLocation(ctx, loop)],
        laneId: lane.id,
        occurrences: Math.round(runs * scale),
        iterationsPerRun: round(iters / runs, 1),
        iterations: Math.round(iters * scale),
        totalMs: round((agg.loop.sum[loop.gid] ?? 0) * scale, 2),
        estimatedSavingsMs: saveMs,
        ...(bound.bounded ? { savingsBound: 'cpu' as const } : {}),
        detail: `Each iteration waited ${formatMs(perIter)} on average and none needs a value from an earlier one. `
          + `Start them together (Promise.all over the items, or a concurrency limit such as p-limit for large lists). `
          + `All items then run even if one fails early. Keep the loop if the order of their effects matters (migrations, plugins registering in turn).` + cpuBoundNote(ctx, bound, save * scale),
      });
    }
  }
  return out;
}

