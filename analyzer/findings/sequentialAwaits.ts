import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation, sampleScale } from '../context';
import { round } from '../stats';
import { formatMs } from '../format';
import { SPAN } from '../raw';
import { forEachSpan } from '../threadModel';
import { cpuBoundedSaving, cpuBoundNote } from './cpuBound';

/** Mean savings per call below this are noise (microtask turns, cached values). */
const MIN_SAVING_PER_CALL_MS = 1;

/**
 * Independent awaits that ran one after another. The transform proved the operands do not
 * depend on each other; the probe measured, per call, Σ waits − max wait: what Promise.all
 * would have saved had they overlapped.
 */
export function sequentialAwaits(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const thread of ctx.threads) {
    /** This thread's drafts, each with its group's sites (a site may be in a plain group and a group of chains). */
    const drafts: { draft: FindingDraft; sites: Set<number>; chains: boolean }[] = [];
    const { lane, model } = thread;
    const agg = model.agg;
    if (!agg) continue;
    for (const g of model.groups.values()) {
      const calls = agg.group.count[g.gid] ?? 0;
      if (calls === 0) continue;
      const first = model.sites.get(g.siteIds[0]);
      const scale = sampleScale(model, first);
      const saved = (agg.group.save[g.gid] ?? 0) * scale;
      const total = (agg.group.sum[g.gid] ?? 0) * scale;
      if ((agg.group.save[g.gid] ?? 0) / calls < MIN_SAVING_PER_CALL_MS) continue;
      const bound = cpuBoundedSaving(ctx, thread, new Set(g.siteIds), total, saved);
      if (bound.saveMs / (calls * scale) < MIN_SAVING_PER_CALL_MS) continue;
      const sites = g.siteIds.map((id) => model.sites.get(id)!);
      const means = sites.map((s) => (agg.site.sum[s.gid] ?? 0) / Math.max(1, agg.site.sampled[s.gid] ?? 0));
      const occurrences = Math.round(calls * scale);
      // Two decimals: the message and every surface's figures (findingFigures) state the same saving, to formatMs's precision.
      const saveMs = round(bound.saveMs, 2);
      const chains = g.chains ? chainsOf(g.chains, sites, means) : undefined;
      drafts.push({ sites: new Set(g.siteIds), chains: chains !== undefined, draft: {
        kind: 'sequential-awaits',
        severity: 'warning',
        message: (chains ? `${chains.length} independent chains of awaits ran one after another` : `${sites.length} independent awaits ran one after another`)
          + ` · Promise.all would save ${bound.bounded ? 'at most ' : ''}~${formatMs(saveMs)}`
          + (occurrences > 1 ? ` over ${occurrences} calls` : ''),
        location: siteLocation(ctx, first!),
        related: sites.slice(1).map((s) => siteLocation(ctx, s)),
        laneId: lane.id,
        occurrences,
        totalMs: round(total, 2),
        estimatedSavingsMs: saveMs,
        ...(bound.bounded ? { savingsBound: 'cpu' as const } : {}),
        ...(chains ? { chains: chains.length } : {}),
        detail: (chains
          ? `Each chain's awaits use what the one before produced, but no chain uses a result of another, and each waited in turn: `
            + chains.map((c) => `${c.labels.join(' → ')} ${formatMs(c.ms)}`).join('; ')
            + ` on average. Started together, each chain as one element (\`fetch(a).then((r) => r.json())\`, or an async function of its own), the slowest (${formatMs(Math.max(...chains.map((c) => c.ms)))}) would set the pace. `
          : `None of these awaits uses a result of the others, and each waited in turn: `
            + sites.map((s, i) => `${s.label} ${formatMs(means[i])}`).join(', ')
            + ` on average. Started together, the slowest (${formatMs(Math.max(...means))}) would set the pace. `)
          + `Gathering them changes behaviour: all calls run even if one rejects early, and side effects may interleave.`
          + cpuBoundNote(ctx, bound, saved),
        intervals: groupIntervals(model.spans, new Set(g.siteIds), lane.id),
      } });
    }
    out.push(...preferred(drafts));
  }
  return out;
}

/** A group of chains is reported over the plain groups of its awaits only when it saves this much more. */
const CHAINS_OVER_PLAIN = 1.25;

/**
 * Of a group of chains and the plain groups sharing its awaits (both measured: the probe times
 * each), the chains when they save clearly more (`r1 = await fetch(a); user = await r1.json(); r2 =
 * await fetch(b)`: the plain group `r1.json()`, `fetch(b)` saves the JSON's parse), else the plain
 * groups, which say less to change (`config = await load(); users = await getUsers(config); orders
 * = await getOrders()`: gathering `getUsers` and `getOrders` saves as much) and which the quick fix can rewrite.
 */
function preferred(drafts: { draft: FindingDraft; sites: Set<number>; chains: boolean }[]): FindingDraft[] {
  const shares = (a: Set<number>, b: Set<number>) => [...a].some((s) => b.has(s));
  const dropped = new Set<FindingDraft>();
  for (const c of drafts) {
    if (!c.chains) continue;
    const plain = drafts.filter((p) => !p.chains && shares(p.sites, c.sites));
    const best = Math.max(0, ...plain.map((p) => p.draft.estimatedSavingsMs ?? 0));
    if ((c.draft.estimatedSavingsMs ?? 0) >= best * CHAINS_OVER_PLAIN) for (const p of plain) dropped.add(p.draft);
    else dropped.add(c.draft);
  }
  return drafts.filter((d) => !dropped.has(d.draft)).map((d) => d.draft);
}

/**
 * A group's chains (RawGroup.chains): each one's awaits' labels, and their mean waits added up (an
 * await around the one before it, RawSite.chain's `chained` 'encloses', adds only its own part).
 */
function chainsOf(chainOf: readonly number[], sites: readonly { label: string; chain?: { chained?: string } }[], means: readonly number[]): { labels: string[]; ms: number }[] {
  const out: { labels: string[]; ms: number }[] = [];
  chainOf.forEach((c, i) => {
    (out[c] ??= { labels: [], ms: 0 }).labels.push(sites[i].label);
    out[c].ms += sites[i].chain?.chained === 'encloses' ? Math.max(0, means[i] - means[i - 1]) : means[i];
  });
  return out;
}

/** The first few calls' spans from the first await's start to the last await's end. */
function groupIntervals(spans: ArrayLike<number>, ids: Set<number>, laneId: string) {
  const byInv = new Map<number, { startMs: number; endMs: number; n: number }>();
  forEachSpan(spans, 'await', (o) => {
    if (!ids.has(spans[o + SPAN.site])) return;
    const inv = spans[o + SPAN.invocation];
    const cur = byInv.get(inv);
    if (cur) { cur.startMs = Math.min(cur.startMs, spans[o + SPAN.t0]); cur.endMs = Math.max(cur.endMs, spans[o + SPAN.t2]); cur.n++; }
    else if (byInv.size < 50) byInv.set(inv, { startMs: spans[o + SPAN.t0], endMs: spans[o + SPAN.t2], n: 1 });
  });
  return [...byInv.values()].filter((v) => v.n === ids.size).map((v) => ({ laneId, startMs: round(v.startMs, 3), endMs: round(v.endMs, 3) }));
}
