import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation, sitesByThread } from '../context';
import { round } from '../stats';
import { formatMs } from '../format';
import { SPAN } from '../raw';
import { forEachSpan } from '../threadModel';
import { firstAtOrAfter } from '../cpuSamples';
import { lanesRunningTests } from './testLanes';

/** Sync I/O that blocked for less than this in total is `info`, wherever it ran. */
const MIN_WARNING_MS = 1;

/**
 * Sync I/O calls made from user code. After start-up (once the main script's first run is
 * over) every such call stalls everything else the loop serves: a warning (under 1 ms in all: info). During start-up
 * (reading config before anything else runs) it is only worth knowing: info.
 */
export function syncIo(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const runsTests = lanesRunningTests(ctx);
  for (const { thread: { lane, model }, agg, sites } of sitesByThread(ctx, ['sync'])) {
    const calls = new Map<number, { n: number; afterStartup: number; intervals: { laneId: string; startMs: number; endMs: number }[] }>();
    const sp = model.spans;
    forEachSpan(sp, 'sync', (o) => {
      const id = sp[o + SPAN.site];
      const c = calls.get(id) ?? { n: 0, afterStartup: 0, intervals: [] };
      c.n++;
      if (model.startupDoneMs !== undefined && sp[o + SPAN.t0] >= model.startupDoneMs) c.afterStartup++;
      if (c.intervals.length < 50) c.intervals.push({ laneId: lane.id, startMs: round(sp[o + SPAN.t0], 3), endMs: round(sp[o + SPAN.t2], 3) });
      calls.set(id, c);
    });
    for (const site of sites) {
      const count = agg.site.count[site.gid] ?? 0;
      if (count === 0) continue;
      const total = agg.site.sum[site.gid] ?? 0;
      const max = agg.site.max[site.gid] ?? 0;
      const c = calls.get(site.gid);
      const late = c ? c.afterStartup > 0 : true;
      const inAsync = site.fn !== 0;
      const name = site.label.replace(/\(\)$/, '');
      const cpu = isCpuCall(name);
      // A worker thread is where blocking work belongs, unless a test runner runs the code under test there (vitest --pool=threads).
      const worker = lane.kind === 'worker' && !runsTests.has(lane.id);
      out.push({
        kind: 'sync-io',
        // A worker thread is where blocking work belongs, and calls that blocked for under a
        // millisecond in all (a shutdown handler's small write) cost nothing: worth knowing.
        severity: late && !worker && total >= MIN_WARNING_MS ? 'warning' : 'info',
        message: `${name} ${cpu ? 'ran CPU work on the event loop' : 'blocked the event loop'} ${count}× · ${formatMs(total)} total` + (worker ? ' in a worker thread' : inAsync ? ' inside async code' : late ? '' : ' during start-up'),
        location: siteLocation(ctx, site),
        laneId: lane.id,
        occurrences: count,
        totalMs: round(total, 2),
        detail: cpu
          ? `${name} computes on the calling thread: while it runs (longest ${formatMs(max)}), no callback, timer or request `
            + `of this thread is served. Use the async API (${asyncTwin(name)}, which runs on libuv's thread pool), or move the work to a worker thread.`
          : `${name} does its I/O on the calling thread: while it runs (longest ${formatMs(max)}), no callback, timer or request `
            + `of this thread is served. Use the async API (${asyncTwin(name)}), or move the work off the event loop.`,
        intervals: c?.intervals,
      });
    }
  }
  out.push(...librarySyncIo(ctx));
  return out;
}

/**
 * Sync file I/O done inside a dependency, located at the user's call into it: timed calls that
 * did sync fs work (SPAN.flags 1 on a lib span), with the sync fs calls the probe saw inside them
 * (which, how long; module loading is not counted).
 */
