import type { AnalysisContext, FindingDraft } from '../context';
import { sampleDuration, sampleCpu, isBusy, SampleTimeline } from '../cpuSamples';
import { fmtMs, round } from '../stats';
import { siteLocation } from '../context';
import { TICK_FIELDS } from '../threadModel';

/** The probe's lag timer period (recorder/probe/index.ts). */
const TICK_MS = 10;

/**
 * Stretches where a process's main thread ran without a break for at least the threshold
 * (default 20 ms): nothing else on its event loop could run. Found from the CPU samples, and
 * attributed to the user-code line most often on CPU inside the stretch (the hottest line of
 * the innermost user function), not to the callback that started it. Stretches that were
 * mostly a sync I/O call are left to the sync-io finding; stretches with no user code on the
 * stack (module loading, GC) are not the user's to fix.
 */
export function blockingCpu(ctx: AnalysisContext): FindingDraft[] {
  const threshold = ctx.run.blockingThresholdMs;
  const byLocation = new Map<string, { draft: FindingDraft; longest: number; fn: string }>();
  // A test runner's workers run the code under test, async as it runs in production: its blocks count.
  const runsTests = new Set(ctx.run.threads.filter((t) => t.records.some((r) => r.t === 'testRunner')).map((t) => `${t.pid}:${t.tid}`));
  for (const { lane, model, samples } of ctx.threads) {
    // Worker threads, and forked children working for their parent over IPC (a process pool),
    // exist to block: only loops that serve something are reported (the main process, cluster
    // workers, other child processes that do async work, test runners' workers).
    if (!samples) continue;
    if (!runsTests.has(lane.id)) {
      if (lane.kind === 'worker') continue;
      if (lane.kind === 'process' && (isPoolMember(model) || !servesAsyncWork(model))) continue;
    }
    const syncSpans: [number, number][] = [];
    const libSpans: { from: number; to: number; gid: number }[] = [];
    for (let i = 0; i < model.spans.length; i += 7) {
      if (model.spans[i] === 1) syncSpans.push([model.spans[i + 3], model.spans[i + 5]]);
      if (model.spans[i] === 3) libSpans.push({ from: model.spans[i + 3], to: model.spans[i + 5], gid: model.spans[i + 1] });
    }
    for (const run of busyRuns(samples)) {
      // The CPU the stretch used (descheduled gaps do not count), not its wall length.
      let duration = 0;
      for (let i = run.from; i <= run.to; i++) if (isBusy(samples.kind[i])) duration += sampleCpu(samples, i);
      if (duration < threshold) continue;
      if (overlap(syncSpans, run.start, run.end) > duration / 2) continue;
      // Many short tasks back to back keep a loop busy without blocking it: timers still run
      // between them. One long task delays the lag timer by about its length: ask the timer.
      if (!lagConfirms(model, run.start, run.end, threshold)) continue;
      // A thread starved of a core (other threads saturating the machine) is not doing CPU work:
      // the kernel's count of its on-CPU time between the ticks around the stretch says which.
      if (cpuBetweenTicks(model, run.start, run.end) < threshold) continue;
      const votes = new Map<string, { n: number; url: string; line: number; fn: string; fnLine: number; callees: Map<string, number> }>();
      let user = 0, busy = 0, nodeInternal = 0;
      for (let i = run.from; i <= run.to; i++) {
        if (!isBusy(samples.kind[i])) continue;
        busy++;
        if (samples.kind[i] === 'node' || samples.kind[i] === 'native') nodeInternal++;
        const f = samples.frame[i];
        if (!f) continue;
        user++;
        const key = `${f.url}:${f.line}`;
        const v = votes.get(key) ?? { n: 0, url: f.url, line: f.line, fn: f.functionName, fnLine: f.functionLine, callees: new Map() };
        v.n++;
        if (f.callee) v.callees.set(f.callee, (v.callees.get(f.callee) ?? 0) + 1);
        votes.set(key, v);
      }
      if (busy === 0 || user / busy < 0.5) continue;
      // Work inside Node's own modules on behalf of many small calls (setting up 20 HTTP
      // requests, spawning pool threads) is the cost of doing I/O, and cold internal code runs
      // slower under a profiler: it must be clearly long (twice the threshold) to be reported.
      if (nodeInternal / busy >= 0.6 && duration < 2 * threshold) continue;
      const top = [...votes.values()].sort((a, b) => b.n - a.n)[0];
      // Work inside a dependency: the profile knows only the calling function; the timed call
      // into the dependency that covers most of the stretch knows the line.
      const call = top.callees.size > 0 ? longestOverlap(libSpans, run.start, run.start + duration) : undefined;
      const callSite = call && call.overlap >= duration / 2 ? model.sites.get(call.gid) : undefined;
      const location = callSite ? siteLocation(ctx, callSite) : ctx.mapper.locate(top.url, top.line);
      const key = `${lane.id}|${location.file}:${location.line}`;
      let entry = byLocation.get(key);
      // Work below the user's function (native code, a library): name what was on CPU.
      const callee = [...top.callees.entries()].sort((a, b) => b[1] - a[1])[0];
      const where = callSite ? `${callSite.label} (${top.fn})` : callee && callee[1] > top.n / 2 ? `${callee[0]} ← ${top.fn}` : top.fn;
      if (!entry) {
        entry = { longest: 0, fn: where, draft: {
          kind: 'blocking-cpu', severity: 'warning', message: '', location, laneId: lane.id, occurrences: 0, totalMs: 0, intervals: [],
          related: top.fnLine !== top.line ? [ctx.mapper.locate(top.url, top.fnLine)] : undefined,
        } };
        byLocation.set(key, entry);
      }
      entry.draft.occurrences++;
      entry.draft.totalMs += duration;
      entry.longest = Math.max(entry.longest, duration);
      if (entry.draft.intervals!.length < 50) entry.draft.intervals!.push({ laneId: lane.id, startMs: round(run.start, 3), endMs: round(run.end, 3) });
    }
  }
  return [...byLocation.values()].map(({ draft, longest, fn }) => ({
    ...draft,
    totalMs: round(draft.totalMs),
    severity: longest >= 200 ? 'error' : 'warning',
    message: `blocked the event loop ${draft.occurrences}× · ${fmtMs(draft.totalMs)} total (longest ${fmtMs(longest)}) in ${fn}`,
    detail: `CPU work in ${fn} ran for up to ${fmtMs(longest)} without yielding: timers, I/O callbacks and requests on this thread `
      + `waited that long. Split the work into chunks (setImmediate between them), or move it to a worker thread.`,
  }));
}

