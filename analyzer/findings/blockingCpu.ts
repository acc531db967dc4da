import type { AnalysisContext, FindingDraft } from '../context';
import { sampleDuration, sampleCpu, isBusy, SampleTimeline } from '../cpuSamples';
import { fmtMs, round } from '../stats';
import { siteLocation } from '../context';
import { TICK_FIELDS } from '../threadModel';
import type { SourceLocation } from '../report';
import { launcherName } from '../launchers';
import { libraryHotspots, LibraryHotspots } from './libraryHotspots';

/** Below this, a stretch with no user code on the stack (a library's or Node's own) is not reported. */
const LIBRARY_MIN_MS = 1000;
/** A stretch this long (or longer) is an error; in start-up it reads "the event loop never turned". */
const ERROR_MS = 200;

type Interval = { laneId: string; startMs: number; endMs: number };
interface SiteEntry {
  draft: FindingDraft;
  longest: number;
  fn: string;
  /** Longest start-up block (before the loop first turned) and whether its process ended unturned. */
  neverTurnedMs: number;
  /** CPU time of that block (less than its wall time when the machine was crowded). */
  neverTurnedCpuMs: number;
  endedUnturned: boolean;
  /** Some lane is the program's (not a process working for its parent over IPC). */
  serves: boolean;
  /** `warmups`: stretches that were Node's own code run cold (see below). */
  perLane: Map<string, { laneId: string; occurrences: number; warmups: number; totalMs: number; intervals: Interval[] }>;
}

/**
 * Stretches where a process's main thread ran without a break for at least the threshold
 * (default 20 ms): nothing else on its event loop could run. Found from the CPU samples, and
 * attributed to the user-code line most often on CPU inside the stretch (the hottest line of
 * the innermost user function), not to the callback that started it. Stretches that were
 * mostly a sync I/O call are left to the sync-io finding. A stretch with no user code on the
 * stack is reported only when long (a second or more): at the hottest dependency function,
 * named with its package, or as module loading.
 *
 * Start-up (the main script's first synchronous run, before the loop ever turned) counts like
 * any other stretch; a long one reads "the event loop never turned for …". Every process is
 * checked except worker threads and launchers (npm, npx, …): a forked child working for its
 * parent over IPC (a process pool) exists to block, so its stretches are `info`. A site seen in
 * several processes (cluster workers, children running the same file) is one finding with its
 * occurrences per process (`perLane`).
 */
