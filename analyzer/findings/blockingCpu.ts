import type { AnalysisContext, FindingDraft } from '../context';
import { sampleDuration, sampleCpu, capAt, isBusy, firstAtOrAfter, SampleTimeline } from '../cpuSamples';
import { round } from '../stats';
import { formatMs } from '../format';
import { siteLocation } from '../context';
import { forEachSpan } from '../threadModel';
import { SPAN, TICK, TICK_MS } from '../raw';
import type { SourceLocation } from '../report';
import { launcherName } from '../launchers';
import { libraryHotspots, LibraryHotspots } from './libraryHotspots';
import { laneCount } from '../laneCount';
import { loopsIntoNode } from './loopsIntoNode';
import { lanesRunningTests } from './testLanes';

/** Below this, a stretch with no user code on the stack (a library's or Node's own) is not reported. */
const LIBRARY_MIN_MS = 1000;
/** A stretch this long (or longer) is an error; in start-up it reads "the event loop never turned". */
const ERROR_MS = 200;

type Interval = { laneId: string; startMs: number; endMs: number };
/** A stretch's wait beyond its CPU worth saying (with 1.5 times its CPU or more). */
const WAITED_MARGIN_MS = 10;

interface SiteEntry {
  draft: FindingDraft;
  /** The site is the start of the function that ran, its hot line not known (SourceMapper.locateLine). */
  atFunction: boolean;
  longest: number;
  /**
   * The longest stretch's wait as the lag timer saw it, at most its wall time, when that is well
   * over its CPU (the thread waited for a core meanwhile, on a crowded machine); else 0.
   */
  waitedOverCpu: number;
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
 * occurrences per process (`perLane`). The recorder's own work inside a stretch (a CPU profile
 * chunk rotation that interrupted it, an await's bookkeeping: `overhead` samples) keeps it one
 * stretch but is neither counted in its CPU nor attributed to a line: landing in the program's
 * code, a rotation (3–5 ms here, more on a slower machine) made that code's block look longer.
 */
export function blockingCpu(ctx: AnalysisContext): FindingDraft[] {
  const threshold = ctx.run.blockingThresholdMs;
  const bySite = new Map<string, SiteEntry>();
  const classify = ctx.classify;
  // A test runner's workers run the code under test, async as it runs in production: its blocks count.
  const runsTests = lanesRunningTests(ctx);
  for (const { lane, model, samples } of ctx.threads) {
    if (!samples || !blocksCount(lane, model, runsTests)) continue;
    const runsTestCode = runsTests.has(lane.id);
    const forParent = lane.kind === 'process' && !runsTestCode && isPoolMember(model);
    const profile = ctx.run.threads.find((t) => t.pid === model.pid && t.tid === model.tid)?.profile;
    const syncSpans: [number, number][] = [];
    const libSpans: { from: number; to: number; gid: number }[] = [];
    const sp = model.spans;
    forEachSpan(sp, 'sync', (o) => { syncSpans.push([sp[o + SPAN.t0], sp[o + SPAN.t2]]); });
    forEachSpan(sp, 'lib', (o) => { libSpans.push({ from: sp[o + SPAN.t0], to: sp[o + SPAN.t2], gid: sp[o + SPAN.site] }); });
    // The loop first turned at startupDone: what ran before and after are different tasks; so
    // are the tasks the probe saw begin (a request, a resumed await, its timer), even when the
    // loop ran them back to back without a sample of idle between them.
    const tasks = splitAt(busyRuns(samples), samples, taskCuts(model));
    // Then each task's module loading at its edges (a test runner's, around the program's code).
    const parts = model.startupDoneMs === undefined ? tasks : splitAt(tasks, samples, loadingEdges(tasks, samples, model.startupDoneMs));
    const cpuOf = partsCpu(parts, samples, model);
    for (let p = 0; p < parts.length; p++) {
      const run = parts[p];
      // The CPU the stretch used (descheduled gaps do not count), not its wall length.
      let duration = cpuOf[p].cpu;
      if (duration < threshold) continue;
      if (overlap(syncSpans, run.start, run.end) > duration / 2) continue;
      // Many short tasks back to back keep a loop busy without blocking it: timers still run
      // between them. One long task delays the lag timer by about its length: ask the timer.
      const lag = lagBeside(model, run.start, run.end);
      if (lag < threshold / 2) continue;
      // A thread starved of a core (other threads saturating the machine) is not doing CPU work:
      // the kernel's count of its on-CPU time between the readings around the stretch (lag
      // ticks, task marks) says which.
      // It also bounds the stretch's CPU: on a crowded machine samples are sparse and each
      // stands for more time than the thread really ran.
      if (cpuOf[p].onCpu < threshold) continue;
      let user = 0, busy = 0, nodeInternal = 0, nodeJs = 0, gc = 0;
      const overhead = samples.overhead;
      for (let i = run.from; i <= run.to; i++) {
        // The recorder's own work inside the task is neither the program's CPU nor its line.
        if (!isBusy(samples.kind[i]) || overhead?.[i]) continue;
        busy++;
        if (samples.kind[i] === 'gc') gc++;
        if (samples.kind[i] === 'node' || samples.kind[i] === 'native') nodeInternal++;
        if (samples.kind[i] === 'node') nodeJs++;
        if (samples.frame[i]) user++;
      }
      if (busy === 0) continue;
      const votes = lineVotes(samples, run.from, run.to);
      const startup = model.startupDoneMs === undefined || run.start < model.startupDoneMs;
      const libs = profile ? libraryHotspots(profile, samples, run.from, run.to, classify) : undefined;
      let location: SourceLocation;
      let where: string;
      let warmup = false;
      let related: SourceLocation[] | undefined;
      let atFunction = false;
      // Garbage collection has no stack: the code around it made the garbage. Judged without it
      // (a task hashing in a loop, 40–50 % of its samples GC, read as no user code at all).
      if (busy > gc && user >= (busy - gc) / 2) {
        const top = hottestVote(votes);
        // Node's own code run cold the first time (the first http.get() or res.end() of a process
        // compiles Node's HTTP code lazily, slower under a profiler on a loaded machine: 50 ms),
        // or once on behalf of many small calls (setting up 20 HTTP requests, spawning pool
        // threads), is a warm-up: reported only if clearly long or if it happens again at the
        // same site. A loop calling into Node's own code (crypto's createHash, Buffer,
        // performance.now(), zlib's sync calls) blocks as any other, the first time too
        // (loopsIntoNode tells it by its samples): 20–45 ms stretches of it were dropped outright
        // when most of their samples were inside Node (a tinypool task hashing for 50 ms, 3 of its 8
        // runs in a process: ~60 % of their samples in node:crypto, the rest in the task; a
        // timer's one 45 ms loop over performance.now(), 2 runs in 3). So
        // is a module's own top-level code at start-up, before the loop first turned (requiring
        // and initialising modules, once per process: 62 ms for require('crypto') under the
        // profiler, and a sample's 10 ms start-up stretched to 25 ms on a loaded machine).
        // Before the loop first turned, what runs in Node's own code is its first run, however its
        // samples spread: fs.mkdir() creating a UV_THREADPOOL_SIZE=128 pool (21–37 ms on a slow
        // machine, all in the one native call) read as a loop into Node (samples/threadpool).
        const inNode = nodeInternal / busy >= 0.6;
        const coldNode = inNode && (startup || !(profile && loopsIntoNode(profile, samples, run.from, run.to)));
        warmup = (coldNode || (startup && top.fn === 'top-level code')) && duration < 5 * threshold;
        // Work inside a dependency: the profile knows only the calling function; the timed call
        // into the dependency that covers most of the stretch (its calls summed) knows the line.
        // Only a call that function made (its site's function starts where the frame's does): a
        // dependency that called the program back (a runner its callback, `lib.run(() =>
        // build())`) is not where build's CPU went.
        const madeByTop = (gid: number) => { const at = model.sites.get(gid)?.callerLine; return at === undefined || at === top.fnLine; };
        const call = top.callees.size > 0 ? longestOverlap(libSpans, run.start, run.start + duration, madeByTop) : undefined;
        const callSite = call && call.overlap >= duration / 2 ? model.sites.get(call.gid) : undefined;
        const fnStart = { line: top.fnLine, column0: top.fnColumn - 1 };
        const hot = callSite ? undefined : ctx.mapper.locateLine(top.url, top.line, fnStart);
        location = callSite ? siteLocation(ctx, callSite) : hot!.location;
        atFunction = hot !== undefined && !hot.exact;
        // Work below the user's function (native code, a library): name what was on CPU.
        const callee = [...top.callees.entries()].sort((a, b) => b[1] - a[1])[0];
        where = callSite ? `${callSite.label} (${top.fn})` : callee && callee[1] > top.n / 2 ? `${callee[0]} ← ${top.fn}` : top.fn;
        // Garbage collection has no stack: a library that allocates a lot shares the stretch with it.
        const hottest = libs && libs.inLibrary >= busy / 4 ? hottestNames(libs) : '';
        if (hottest) where += ` · hottest: ${hottest}`;
        // The function's own start, when the finding is at one of its lines.
        related = top.fnLine !== top.line && !atFunction ? [ctx.mapper.locate(top.url, fnStart.line, fnStart.column0)] : undefined;
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
        entry = { atFunction: false, longest: 0, waitedOverCpu: 0, fn: where, neverTurnedMs: 0, neverTurnedCpuMs: 0, endedUnturned: false, serves: false, perLane: new Map(), draft: {
          kind: 'blocking-cpu', severity: 'warning', message: '', location, laneId: lane.id, occurrences: 0, totalMs: 0, intervals: [], related,
        } };
        bySite.set(key, entry);
      }
      if (atFunction) entry.atFunction = true;
      if (!forParent) entry.serves = true;
      entry.draft.occurrences++;
      entry.draft.totalMs += duration;
      // The delay a callback could have seen: never more than the lag timer measured beside it.
      const held = Math.min(duration, lag);
      // A stretch descheduled part of its time (other threads had the cores) held timers longer
      // than its CPU: "1× · 65.2 ms … timers waited that long" where they waited ~200 ms.
      const waited = Math.min(lag, run.end - run.start);
      if (held >= entry.longest) entry.waitedOverCpu = waited >= 1.5 * duration && waited - duration >= WAITED_MARGIN_MS ? waited : 0;
      entry.longest = Math.max(entry.longest, held);
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
    : many ? ` in ${laneCount(lanes.map((l) => l.laneId))}` : '';
  // One stretch whose CPU the lag timer saw hold the loop for less (the longest is what the loop
  // waited, at most the CPU): "1× · 22.0 ms total (longest 18.3 ms)" read as a contradiction.
  const oneStretchHeldLess = e.draft.occurrences === 1 && formatMs(e.longest) !== formatMs(e.draft.totalMs);
  const waitedMore = e.neverTurnedMs === 0 && !oneStretchHeldLess && e.waitedOverCpu > 0;
  const message = e.neverTurnedMs > 0
    ? `the event loop never turned for ${formatMs(e.neverTurnedMs)}`
      + (e.neverTurnedCpuMs < 0.8 * e.neverTurnedMs ? ` (${formatMs(e.neverTurnedCpuMs)} of it on CPU)` : '')
      + (e.endedUnturned ? ' before the process ended' : ' at start-up')
      + ` · ${e.fn}` + (e.draft.occurrences > 1 ? ` · blocked ${e.draft.occurrences}× · ${formatMs(e.draft.totalMs)} total` : '') + inProcesses
    : oneStretchHeldLess || (waitedMore && e.draft.occurrences === 1)
      ? `blocked the event loop 1× · ${formatMs(e.draft.totalMs)} of CPU (timers waited ${formatMs(waitedMore ? e.waitedOverCpu : e.longest)}) in ${e.fn}${inProcesses}`
      : `blocked the event loop ${e.draft.occurrences}× · ${formatMs(e.draft.totalMs)} total (longest ${formatMs(e.longest)}`
        + (waitedMore ? ` of CPU, timers waited ${formatMs(e.waitedOverCpu)}` : '') + `) in ${e.fn}${inProcesses}`;
  const detail = e.neverTurnedMs > 0
    ? `The event loop never turned for ${formatMs(e.neverTurnedMs)}: synchronous work (top-level code, module loading, a library called `
      + `before the program first yielded) ran in one piece, so no timer, I/O callback or request could run. Hottest: ${e.fn}. `
      + `Do the work in chunks (await between them), or in a worker thread.`
    : (oneStretchHeldLess
      ? `CPU work in ${e.fn} ran ${formatMs(e.draft.totalMs)} of CPU without yielding; timers on this thread waited ${formatMs(e.longest)} for it (what the lag timer measured), `
        + `I/O callbacks and requests as long. `
      : waitedMore
        ? `CPU work in ${e.fn} ran for up to ${formatMs(e.longest)} of CPU without yielding, and the thread waited for a core part of that `
          + `time (other processes or threads had the machine's cores): timers, I/O callbacks and requests on this thread waited ${formatMs(e.waitedOverCpu)}. `
        : `CPU work in ${e.fn} ran for up to ${formatMs(e.longest)} without yielding: timers, I/O callbacks and requests on this thread `
          + `waited that long. `)
      + `Split the work into chunks (setImmediate between them), or move it to a worker thread.`;
  const intervals = lanes.flatMap((l) => l.intervals.slice(0, many ? 20 : 50)).sort((a, b) => a.startMs - b.startMs).slice(0, 100);
  return {
    ...e.draft,
    // A process working for its parent exists to block (like a worker thread): worth knowing.
    severity: !e.serves ? 'info' : e.longest >= ERROR_MS ? 'error' : 'warning',
    laneId: lanes[0].laneId,
    totalMs: round(e.draft.totalMs),
    message,
    detail: (e.serves ? detail : `${detail} This process works for its parent over IPC (a process pool): blocking is what it is for, but nothing else on its event loop runs meanwhile.`)
      + (e.atFunction ? ' Shown at the start of the function that ran: the file ran compiled without its line breaks (tsx\'s output is whitespace-minified), so the CPU profile tells the function, not the line.' : ''),
    intervals,
    ...(many ? { perLane: lanes.map((l) => ({ laneId: l.laneId, occurrences: l.occurrences, totalMs: round(l.totalMs) })) } : {}),
  };
}

/**
 * How much a sample taken as its thread came back from being descheduled (the gap before it was
 * longer than the cap: see capAt) weighs in the vote for a stretch's line. The kernel preempts a
 * thread far more often as a system call returns than elsewhere, and V8's sample then shows that
 * call: in a loaded run of an Express route that parses JSON in a loop and reads
 * process.cpuUsage() every 20 parses, 24 % of the samples in cpuUsage came after such a gap and
 * 3.5 % of those in the loop (29 runs, 1,800 requests). On a busy CI machine one request read
 * "blocked … at the handler's first line" (its calls out, cpuUsage inlined into it, out-voted its
 * loop). Weighed less, not left out: a stretch whose every sample came after a gap still votes.
 */
const RESUMED_SAMPLE_WEIGHT = 0.1;

/**
 * The user lines samples `from`..`to` were on (their innermost frame of the program's), weighed:
 * busy samples only, not the recorder's own (overhead), those that came after the thread was
 * descheduled RESUMED_SAMPLE_WEIGHT each.
 */
export function lineVotes(samples: SampleTimeline, from: number, to: number): Map<string, LineVote> {
  const votes = new Map<string, LineVote>();
  for (let i = from; i <= to; i++) {
    if (!isBusy(samples.kind[i]) || samples.overhead?.[i]) continue;
    const f = samples.frame[i];
    if (!f) continue;
    const w = i > 0 && sampleDuration(samples, i - 1) > capAt(samples, i - 1) ? RESUMED_SAMPLE_WEIGHT : 1;
    const key = `${f.url}:${f.line}`;
    const v = votes.get(key) ?? { n: 0, url: f.url, line: f.line, fn: f.functionName, fnLine: f.functionLine, fnColumn: f.functionColumn, callees: new Map(), entries: 0 };
    v.n += w;
    if (f.isLeaf && f.line === f.functionLine) v.entries += w;
    if (f.callee) v.callees.set(f.callee, (v.callees.get(f.callee) ?? 0) + w);
    votes.set(key, v);
  }
  return votes;
}

export interface LineVote {
  /** Samples on the line, weighed (lineVotes). */
  n: number; url: string; line: number; fn: string; fnLine: number; fnColumn: number; callees: Map<string, number>;
  /** Of `n`, samples in the function itself at its header line: a call's entry (see hottestVote). */
  entries: number;
}

/**
 * The line a stretch is reported at: the most sampled user line, where the samples V8 charges to
 * a function's header while the function itself is on CPU (a call's entry, its stack check) count
 * for its most sampled body line. In a small recursive function (`fib`) entries and body traded
 * places from one stretch to the next as the code warmed up: the same work read as findings at
 * two lines (in CI, one of three identical fib blocks was reported at the header, the other two
 * at the body). A frame that is not the innermost (the function calling into native code or a
 * dependency) is also charged to the header line, with its callee: those samples stay there. A
 * function whose code is all on its header line keeps it.
 */
export function hottestVote(votes: Map<string, LineVote>): LineVote {
  const byN = [...votes.values()].sort((a, b) => b.n - a.n);
  const merged = new Map<LineVote, number>(byN.map((v) => [v, v.n]));
  for (const v of byN) {
    if (v.line !== v.fnLine || v.entries === 0) continue;
    const body = byN.find((b) => b.url === v.url && b.fnLine === v.fnLine && b.line !== b.fnLine);
    if (!body) continue;
    merged.set(v, merged.get(v)! - v.entries);
    merged.set(body, merged.get(body)! + v.entries);
  }
  let top = byN[0], topN = -1;
  for (const [v, n] of merged) if (n > topN) { top = v; topN = n; }
  return top;
}

/** "checkExpression, scan (typescript)": up to three hottest dependency functions with their packages. */
function hottestNames(libs: LibraryHotspots): string {
  const top = libs.functions.slice(0, 3);
  const byPkg = new Map<string, string[]>();
  for (const f of top) byPkg.set(f.pkg, [...(byPkg.get(f.pkg) ?? []), f.name]);
  return [...byPkg.entries()].map(([pkg, names]) => `${names.join(', ')} (${pkg})`).join(', ');
}

/** Whether a thread's blocks count (blockingCpu, unsampledBlockNotes): worker threads exist to block (a test runner's excepted); launchers run no user code. */
function blocksCount(lane: { id: string; kind: string }, model: { hello?: { argv: string[] } }, runsTests: ReadonlySet<string>): boolean {
  return !isLauncher(model) && (lane.kind !== 'worker' || runsTests.has(lane.id));
}

function isLauncher(model: { hello?: { argv: string[] } }): boolean {
  return !!model.hello && launcherName(model.hello.argv, true) !== undefined;
}

/** Where a thread's tasks begin and end, in time order: its task marks and the loop's first turn. */
function taskCuts(model: { taskMarks: number[]; startupDoneMs?: number }): number[] {
  const cuts = [...model.taskMarks];
  if (model.startupDoneMs !== undefined) cuts.push(model.startupDoneMs);
  return cuts.sort((a, b) => a - b);
}

/**
 * One note per thread blockingCpu reads that had tasks which blocked the loop while V8's sampler
 * took no sample of them (splitAt's `unsampled`: its thread waited for a core while this one
 * ran): no line can be found for such a task, so it is in no blocking-cpu finding, and the
 * report says so. A task counts as blocking as a sampled one does: its CPU (the thread's own
 * count between the readings around it, at most its own wall time) and the lag the timer
 * measured beside it.
 */
export function unsampledBlockNotes(ctx: AnalysisContext): string[] {
  const threshold = ctx.run.blockingThresholdMs;
  const runsTests = lanesRunningTests(ctx);
  const out: string[] = [];
  for (const { lane, model, samples } of ctx.threads) {
    if (!samples || !blocksCount(lane, model, runsTests)) continue;
    const unsampled: { start: number; end: number }[] = [];
    splitAt(busyRuns(samples), samples, taskCuts(model), unsampled);
    // At most its own wall time: the readings around it may take in the tasks beside it.
    const cpu = unsampled.map(({ start, end }) => Math.min(cpuBetween(model.cpuReadings, start, end), end - start))
      .filter((c, i) => c >= threshold && lagBeside(model, unsampled[i].start, unsampled[i].end) >= threshold / 2);
    if (cpu.length === 0) continue;
    const who = lane.kind === 'worker' ? `${lane.label} of pid ${model.pid}` : lane.label;
    const total = cpu.reduce((a, b) => a + b, 0);
    out.push(`${who}: ${cpu.length} task${cpu.length > 1 ? 's' : ''} blocked the event loop (${formatMs(total)} of CPU${cpu.length > 1 ? `, longest ${formatMs(Math.max(...cpu))}` : ''}) `
      + `while V8's CPU sampler took no sample (it waited for a core while the thread ran: a busy machine): no line is known for ${cpu.length > 1 ? 'them' : 'it'}, so ${cpu.length > 1 ? 'they are' : 'it is'} in no blocking-CPU finding`);
  }
  return out;
}

/**
 * The thread's CPU from its last reading at or before `start` to its first at or after `end`
 * (`readings`: time, CPU ms, …, in time order; a task's start mark may carry none); -1 without both.
 */
function cpuBetween(readings: readonly number[], start: number, end: number): number {
  let at = -1, until = -1;
  for (let i = 0; i < readings.length; i += 2) {
    if (readings[i] <= start) at = readings[i + 1];
    else if (readings[i] >= end) { until = readings[i + 1]; break; }
  }
  return at >= 0 && until >= at ? until - at : -1;
}

/**
 * The longest loop delay the lag timer measured for a busy stretch: its ticks inside the
 * stretch or just after it, and the first tick after it (which, when several tasks ran back to
 * back, measured them all). Infinity when no lag was being measured then (the main script's
 * first run). A tick at the stretch's very start is not beside it: its task mark is where the
 * stretch was cut, so it ran before the stretch's work, in the same turn of the loop (a timer of
 * the program's due with it); its lag is the wait before the stretch. Pure; exported for its tests.
 */
export function lagBeside(model: { ticks: number[]; startupDoneMs?: number }, start: number, end: number): number {
  if (model.startupDoneMs === undefined || start < model.startupDoneMs) return Infinity;
  let maxLag = -1;
  for (let i = 0; i < model.ticks.length; i += TICK.size) {
    const t = model.ticks[i + TICK.t];
    if (t <= start) continue;
    if (t <= end + 2 * TICK_MS || maxLag < 0) maxLag = Math.max(maxLag, model.ticks[i + TICK.lagMs]);
    else break;
  }
  // No tick after it: the thread ended (or was killed) right after the stretch.
  return maxLag < 0 ? Infinity : maxLag;
}

/**
 * The CPU of each busy stretch, from its samples and the kernel's count of the thread's on-CPU
 * time between the readings around it (lag ticks, task marks; the final flush at exit). Stretches
 * between the same two readings share that count:
 * - Samples say more (on a crowded machine samples are sparse and each stands for more time
 *   than the thread really ran): the stretches are scaled down together, so a block split by a
 *   gap of samples is never counted twice.
 * - Samples say less: a sample's CPU is its duration capped at 1.5 intervals (a longer gap is
 *   taken as the thread descheduled), but the gap may be V8's sampler thread waiting for a core
 *   while this thread ran (a loaded or oversubscribed host). The count the samples left out, less
 *   the probe's own samples in the window (its tasks, and its work inside the stretches: the
 *   `overhead` samples, which a stretch's CPU leaves out) and the time before the profile's first sample, goes
 *   back to the stretches, each at most the time its cap took away.
 * `onCpu`: the count (Infinity if unknown). Pure; exported for its tests.
 */
export function partsCpu(parts: readonly { from: number; to: number; start: number; end: number }[], samples: SampleTimeline,
  model: { cpuReadings: number[]; lastChunk?: { threadCpuMs?: number; final: boolean } }): { cpu: number; onCpu: number }[] {
  const r = model.cpuReadings;
  const last = model.lastChunk?.final ? model.lastChunk.threadCpuMs : undefined;
  // Parts and readings are both in time order: one pass over the readings (j: the first
  // reading after the current part's start).
  let j = 0;
  const out = parts.map((run) => {
    let cpu = 0, capped = 0;
    for (let i = run.from; i <= run.to; i++) {
      if (!isBusy(samples.kind[i]) || samples.overhead?.[i]) continue;
      const c = sampleCpu(samples, i);
      cpu += c;
      capped += sampleDuration(samples, i) - c;
    }
    while (j < r.length && r[j] <= run.start) j += 2;
    let before = -1, after = -1, key = '', from = -Infinity, to = Infinity;
    if (j >= 2) { before = r[j - 1]; from = r[j - 2]; key = `${j - 2}`; }
    // The first reading once the part's last busy sample was taken: a reading taken during that
    // sample (the mark as the task ends, before the profile's next sample finds the thread idle)
    // bounds the part. Waiting for one after the sample's end skipped it and took the next one,
    // past the next task: a pool worker's 40 ms tasks under load read 80 ms (the next task's CPU
    // in the bound, and the part's descheduled time added back from it).
    const lastSample = samples.time[run.to];
    for (let i = j; i < r.length; i += 2) if (r[i] >= lastSample) { after = r[i + 1]; to = r[i]; key += `-${i}`; break; }
    // The final flush at exit comes after every sample of the thread.
    if (after < 0 && last !== undefined && last >= 0) { after = last; key += '-end'; }
    // No reading before it (start-up): the thread's CPU since it started bounds the stretch's.
    return { cpu, onCpu: after >= 0 ? after - Math.max(0, before) : Infinity, key, capped, from, to };
  });
  /** Per pair of readings: the stretches' CPU and capped time; `notBlocks`, what of the count is none of theirs (once per group). */
  const groups = new Map<string, { sum: number; capped: number; from: number; to: number; notBlocks?: number }>();
  for (const o of out) {
    if (o.onCpu === Infinity) continue;
    const g = groups.get(o.key) ?? { sum: 0, capped: 0, from: o.from, to: o.to };
    g.sum += o.cpu; g.capped += o.capped;
    groups.set(o.key, g);
  }
  for (const o of out) {
    const g = groups.get(o.key);
    if (!g) continue;
    if (g.sum > o.onCpu) { o.cpu *= o.onCpu / g.sum; continue; }
    // Only between two readings: before the first one (the probe's, at its start), the count
    // includes Node's start-up, which ran before the profile began.
    if (g.capped <= 0 || o.from === -Infinity) continue;
    // Less the probe's own samples, and the wall time before the profile's first sample (the
    // probe's reading at its start comes before the profile starts: that CPU was not sampled).
    g.notBlocks ??= probeCpu(samples, g.from, g.to) + Math.max(0, (samples.time[0] ?? Infinity) - g.from);
    const missing = o.onCpu - g.sum - g.notBlocks;
    if (missing > 0) o.cpu += Math.min(o.capped, (missing * o.capped) / g.capped);
  }
  return out.map(({ cpu, onCpu }) => ({ cpu, onCpu }));
}

/** CPU of the probe's own samples between times `from` and `to` (ms): its tasks and its work inside the program's (`overhead`). */
function probeCpu(s: SampleTimeline, from: number, to: number): number {
  let cpu = 0;
  for (let i = firstAtOrAfter(s.time, from); i < s.time.length && s.time[i] < to; i++) if (s.kind[i] === 'probe' || s.overhead?.[i]) cpu += sampleCpu(s, i);
  return cpu;
}

function isPoolMember(model: { hello?: { ipc?: boolean; clusterWorker?: boolean } }): boolean {
  return !!model.hello?.ipc && !model.hello.clusterWorker;
}

/**
 * Loading samples between two of the program's that make a loading of their own: fewer are the
 * profile's glitches (a sample of the runner's `exec` with the module's frame missing, inside its
 * 300 ms loop), which would cut the program's block in pieces.
 */
const MIN_LOADING_SAMPLES = 5;

/**
 * Where, in a task, the program's code gives way to module loading and where it resumes after it
 * (`loading` samples: no frame of the program's on their stack): jest compiles a test file
 * (babel, its runtime's module wrapper) in the task that then runs the file's top-level code, and
 * after a test, in the same task, loads and runs the next file. Its 230 ms of loading before a test
 * file's 300 ms loop read "blocked the event loop … 521 ms … in top-level code", and a 150 ms
 * test absorbed the next file's loading (200 ms). A `require` inside the program's code (a frame
 * of it below) stays in its block; so does the start-up's (the loop never turned from the
 * process's start: loading the program is part of that), before `after`, when the loop first turned.
 * In time order (splitAt takes them so).
 */
export function loadingEdges(runs: readonly { from: number; to: number; start: number; end: number }[], s: SampleTimeline, after = -Infinity): number[] {
  const loading = s.loading;
  if (!loading) return [];
  const out: number[] = [];
  for (const r of runs) {
    if (r.start < after) continue;
    let lastUser = -1;
    /** Loading samples since the program's last one. */
    let loaded = 0;
    for (let i = r.from; i <= r.to + 1; i++) {
      const ends = i > r.to;
      if (!ends && s.frame[i] === undefined) { if (loading[i]) loaded++; continue; }
      // The program's code again (or the task's end) after loading: its own stretch ends before it.
      if (loaded >= MIN_LOADING_SAMPLES) {
        if (lastUser >= 0) out.push(s.time[lastUser + 1]);
        if (!ends) out.push(s.time[i]);
      }
      lastUser = i;
      loaded = 0;
    }
  }
  return out;
}


/**
 * Runs cut at each of the sorted times `cuts` that falls inside one: the sample that starts at
 * or after a cut begins the next part, and the parts' times meet at the cut. A cut is a moment
 * a task ended and another began.
 *
 * Between two cuts with no sample starting between them ran a task V8's sampler never looked at
 * (a sample before the first cut stands for the whole gap: the sampler thread waited for a core
 * while this one ran). That task is no part: the next part starts at the later cut (it used to
 * start at the earlier one, and a pool worker's two 40 ms tasks under load read as one 51–53 ms
 * block). Each such span is pushed to `unsampled` when given.
 */
export function splitAt(runs: ReturnType<typeof busyRuns>, s: SampleTimeline, cuts: readonly number[],
  unsampled?: { start: number; end: number }[]): ReturnType<typeof busyRuns> {
  if (cuts.length === 0) return runs;
  const out: ReturnType<typeof busyRuns> = [];
  let c = 0;
  for (const r of runs) {
    while (c < cuts.length && cuts[c] <= r.start) c++;
    let from = r.from, start = r.start;
    for (let k = r.from; k <= r.to && c < cuts.length && cuts[c] < r.end; ) {
      while (k <= r.to && s.time[k] < cuts[c]) k++;
      if (k > r.to) break;
      if (k > from) {
        // The parts meet at the cut itself: the thread's CPU readings taken there bound each part.
        out.push({ from, to: k - 1, start, end: cuts[c] });
        from = k;
      } else unsampled?.push({ start, end: cuts[c] });
      start = cuts[c];
      c++;
    }
    out.push({ from, to: r.to, start, end: r.end });
  }
  return out;
}

/**
 * Maximal runs of consecutive busy samples: [from, to] sample indexes and their time span. A few
 * of the probe's own samples between busy ones (its bookkeeping microtasks, the recorder's
 * interrupts) do not end a run: the loop did not turn there (when its lag timer ran, a task
 * mark cuts the run anyway).
 */
export function busyRuns(s: SampleTimeline): { from: number; to: number; start: number; end: number }[] {
  const runs: { from: number; to: number; start: number; end: number }[] = [];
  const n = s.time.length;
  const holes = s.holes ?? [];
  let h = 0;
  let from = -1;
  for (let i = 0; i <= n; i++) {
    // A hole of the profile between this sample and the next (it paused: a hand-over) ends a run
    // at the hole's start, and no probe bridge crosses it.
    while (i < n && h < holes.length && holes[h + 1] <= s.time[i]) h += 2;
    const holeAfter = i < n && h < holes.length && holes[h] < (i + 1 < n ? s.time[i + 1] : s.end);
    if (from >= 0 && s.kind[i] === 'probe' && !holeAfter && probeBridge(s, i)) continue;
    const busy = i < n && isBusy(s.kind[i]);
    if (busy && from < 0) from = i;
    if (!busy && from >= 0) {
      runs.push({ from, to: i - 1, start: s.time[from], end: s.time[i - 1] + sampleDuration(s, i - 1) });
      from = -1;
    }
    if (from >= 0 && holeAfter) {
      // A sample inside the hole (its edges: the profile stops and restarts within the probe's
      // clock readings) ends the run there; a run of that one sample has no length: none.
      const end = Math.max(s.time[i], holes[h]);
      if (end > s.time[from]) runs.push({ from, to: i, start: s.time[from], end });
      from = -1;
    }
  }
  return runs;
}

/** Sample i begins at most PROBE_BRIDGE probe samples followed by a busy one (no idle between). */
function probeBridge(s: SampleTimeline, i: number): boolean {
  for (let k = i; k < s.time.length && k < i + PROBE_BRIDGE; k++) {
    if (isBusy(s.kind[k])) return true;
    if (s.kind[k] !== 'probe') return false;
  }
  return false;
}
const PROBE_BRIDGE = 4;

/** The call site whose timed calls (all of them, summed) overlap [from, to] the most. */
function longestOverlap(spans: { from: number; to: number; gid: number }[], from: number, to: number, accept: (gid: number) => boolean) {
  const byGid = new Map<number, number>();
  for (const s of spans) {
    const o = Math.min(s.to, to) - Math.max(s.from, from);
    if (o > 0 && accept(s.gid)) byGid.set(s.gid, (byGid.get(s.gid) ?? 0) + o);
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