/**
 * True when the lag ticks around a busy stretch saw the loop held up for at least half the
 * threshold, or when no lag was being measured then (the main script's first run).
 */
function lagConfirms(model: { ticks: number[]; startupDoneMs?: number }, start: number, end: number, threshold: number): boolean {
  if (model.startupDoneMs === undefined || start < model.startupDoneMs) return true;
  let maxLag = 0;
  for (let i = 0; i < model.ticks.length; i += TICK_FIELDS) {
    const t = model.ticks[i];
    if (t >= start && t <= end + 2 * TICK_MS) maxLag = Math.max(maxLag, model.ticks[i + 1]);
  }
  return maxLag >= threshold / 2;
}

/** On-CPU ms of the thread from the last tick before `start` to the first after `end`, or Infinity if unknown. */
function cpuBetweenTicks(model: { ticks: number[] }, start: number, end: number): number {
  let before = -1, after = -1;
  for (let i = 0; i < model.ticks.length; i += TICK_FIELDS) {
    const t = model.ticks[i], cpu = model.ticks[i + 4];
    if (cpu === undefined || cpu < 0) continue;
    if (t <= start) before = cpu;
    else if (t >= end && after < 0) { after = cpu; break; }
  }
  return before >= 0 && after >= 0 ? after - before : Infinity;
}

function isPoolMember(model: { hello?: { ipc?: boolean; clusterWorker?: boolean } }): boolean {
  return !!model.hello?.ipc && !model.hello.clusterWorker;
}

function servesAsyncWork(model: { agg?: { site: { leafSampled: number[] } } }): boolean {
  return !!model.agg && model.agg.site.leafSampled.some((n) => n > 0);
}

/** Maximal runs of consecutive busy samples: [from, to] sample indexes and their time span. */
export function busyRuns(s: SampleTimeline): { from: number; to: number; start: number; end: number }[] {
  const runs: { from: number; to: number; start: number; end: number }[] = [];
  let from = -1;
  for (let i = 0; i <= s.time.length; i++) {
    const busy = i < s.time.length && isBusy(s.kind[i]);
    if (busy && from < 0) from = i;
    if (!busy && from >= 0) {
      runs.push({ from, to: i - 1, start: s.time[from], end: s.time[i - 1] + sampleDuration(s, i - 1) });
      from = -1;
    }
  }
  return runs;
}

function longestOverlap(spans: { from: number; to: number; gid: number }[], from: number, to: number) {
  let best: { gid: number; overlap: number } | undefined;
  for (const s of spans) {
    const o = Math.min(s.to, to) - Math.max(s.from, from);
    if (o > 0 && (!best || o > best.overlap)) best = { gid: s.gid, overlap: o };
  }
  return best;
}

function overlap(spans: [number, number][], from: number, to: number): number {
  let total = 0;
  for (const [a, b] of spans) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return total;
}