export function blockingCpu(ctx: AnalysisContext): FindingDraft[] {
  const threshold = ctx.run.blockingThresholdMs;
  const bySite = new Map<string, SiteEntry>();
  const isLibrary = libraryClassifier(ctx);
  // A test runner's workers run the code under test, async as it runs in production: its blocks count.
  const runsTests = new Set(ctx.run.threads.filter((t) => t.records.some((r) => r.t === 'testRunner')).map((t) => `${t.pid}:${t.tid}`));
  for (const { lane, model, samples } of ctx.threads) {
    // Worker threads exist to block (a test runner's excepted); launchers run no user code.
    if (!samples || isLauncher(model)) continue;
    const runsTestCode = runsTests.has(lane.id);
    if (lane.kind === 'worker' && !runsTestCode) continue;
    const forParent = lane.kind === 'process' && !runsTestCode && isPoolMember(model);
    const profile = ctx.run.threads.find((t) => t.pid === model.pid && t.tid === model.tid)?.profile;
    const syncSpans: [number, number][] = [];
    const libSpans: { from: number; to: number; gid: number }[] = [];
    for (let i = 0; i < model.spans.length; i += 7) {
      if (model.spans[i] === 1) syncSpans.push([model.spans[i + 3], model.spans[i + 5]]);
      if (model.spans[i] === 3) libSpans.push({ from: model.spans[i + 3], to: model.spans[i + 5], gid: model.spans[i + 1] });
    }
    // The loop first turned at startupDone, and turns again at every lag tick that ran (a timer
    // callback): what ran before and after either are different tasks. Busy samples back to back
    // across a tick (responses arriving one after another on a crowded machine) are not one block.
    const turns = model.ticks.filter((_, i) => i % TICK_FIELDS === 0);
    if (model.startupDoneMs !== undefined) turns.push(model.startupDoneMs);
    turns.sort((a, b) => a - b);
    for (const run of splitAt(busyRuns(samples), samples, turns)) {
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
      // It also bounds the stretch's CPU: on a crowded machine samples are sparse and each
      // stands for more time than the thread really ran.
      const onCpu = cpuBetweenTicks(model, run.start, run.end);
      if (onCpu < threshold) continue;
      duration = Math.min(duration, onCpu);
      const votes = new Map<string, { n: number; url: string; line: number; fn: string; fnLine: number; callees: Map<string, number> }>();
      let user = 0, busy = 0, nodeInternal = 0, nodeJs = 0, gc = 0;
      for (let i = run.from; i <= run.to; i++) {
        if (!isBusy(samples.kind[i])) continue;
        busy++;
        if (samples.kind[i] === 'gc') gc++;
        if (samples.kind[i] === 'node' || samples.kind[i] === 'native') nodeInternal++;
        if (samples.kind[i] === 'node') nodeJs++;
        const f = samples.frame[i];
        if (!f) continue;
        user++;
        const key = `${f.url}:${f.line}`;
        const v = votes.get(key) ?? { n: 0, url: f.url, line: f.line, fn: f.functionName, fnLine: f.functionLine, callees: new Map() };
        v.n++;
        if (f.callee) v.callees.set(f.callee, (v.callees.get(f.callee) ?? 0) + 1);
        votes.set(key, v);
      }
      if (busy === 0) continue;
      const startup = model.startupDoneMs === undefined || run.start < model.startupDoneMs;
      const libs = profile ? libraryHotspots(profile, samples, run.from, run.to, isLibrary) : undefined;
      let location: SourceLocation;
      let where: string;
      let warmup = false;
      let related: SourceLocation[] | undefined;
      if (user / busy >= 0.5) {
        // Work inside Node's own modules on behalf of many small calls (setting up 20 HTTP
        // requests, spawning pool threads) is the cost of doing I/O, and cold internal code runs
        // slower under a profiler: it must be clearly long (twice the threshold) to be reported.
        if (nodeInternal / busy >= 0.6 && duration < 2 * threshold) continue;
        // Node's own code run cold the first time (the first http.get() or res.end() of a process
        // compiles Node's HTTP code lazily, slower under a profiler on a loaded machine: 50 ms)
        // is a warm-up: reported only if clearly long or if it happens again at the same site.
        warmup = nodeInternal / busy >= 0.6 && duration < 5 * threshold;
        const top = [...votes.values()].sort((a, b) => b.n - a.n)[0];
        // Work inside a dependency: the profile knows only the calling function; the timed call
        // into the dependency that covers most of the stretch (its calls summed) knows the line.
        const call = top.callees.size > 0 ? longestOverlap(libSpans, run.start, run.start + duration) : undefined;
        const callSite = call && call.overlap >= duration / 2 ? model.sites.get(call.gid) : undefined;
        location = callSite ? siteLocation(ctx, callSite) : ctx.mapper.locate(top.url, top.line);
        // Work below the user's function (native code, a library): name what was on CPU.
        const callee = [...top.callees.entries()].sort((a, b) => b[1] - a[1])[0];
        where = callSite ? `${callSite.label} (${top.fn})` : callee && callee[1] > top.n / 2 ? `${callee[0]} ← ${top.fn}` : top.fn;
        // Garbage collection has no stack: a library that allocates a lot shares the stretch with it.
        const hot = libs && libs.inLibrary >= busy / 4 ? hottestNames(libs) : '';
        if (hot) where += ` · hottest: ${hot}`;
        related = top.fnLine !== top.line ? [ctx.mapper.locate(top.url, top.fnLine)] : undefined;
      } else {
        // No user code on the stack: only a long stretch, in a dependency's functions or loading modules.
        if (!libs || duration < Math.max(LIBRARY_MIN_MS, threshold)) continue;
        if (libs.inLibrary >= busy / 4 && libs.inLibrary >= libs.loadingModules && libs.functions.length > 0) {
          const top = libs.functions[0];
          location = ctx.mapper.locate(top.url, top.line);
          where = `${top.pkg}'s ${top.name}` + (libs.functions.length > 1 ? ` · hottest: ${hottestNames(libs)}` : '');
        } else if (startup && libs.loadingModules >= busy / 4) {
          const script = model.hello?.argv[1] ?? model.mainModule;
          if (!script) continue;
          location = { file: script, line: 1, column: 1 };
          where = 'module loading (require/import of the program and its dependencies)';
        } else continue;
      }
      if (gc >= busy / 4) where += ` · ${Math.round((100 * gc) / busy)}% of it garbage collection`;
      const key = `${location.file}:${location.line}`;
      let entry = bySite.get(key);
      if (!entry) {
        entry = { longest: 0, fn: where, neverTurnedMs: 0, neverTurnedCpuMs: 0, endedUnturned: false, serves: false, perLane: new Map(), draft: {
          kind: 'blocking-cpu', severity: 'warning', message: '', location, laneId: lane.id, occurrences: 0, totalMs: 0, intervals: [], related,
        } };
        bySite.set(key, entry);
      }
      if (!forParent) entry.serves = true;
      entry.draft.occurrences++;
      entry.draft.totalMs += duration;
      entry.longest = Math.max(entry.longest, duration);
      if (startup && duration >= ERROR_MS) {
        const wall = run.end - Math.max(run.start, model.startMs);
        if (wall > entry.neverTurnedMs) { entry.neverTurnedMs = wall; entry.neverTurnedCpuMs = duration; }
        if (model.startupDoneMs === undefined) entry.endedUnturned = true;
      }
      const per = entry.perLane.get(lane.id) ?? { laneId: lane.id, occurrences: 0, warmups: 0, totalMs: 0, intervals: [] };
      per.occurrences++;
      if (warmup) per.warmups++;
      per.totalMs += duration;
      if (per.intervals.length < 50) per.intervals.push({ laneId: lane.id, startMs: round(run.start, 3), endMs: round(run.end, 3) });
      entry.perLane.set(lane.id, per);
    }
  }
  // A site whose only stretches were one warm-up per process is not a finding.
  const real = (e: SiteEntry) => [...e.perLane.values()].some((l) => l.occurrences > l.warmups || l.warmups > 1);
  return [...bySite.values()].filter(real).map(finish);
}

