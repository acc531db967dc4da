import type { AnalysisContext, FindingDraft } from '../context';
import { siteLocation, sampleScale, sitesByThread } from '../context';
import { isBusy, firstAtOrAfter, SampleTimeline } from '../cpuSamples';
import { round } from '../stats';
import { formatMs } from '../format';
import { SPAN, AWAIT_FLAG } from '../raw';
import { forEachSpan, type ThreadModel, type ThreadSite } from '../threadModel';

const MIN_TOTAL_MS = 10;
const MIN_CPU_SHARE = 0.8;

/**
 * Promise.all/race/allSettled/any whose "concurrent" work never waited: the time from
 * evaluating the call to the await resuming was spent on this thread's CPU. Either evaluating
 * the operand ran the async functions' bodies synchronously, or the promises settled in
 * microtasks before the event loop ever turned (a limiter such as p-limit starts each task in a
 * microtask: the operand is quick, and the work all runs after it).
 */
export function fakeConcurrency(ctx: AnalysisContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const { thread: { lane, model, samples }, agg, sites } of sitesByThread(ctx, ['combinator'])) {
    for (const site of sites) {
      const sampled = agg.site.sampled[site.gid] ?? 0;
      if (sampled === 0) continue;
      const total = agg.site.sum[site.gid] ?? 0;
      const operand = agg.site.syncSum[site.gid] ?? 0;
      // "Concurrent" work that never waits runs to completion while the promises are being
      // created: the operand's evaluation takes nearly all the time, and it is user code on CPU
      // (not Node internals issuing I/O, as for `Promise.all(files.map(fs.writeFile))`).
      if (total < MIN_TOTAL_MS || total / sampled < 2) continue;
      if (operand / total < MIN_CPU_SHARE) {
        const inTurn = settledInTurn(ctx, model, samples, site, lane.id);
        if (inTurn) out.push(inTurn);
        continue;
      }
      let userCpu = 0;
      let window = 0;
      const sp = model.spans;
      forEachSpan(sp, 'await', (o) => {
        if (sp[o + SPAN.site] !== site.gid) return;
        window += sp[o + SPAN.t1] - sp[o + SPAN.t0];
        if (samples) userCpu += userWithin(samples, sp[o + SPAN.t0], sp[o + SPAN.t1]);
      });
      if (!samples || window <= 0 || userCpu / window < 0.5) continue;
      const scale = sampleScale(model, site);
      out.push(finding(ctx, model, site, lane.id, total * scale, Math.round(sampled * scale), () =>
        `${Math.round((operand / total) * 100)}% of the time between starting these promises and their settling went into creating them: `
          + `the async functions ran their work synchronously, one after another (${formatMs(operand * scale)} of CPU). Async functions run on one thread: gathering CPU-bound work gives concurrency `
          + `without parallelism and no speed-up. Move the work to worker threads (a pool sized to the cores) to run it in parallel.`));
    }
  }
  return out;
}

/**
 * The same verdict from the awaits that settled before the event loop turned, with no wait on
 * I/O resumed meanwhile (AWAIT_FLAG.settledInTurn), when their whole time was mostly the
 * program's code on this thread's CPU.
 */
function settledInTurn(ctx: AnalysisContext, model: ThreadModel, samples: SampleTimeline | undefined, site: ThreadSite, laneId: string): FindingDraft | undefined {
  if (!samples) return undefined;
  let n = 0;
  let window = 0;
  let userCpu = 0;
  const sp = model.spans;
  forEachSpan(sp, 'await', (o) => {
    if (sp[o + SPAN.site] !== site.gid || !(sp[o + SPAN.flags] & AWAIT_FLAG.settledInTurn)) return;
    n++;
    window += sp[o + SPAN.t2] - sp[o + SPAN.t0];
    userCpu += userWithin(samples, sp[o + SPAN.t0], sp[o + SPAN.t2]);
  });
  if (window <= 0 || userCpu / window < MIN_CPU_SHARE) return undefined;
  const scale = sampleScale(model, site);
  const windowAll = window * scale;
  if (windowAll < MIN_TOTAL_MS) return undefined;
  return finding(ctx, model, site, laneId, windowAll, Math.round(n * scale), (combinator) =>
    `These promises settled before the event loop ever turned, with no I/O completing meanwhile: their work ran in microtasks, one task after another `
      + `(${Math.round((userCpu / window) * 100)}% of that time was your code on this thread's CPU). Async functions run on one thread: gathering CPU-bound work, `
      + `with Promise.${combinator} or a limiter such as p-limit, gives concurrency without parallelism and no speed-up. Move the work to worker threads (a pool sized to the cores) to run it in parallel.`);
}

/** The finding at a combinator's site: `ms` of its waits ran one task after another; `detail` gets the combinator's name (all, race…). */
function finding(ctx: AnalysisContext, model: ThreadModel, site: ThreadSite, laneId: string, ms: number, occurrences: number, detail: (combinator: string) => string): FindingDraft {
  const combinator = /Promise\.(\w+)/.exec(site.label)?.[1] ?? 'all';
  return {
    kind: 'fake-concurrency',
    severity: 'warning',
    message: `Promise.${combinator} over work that never waits: ${formatMs(ms)} ran one task after another on the event loop`,
    location: siteLocation(ctx, site),
    laneId,
    occurrences,
    totalMs: round(ms),
    detail: detail(combinator),
    intervals: intervals(model.spans, site.gid, laneId),
  };
}

function userWithin(s: SampleTimeline, from: number, to: number): number {
  let busy = 0;
  for (let i = Math.max(0, firstAtOrAfter(s.time, from) - 1); i < s.time.length && s.time[i] < to; i++) {
    const a = Math.max(from, s.time[i]);
    const b = Math.min(to, i + 1 < s.time.length ? s.time[i + 1] : s.end);
    if (b > a && isBusy(s.kind[i]) && s.frame[i]) busy += b - a;
  }
  return busy;
}

function intervals(spans: ArrayLike<number>, gid: number, laneId: string) {
  const out: { laneId: string; startMs: number; endMs: number }[] = [];
  forEachSpan(spans, 'await', (o) => {
    if (out.length < 50 && spans[o + SPAN.site] === gid) out.push({ laneId, startMs: round(spans[o + SPAN.t0], 3), endMs: round(spans[o + SPAN.t2], 3) });
  });
  return out;
}

