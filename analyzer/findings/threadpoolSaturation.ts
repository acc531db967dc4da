import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation } from '../context';
import { round } from '../stats';
import { formatMs } from '../format';
import { SPAN } from '../raw';
import { forEachSpan } from '../threadModel';
import { overlapInSegments } from './cpuBound';
import type { PoolTimeline } from '../threadpool';

const MIN_QUEUED_MS = 50;
const MIN_SATURATED_MS = 20;

/**
 * fs, crypto, zlib and dns work that waited for a thread of libuv's pool. Located at the
 * user call site that issued the most pool work while the pool was full.
 */
/** True when the pool of a process was saturated enough to matter. */
export function isSaturated(pool: { queuedMs: number; saturatedMs: number; maxQueued: number; size: number }): boolean {
  return pool.queuedMs >= MIN_QUEUED_MS && pool.saturatedMs >= MIN_SATURATED_MS && pool.maxQueued >= Math.max(2, pool.size / 4);
}

export function threadpoolSaturation(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const pool of ctx.pools.values()) {
    // One request briefly waiting is not saturation: ask for a real queue (a quarter of the pool, at least 2).
    if (!isSaturated(pool)) continue;
    const threads = ctx.threads.filter((t) => t.lane.pid === pool.pid);
    // Votes of the pool calls made while it was saturated (or up to 50 ms before), per thread and
    // site, in the order first seen (the sort below is stable: ties go to the first).
    const votes: { n: number; thread: (typeof threads)[number]; gid: number }[] = [];
    for (const t of threads) {
      const s = t.model.spans;
      const bySite = new Map<number, number>(); // site → count
      forEachSpan(s, 'pool', (o) => {
        if (!inSaturated(pool.saturated, s[o + SPAN.t0])) return;
        const site = s[o + SPAN.site];
        bySite.set(site, (bySite.get(site) ?? 0) + 1);
      });
      for (const [gid, n] of bySite) votes.push({ n, thread: t, gid });
    }
    const top = votes.sort((a, b) => b.n - a.n)[0];
    const main = threads.find((t) => t.lane.threadId === 0) ?? threads[0];
    const site = top ? top.thread.model.sites.get(top.gid) : undefined;
    // No call of the user's issued the work (a loader, a library): nothing to point at. The
    // analyzer notes it among the report's warnings instead.
    if (!site) continue;
    const location = siteLocation(ctx, site);
    out.push({
      kind: 'threadpool-saturation',
      severity: 'warning',
      message: `thread pool saturated: up to ${pool.maxQueued} requests queued behind its ${pool.size} threads for ${formatMs(pool.saturatedMs)}`
        + ` (most issued by ${site.label})`,
      location,
      laneId: (top?.thread ?? main).lane.id,
      occurrences: top?.n ?? pool.saturated.length,
      totalMs: round(pool.queuedMs),
      detail: `fs, crypto (pbkdf2, scrypt, …), zlib and dns.lookup share libuv's thread pool: UV_THREADPOOL_SIZE=${pool.size}. `
        + `Requests waited ${formatMs(pool.queuedMs)} in total for a free thread. `
        + (mostlyCpuWork(pool) && pool.size >= ctx.cores
          ? `Most of what kept the pool full was crypto/zlib work, which needs a core, and its ${pool.size} threads already match or outnumber `
            + `this machine's ${ctx.cores} cores: a larger pool would not finish it sooner. Start fewer at once, so that file I/O and dns.lookup `
            + `do not queue behind it.`
          : `Raise UV_THREADPOOL_SIZE in the environment `
            + `(up to 1024; more threads help CPU-heavy crypto/zlib only up to the core count), or limit how many you start at once. `
            + `For file I/O the disk may be the real limit.`),
      intervals: pool.saturated.slice(0, 50).map(([a, b]) => ({ laneId: main.lane.id, startMs: round(a, 3), endMs: round(b, 3) })),
    });
  }
  return out;
}

/**
 * Whether crypto/zlib jobs (traced: threadpool.ts) filled at least half of the pool's threads
 * while it was saturated: CPU work, which a larger pool speeds up only while cores are free.
 */
export function mostlyCpuWork(pool: Pick<PoolTimeline, 'cpuJobs' | 'saturated' | 'saturatedMs' | 'size'>): boolean {
  return pool.saturatedMs > 0 && overlapInSegments(pool.cpuJobs, pool.saturated.flat()) >= 0.5 * pool.saturatedMs * pool.size;
}

/**
 * Whether `at` falls in one of the saturated intervals (in order, disjoint) or up to 50 ms before
 * one: a binary search, not a scan per pool call (an fs-heavy run makes them by the hundred thousand).
 */
export function inSaturated(intervals: readonly [number, number][], at: number): boolean {
  // The first interval that ends at or after `at`: those before end before it, and those after
  // start later than this one does.
  let lo = 0, hi = intervals.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (intervals[mid][1] < at) lo = mid + 1; else hi = mid; }
  return lo < intervals.length && at >= intervals[lo][0] - 50;
}

/** Processes named one by one in the note of saturated pools no finding explains; the rest are counted. */
const SATURATED_NAMED = 8;

/**
 * The note for processes whose thread pool was saturated with no call of the program's to show
 * for it: one line for all of them (a test runner's every worker saturates its pool loading
 * modules: vitest's 7 processes made 7 notes that differed only in their figures).
 */
export function unattributedSaturation(saturated: { pid: number; maxQueued: number; saturatedMs: number }[], attached: boolean): string[] {
  if (saturated.length === 0) return [];
  // Attached, no call site is instrumented: whose work it was is unknown, not "not yours".
  const whose = attached ? 'whose calling lines an attached run cannot see (code loaded before the attach is not instrumented)' : 'not traced to a call in your files (module loading, a library)';
  const figures = (p: { maxQueued: number; saturatedMs: number }) => `up to ${p.maxQueued} queued for ${Math.round(p.saturatedMs)} ms`;
  if (saturated.length === 1) return [`pid ${saturated[0].pid}: the thread pool was saturated (${figures(saturated[0])}) by work ${whose}`];
  const named = saturated.slice(0, SATURATED_NAMED).map((p) => `pid ${p.pid} (${figures(p)})`).join(', ');
  const more = saturated.length > SATURATED_NAMED ? ` and ${saturated.length - SATURATED_NAMED} more` : '';
  return [`the thread pool was saturated by work ${whose} in ${saturated.length} processes: ${named}${more}`];
}