/** The finding of one site: severity, message and per-process breakdown from what every lane saw. */
function finish(e: SiteEntry): FindingDraft {
  const lanes = [...e.perLane.values()].sort((a, b) => b.totalMs - a.totalMs);
  const many = lanes.length > 1;
  const inProcesses = !e.serves
    ? (many ? ` in ${lanes.length} processes working for their parent over IPC` : ' in a process working for its parent over IPC')
    : many ? ` in ${lanes.length} processes` : '';
  const message = e.neverTurnedMs > 0
    ? `the event loop never turned for ${fmtMs(e.neverTurnedMs)}`
      + (e.neverTurnedCpuMs < 0.8 * e.neverTurnedMs ? ` (${fmtMs(e.neverTurnedCpuMs)} of it on CPU)` : '')
      + (e.endedUnturned ? ' before the process ended' : ' at start-up')
      + ` · ${e.fn}` + (e.draft.occurrences > 1 ? ` · blocked ${e.draft.occurrences}× · ${fmtMs(e.draft.totalMs)} total` : '') + inProcesses
    : `blocked the event loop ${e.draft.occurrences}× · ${fmtMs(e.draft.totalMs)} total (longest ${fmtMs(e.longest)}) in ${e.fn}${inProcesses}`;
  const detail = e.neverTurnedMs > 0
    ? `The event loop never turned for ${fmtMs(e.neverTurnedMs)}: synchronous work (top-level code, module loading, a library called `
      + `before the program first yielded) ran in one piece, so no timer, I/O callback or request could run. Hottest: ${e.fn}. `
      + `Do the work in chunks (await between them), or in a worker thread.`
    : `CPU work in ${e.fn} ran for up to ${fmtMs(e.longest)} without yielding: timers, I/O callbacks and requests on this thread `
      + `waited that long. Split the work into chunks (setImmediate between them), or move it to a worker thread.`;
  const intervals = lanes.flatMap((l) => l.intervals.slice(0, many ? 20 : 50)).sort((a, b) => a.startMs - b.startMs).slice(0, 100);
  return {
    ...e.draft,
    // A process working for its parent exists to block (like a worker thread): worth knowing.
    severity: !e.serves ? 'info' : e.longest >= ERROR_MS ? 'error' : 'warning',
    laneId: lanes[0].laneId,
    totalMs: round(e.draft.totalMs),
    message,
    detail: e.serves ? detail : `${detail} This process works for its parent over IPC (a process pool): blocking is what it is for, but nothing else on its event loop runs meanwhile.`,
    intervals,
    ...(many ? { perLane: lanes.map((l) => ({ laneId: l.laneId, occurrences: l.occurrences, totalMs: round(l.totalMs) })) } : {}),
  };
}

/** "checkExpression, scan (typescript)": up to three hottest dependency functions with their packages. */
function hottestNames(libs: LibraryHotspots): string {
  const top = libs.functions.slice(0, 3);
  const byPkg = new Map<string, string[]>();
  for (const f of top) byPkg.set(f.pkg, [...(byPkg.get(f.pkg) ?? []), f.name]);
  return [...byPkg.entries()].map(([pkg, names]) => `${names.join(', ')} (${pkg})`).join(', ');
}

/** Script URLs of dependencies: in node_modules, not instrumented as the user's, not the recorder's. */
function libraryClassifier(ctx: AnalysisContext): (url: string) => boolean {
  const userFiles = new Set<string>();
  for (const t of ctx.threads) for (const s of t.model.sites.values()) userFiles.add(s.file);
  const ownDir = ctx.run.probePath ? ctx.run.probePath.replace(/[\\/][^\\/]*$/, '') : undefined;
  return (url) => {
    if (!url || url.startsWith('node:')) return false;
    const file = url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url;
    if (ownDir && file.startsWith(ownDir)) return false;
    return /[\\/]node_modules[\\/]/.test(file) && !userFiles.has(file);
  };
}