function librarySyncIo(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  type Interval = { laneId: string; startMs: number; endMs: number };
  for (const { lane, model } of ctx.threads) {
    const sp = model.spans;
    // The program's own *Sync calls (sync spans, one per call, in the order they returned: they
    // never overlap) are not the dependency's, though they ran inside a call of it (a callback
    // it called: `lib.run(() => fs.readFileSync(f))`).
    const own: number[] = [];
    forEachSpan(sp, 'sync', (o) => { own.push(sp[o + SPAN.t0], sp[o + SPAN.t2]); });
    const ownStarts = Float64Array.from({ length: own.length / 2 }, (_, i) => own[2 * i]);
    const isOwn = (start: number, end: number): boolean => {
      // The last of the program's calls that started at or before `start`.
      let at = firstAtOrAfter(ownStarts, start);
      if (at === ownStarts.length || ownStarts[at] > start) at--;
      return at >= 0 && own[2 * at + 1] >= end;
    };
    const fsCalls: { name: string; start: number; end: number }[] = [];
    forEachSpan(sp, 'fsSync', (o) => {
      const start = sp[o + SPAN.t0], end = sp[o + SPAN.t2];
      if (!isOwn(start, end)) fsCalls.push({ name: model.fsSyncNames[sp[o + SPAN.site]] ?? 'fs', start, end });
    });
    if (fsCalls.length === 0) continue;
    // Each read or write is the innermost timed call's that was under way: a dependency that
    // calls the program back, which calls another dependency (`program.parse()` running an
    // action that calls `config.get()`), did not do the inner call's I/O. Timed calls nest
    // (a call's span lies inside the span of any call it ran within).
    const libCalls: { from: number; to: number; gid: number; fs: { name: string; start: number; end: number }[] }[] = [];
    forEachSpan(sp, 'lib', (o) => {
      if (sp[o + SPAN.flags] === 1) libCalls.push({ from: sp[o + SPAN.t0], to: sp[o + SPAN.t2], gid: sp[o + SPAN.site], fs: [] });
    });
    libCalls.sort((a, b) => a.from - b.from || b.to - a.to);
    const open: typeof libCalls = [];
    let next = 0;
    for (const e of fsCalls.sort((a, b) => a.start - b.start)) {
      while (next < libCalls.length && libCalls[next].from <= e.start) {
        while (open.length > 0 && open[open.length - 1].to < libCalls[next].from) open.pop();
        open.push(libCalls[next++]);
      }
      while (open.length > 0 && open[open.length - 1].to < e.end) open.pop();
      open[open.length - 1]?.fs.push(e);
    }
    const bySite = new Map<number, { n: number; ms: number; names: Map<string, number>; late: boolean; intervals: Interval[] }>();
    for (const { from, to, gid, fs: inside } of libCalls) {
      if (inside.length === 0) continue;
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
      const calls = [...a.names.entries()].map(([n, k]) => `${n} ×${k}`).join(', ');
      out.push({
        kind: 'sync-io',
        // A dependency's sub-millisecond sync write (a log line) is worth knowing, not fixing.
        severity: a.late && lane.kind !== 'worker' && a.ms >= MIN_WARNING_MS ? 'warning' : 'info',
        message: `${site.label.replace(/\(\)$/, '')} did sync file I/O (${calls}) ${a.n}× · ${formatMs(a.ms)} total` + (a.late ? '' : ' during start-up'),
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

/**
 * crypto's and zlib's *Sync calls do no I/O: they compute (hash, derive keys, compress) on the
 * calling thread. Still one sync call finding at the call, named as CPU work.
 */
const CPU_SYNC = /(^|\.)(pbkdf2|scrypt|hkdf|generateKeyPair|generateKey|generatePrime|checkPrime|randomFill|gzip|gunzip|deflate|inflate|deflateRaw|inflateRaw|unzip|brotliCompress|brotliDecompress)Sync$/;
export function isCpuCall(name: string): boolean {
  return CPU_SYNC.test(name);
}

function asyncTwin(name: string): string {
  const base = name.replace(/Sync$/, '');
  const fn = base.split('.').pop()!;
  if (/^(exec|execFile|spawn)$/.test(fn)) return `child_process.${fn} with a callback or promisified`;
  if (/^(gzip|gunzip|deflate|inflate|brotli\w*|unzip|inflateRaw|deflateRaw)$/.test(fn)) return `zlib.${fn} or a stream`;
  if (/^(pbkdf2|scrypt|randomFill|generateKeyPair|hkdf)$/.test(fn)) return `crypto.${fn}`;
  return `fs.promises.${fn}`;
}
