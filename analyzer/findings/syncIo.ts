import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation } from '../context';
import { fmtMs, round } from '../stats';

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