function isLauncher(model: { hello?: { argv: string[] } }): boolean {
  return !!model.hello && launcherName(model.hello.argv, true) !== undefined;
}

/**
 * True when the lag timer was held up by the stretch itself, or when no lag was being measured
 * then (the main script's first run). A tick records when it ran and how late: it waited from
 * its due time (t - lag) to t. The stretch is confirmed by a tick whose wait overlaps it by at
 * least half the threshold while the thread was on a CPU (the kernel's count since the tick
 * before; unknown counts as on CPU) for at least that long. Matching the wait, not the time the
 * tick ran, keeps this true on a crowded machine, where the thread can wait for a core well after
 * the stretch before the late tick runs; many short tasks with timers running between them leave
 * every wait short; and a tick made late only by waiting for a core used no CPU meanwhile.
 */
function lagConfirms(model: { ticks: number[]; startupDoneMs?: number }, start: number, end: number, threshold: number): boolean {
  if (model.startupDoneMs === undefined || start < model.startupDoneMs) return true;
  let prevCpu = -1;
  for (let i = 0; i < model.ticks.length; i += TICK_FIELDS) {
    const t = model.ticks[i], lag = model.ticks[i + 1], cpu = model.ticks[i + 4];
    const onCpu = cpu >= 0 && prevCpu >= 0 ? cpu - prevCpu : Infinity;
    if (cpu >= 0) prevCpu = cpu;
    const due = t - lag;
    if (due >= end) break; // due after the stretch: this and later ticks did not wait for it
    const held = Math.min(t, end) - Math.max(due, start);
    if (held >= threshold / 2 && onCpu >= threshold / 2) return true;
  }
  return false;
}

/**
 * On-CPU ms of the thread from the last tick before `start` to the first after `end` (or its
 * final flush at exit, when the stretch ran until then), or Infinity if unknown.
 */
function cpuBetweenTicks(model: { ticks: number[]; lastChunk?: { threadCpuMs?: number; final: boolean } }, start: number, end: number): number {
  let before = -1, after = -1;
  for (let i = 0; i < model.ticks.length; i += TICK_FIELDS) {
    const t = model.ticks[i], cpu = model.ticks[i + 4];
    if (cpu === undefined || cpu < 0) continue;
    if (t <= start) before = cpu;
    else if (t >= end && after < 0) { after = cpu; break; }
  }
  // The final flush at exit comes after every sample of the thread.
  const last = model.lastChunk?.final ? model.lastChunk.threadCpuMs : undefined;
  if (after < 0 && last !== undefined && last >= 0) after = last;
  // No tick before it (start-up): the thread's CPU since it started bounds the stretch's.
  return after >= 0 ? after - Math.max(0, before) : Infinity;
}

function isPoolMember(model: { hello?: { ipc?: boolean; clusterWorker?: boolean } }): boolean {
  return !!model.hello?.ipc && !model.hello.clusterWorker;
}

/** Runs cut at each of the sorted times `ts` inside them (the sample that starts at or after a time begins the next part). */
function splitAt(runs: ReturnType<typeof busyRuns>, s: SampleTimeline, ts: number[]): ReturnType<typeof busyRuns> {
  const out: ReturnType<typeof busyRuns> = [];
  let j = 0;
  for (const r of runs) {
    let from = r.from, start = r.start, k = r.from;
    while (j < ts.length && ts[j] <= r.start) j++;
    for (; j < ts.length && ts[j] < r.end; j++) {
      while (k <= r.to && s.time[k] < ts[j]) k++;
      if (k > from && k <= r.to) { out.push({ from, to: k - 1, start, end: s.time[k] }); from = k; start = s.time[k]; }
    }
    out.push({ from, to: r.to, start, end: r.end });
  }
  return out;
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

/** The call site whose timed calls (all of them, summed) overlap [from, to] the most. */
function longestOverlap(spans: { from: number; to: number; gid: number }[], from: number, to: number) {
  const byGid = new Map<number, number>();
  for (const s of spans) {
    const o = Math.min(s.to, to) - Math.max(s.from, from);
    if (o > 0) byGid.set(s.gid, (byGid.get(s.gid) ?? 0) + o);
  }
  let best: { gid: number; overlap: number } | undefined;
  for (const [gid, o] of byGid) if (!best || o > best.overlap) best = { gid, overlap: o };
  return best;
}

function overlap(spans: [number, number][], from: number, to: number): number {
  let total = 0;
  for (const [a, b] of spans) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return total;
}
