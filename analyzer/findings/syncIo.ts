import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation } from '../context';
import { fmtMs, round } from '../stats';
import type { TraceEvent } from '../raw';

/**
 * Sync I/O calls made from user code. After start-up (once the main script's first run is
 * over) every such call stalls everything else the loop serves: a warning. During start-up
 * (reading config before anything else runs) it is only worth knowing: info.
 */
export function syncIo(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { lane, model } of ctx.threads) {
    const agg = model.agg;
    if (!agg) continue;
    const calls = new Map<number, { n: number; afterStartup: number; intervals: { laneId: string; startMs: number; endMs: number }[] }>();
    for (let i = 0; i < model.spans.length; i += 7) {
      if (model.spans[i] !== 1) continue;
      const id = model.spans[i + 1];
      const c = calls.get(id) ?? { n: 0, afterStartup: 0, intervals: [] };
      c.n++;
      if (model.startupDoneMs !== undefined && model.spans[i + 3] >= model.startupDoneMs) c.afterStartup++;
      if (c.intervals.length < 50) c.intervals.push({ laneId: lane.id, startMs: round(model.spans[i + 3], 3), endMs: round(model.spans[i + 5], 3) });
      calls.set(id, c);
    }
    for (const site of model.sites.values()) {
      if (site.kind !== 'sync') continue;
      const count = agg.site.count[site.gid] ?? 0;
      if (count === 0) continue;
      const total = agg.site.sum[site.gid] ?? 0;
      const max = agg.site.max[site.gid] ?? 0;
      const c = calls.get(site.gid);
      const late = c ? c.afterStartup > 0 : true;
      const inAsync = site.fn !== 0;
      const name = site.label.replace(/\(\)$/, '');
      out.push({
        kind: 'sync-io',
        // A worker thread is where blocking work belongs: worth knowing, not a problem.
        severity: late && lane.kind !== 'worker' ? 'warning' : 'info',
        message: `${name} blocked the event loop ${count}× · ${fmtMs(total)} total` + (lane.kind === 'worker' ? ' in a worker thread' : inAsync ? ' inside async code' : late ? '' : ' during start-up'),
        location: siteLocation(ctx, site),
        laneId: lane.id,
        occurrences: count,
        totalMs: round(total, 2),
        detail: `${name} does its I/O on the calling thread: while it runs (longest ${fmtMs(max)}), no callback, timer or request `
          + `of this thread is served. Use the async API (${asyncTwin(name)}), or move the work off the event loop.`,
        intervals: c?.intervals,
      });
    }
  }
  out.push(...librarySyncIo(ctx));
  return out;
}

/**
 * Sync file I/O done inside a dependency, located at the user's call into it: timed calls
 * that did sync fs work (flag 1 on the span), with the node.fs.sync trace events of the
 * process's main thread inside them (which calls, how long).
 */
function librarySyncIo(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { lane, model } of ctx.threads) {
    if (lane.threadId !== 0) continue; // trace events name OS threads: only the main thread's are known
    const events = syncFsEvents(ctx.run.processes.find((p) => p.pid === lane.pid)?.traceEvents ?? [], lane.pid, ctx.run.startHrUs);
    if (events.length === 0) continue;
    type Interval = { laneId: string; startMs: number; endMs: number };
    const bySite = new Map<number, { n: number; ms: number; names: Map<string, number>; late: boolean; intervals: Interval[] }>();
    for (let i = 0; i < model.spans.length; i += 7) {
      if (model.spans[i] !== 3 || model.spans[i + 6] !== 1) continue;
      const from = model.spans[i + 3], to = model.spans[i + 5];
      const inside = events.filter((e) => e.start >= from - 0.05 && e.end <= to + 0.05);
      if (inside.length === 0) continue;
      const gid = model.spans[i + 1];
      const agg = bySite.get(gid) ?? { n: 0, ms: 0, names: new Map<string, number>(), late: false, intervals: [] as Interval[] };
      agg.n++;
      for (const e of inside) { agg.ms += e.end - e.start; agg.names.set(e.name, (agg.names.get(e.name) ?? 0) + 1); }
      if (model.startupDoneMs !== undefined && from >= model.startupDoneMs) agg.late = true;
      if (agg.intervals.length < 50) agg.intervals.push({ laneId: lane.id, startMs: round(from, 3), endMs: round(to, 3) });
      bySite.set(gid, agg);
    }
    for (const [gid, a] of bySite) {
      const site = model.sites.get(gid);
      if (!site) continue;
      const calls = [...a.names.entries()].map(([n, k]) => `${n.replace('fs.sync.', '')} ×${k}`).join(', ');
      out.push({
        kind: 'sync-io',
        severity: a.late ? 'warning' : 'info',
        message: `${site.label.replace(/\(\)$/, '')} did sync file I/O (${calls}) ${a.n}× · ${fmtMs(a.ms)} total` + (a.late ? '' : ' during start-up'),
        location: siteLocation(ctx, site),
        laneId: lane.id,
        occurrences: a.n,
        totalMs: round(a.ms, 2),
        detail: `This call into a dependency read or wrote files synchronously on the event loop (${calls}). `
          + `Nothing else on this thread ran meanwhile. Look for an async variant of the call, call it once at start-up, or cache its result.`,
        intervals: a.intervals,
      });
    }
  }
  return out;
}

/** B/E pairs of node.fs.sync trace events on one OS thread, in report ms. */
function syncFsEvents(events: TraceEvent[], tid: number, startHrUs: number): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.tid !== tid || !e.cat.includes('node.fs.sync')) continue;
    if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) out.push({ name: b.name, start: (b.ts - startHrUs) / 1000, end: (e.ts - startHrUs) / 1000 });
    }
  }
  return out;
}

function asyncTwin(name: string): string {
  const base = name.replace(/Sync$/, '');
  const fn = base.split('.').pop()!;
  if (/^(exec|execFile|spawn)$/.test(fn)) return `child_process.${fn} with a callback or promisified`;
  if (/^(gzip|gunzip|deflate|inflate|brotli\w*|unzip|inflateRaw|deflateRaw)$/.test(fn)) return `zlib.${fn} or a stream`;
  if (/^(pbkdf2|scrypt|randomFill|generateKeyPair|hkdf)$/.test(fn)) return `crypto.${fn}`;
  return `fs.promises.${fn}`;
}
