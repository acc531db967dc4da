import type { Report, Lane, Finding, Metrics, SiteStat } from './report';
import { buildThreadModel, ThreadModel } from './threadModel';
import { TICK, THREAD_CPU_ESTIMATED, type SiteKind, type RawRun, type RawAggregates, type ThreadCpuReading } from './raw';
import { LANE_KIND_INFO } from './laneKinds';
import { sampleTimeline } from './cpuSamples';
import { SourceMapper } from './sourceMapper';
import { sitesByThread, siteLocation, type AnalysisContext, type AnalyzedRun, type ThreadLane, type FindingDraft } from './context';
import { poolTimeline } from './threadpool';
import { busyBuckets } from './parallelism';
import { maxOf, percentile, round } from './stats';
import { buildSpans } from './spans';
import { awaitMs, concurrencySeries, serverRequestMs } from './concurrency';
import { collectRequests, routeTable, unrecordedHttp2 } from './requests';
import { isSaturated, unattributedSaturation } from './findings/threadpoolSaturation';
import { DETECTORS } from './findings/detectors';
import { unsampledBlockNotes } from './findings/blockingCpu';
import { FINDING_KINDS } from './findingKinds';
import { onePerSite, withoutLaunchers } from './findings/perSite';
import { ProcessGraph } from './processGraph';
import { basename, fileUrlToPath } from './paths';
import { codeClassifier } from './codeClassifier';
import { uncoveredCpuWarnings, handOverCpuMs, knownCpu } from './profileCoverage';
import { externalLanes, externalBuckets, addExternalSlices, ExternalLane, unrecordedNodeNote } from './externalLanes';
import { formatMs } from './format';
import { countResources, describeResources } from './activeResources';

/** How to read a recording: settings of the analysis, not of the recording (the same recording may be analyzed twice). */
export interface AnalysisOptions {
  /** A task that runs longer than this (ms) without yielding blocked the event loop. Default 20. */
  blockingThresholdMs?: number;
}

export const DEFAULT_ANALYSIS_OPTIONS: Required<AnalysisOptions> = { blockingThresholdMs: 20 };

/** Raw recording + analysis options → report. Pure: no I/O, no clock; the same input gives the same report. */
export function analyze(raw: RawRun, options: AnalysisOptions = {}): Report {
  return analyzeRun(raw, options, false);
}

/** Set on a recording analyzeHandedOver analyzed: its spans and request rows are no longer the probe's. */
const HANDED_OVER = Symbol('concurrency-lens.handedOver');

/**
 * analyze() for a front end that hands the recording over and makes no other use of it (the
 * CLI, the extension, once the program has ended): each thread's spans, and its request rows
 * where they are one buffer (read from a file), are put on the report's clock where they are, in
 * the recording's own buffers, instead of in copies. A copy was fresh memory, and its pages' faults
 * were most of its cost: a 20M-promise run's 12.7 MB of spans took ~33 ms to copy on a small VM, a
 * loaded server's 112k request rows ~40 ms. The same report as analyze(); the recording is spent
 * (analyzing it again throws).
 */
export function analyzeHandedOver(raw: RawRun, options: AnalysisOptions = {}): Report {
  return analyzeRun(raw, options, true);
}

function analyzeRun(raw: RawRun, options: AnalysisOptions, handedOver: boolean): Report {
  if ((raw as { [HANDED_OVER]?: true })[HANDED_OVER]) throw new Error('this recording was handed over to an earlier analysis (analyzeHandedOver), which left its spans and request rows in report ms: it cannot be analyzed again');
  if (handedOver) Object.defineProperty(raw, HANDED_OVER, { value: true });
  const settings: Required<AnalysisOptions> = { ...DEFAULT_ANALYSIS_OPTIONS, ...definedOnly(options) };
  // The findings read the options from ctx.run (see AnalyzedRun in context.ts).
  const run: AnalyzedRun = { ...raw, ...settings };
  const wallMs = Math.max(0, (run.endHrUs - run.startHrUs) / 1000);
  const mapper = new SourceMapper();
  const models = run.threads.map((t) => buildThreadModel(t, run, handedOver));
  for (const m of models) for (const [file, map] of m.maps) mapper.addMap(file, map);
  const userFiles = new Set<string>();
  for (const m of models) for (const s of m.sites.values()) userFiles.add(s.file);
  // Everything the recorder loads into the program (probe, instrumenter, ESM hooks) is ours.
  const classify = codeClassifier(run.probePath, userFiles, mapper);

  // The main lane is the process that runs the user's code, not a launcher in front of it (npm, npx, sh).
  const graph = new ProcessGraph(run, models);
  const rootPid = run.rootPid ?? Math.min(...run.threads.map((t) => t.pid));
  const nodeLanePids = new Set(models.filter((m) => m.tid === 0).map((m) => m.pid));
  const mainPid = graph.mainPid(models.filter((m) => m.tid === 0)) ?? (nodeLanePids.has(rootPid) ? rootPid : undefined);
  // Where each worker was created (its creator's spawn record): its thread's CPU clock runs from there.
  const workerCreated = new Map<string, number>();
  for (const m of models) for (const s of m.spawns) if (s.kind === 'worker') workerCreated.set(`${m.pid}:${s.threadId}`, s.at);
  const functionEnd = functionEnds(models);
  const threads: ThreadLane[] = run.threads.map((t, i) => {
    const model = models[i];
    const samples = t.profile ? sampleTimeline(t.profile, run.startHrUs, classify, t.samplingChanges, functionEnd) : undefined;
    if (samples && model.handOvers.length > 0) samples.holes = model.handOvers.flatMap((h) => [h.at, h.until]);
    return { model, samples, lane: laneOf(model, mainPid, graph.info.get(model.pid)?.launcher, samples?.busyMs, samples?.time[0], samples?.end, workerCreated.get(`${model.pid}:${model.tid}`), t.seamCpu, run.startHrUs, wallMs) };
  });
  threads.sort((a, b) => (a.lane.kind === 'main' ? -1 : 0) - (b.lane.kind === 'main' ? -1 : 0) || a.lane.pid - b.lane.pid || a.lane.threadId - b.lane.threadId);
  const externals = externalLanes(graph, (pid) => nodeLanePids.has(pid), run.startHrUs, wallMs);
  linkCreators(threads, externals, graph, mapper);

  const pools = new Map<number, ReturnType<typeof poolTimeline>>();
  for (const p of run.processes) {
    const hello = models.find((m) => m.pid === p.pid && m.tid === 0)?.hello;
    const ticks = models.filter((m) => m.pid === p.pid).map((m) => m.ticks);
    pools.set(p.pid, poolTimeline(p.pid, hello?.threadpoolSize ?? 4, p.traceEvents, run.startHrUs, ticks, wallMs));
  }
  const ctx: AnalysisContext = { run, threads, mapper, cores: run.cores, wallMs, pools, classify };
  // Lanes on CPU at once: threads from their CPU samples, other processes from /proc.
  const buckets = [...busyBuckets(threads, wallMs), ...externalBuckets(externals, run.startHrUs, wallMs)];

  // Findings: launchers' internals dropped, one finding per site across lanes.
  const cpu = { runnable: busyBuckets(threads, wallMs, true), onCpu: buckets };
  const drafts: FindingDraft[] = onePerSite(withoutLaunchers(ctx, FINDING_KINDS.flatMap((kind) => DETECTORS[kind](ctx, cpu))));
  const severityRank = { error: 0, warning: 1, info: 2 };
  const findings: Finding[] = drafts
    .sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || (b.estimatedSavingsMs ?? b.totalMs) - (a.estimatedSavingsMs ?? a.totalMs))
    .map((d, i) => ({ id: `f${i + 1}`, ...d }));

  const requests = collectRequests(ctx);
  const concurrency = concurrencySeries(ctx, requests);
  const spans = buildSpans(ctx, buckets, concurrency.series, requests);
  addExternalSlices(spans, externals, threads.length, run.startHrUs);
  const program = programSummary(run, models, externals, graph, mainPid, wallMs);
  const report: Report = {
    schemaVersion: 1,
    program,
    lanes: [...threads.map((t) => t.lane), ...externals.map((e) => e.lane)],
    metrics: metrics(ctx, models, program.userCpuMs + program.systemCpuMs, buckets, spans.series.concurrency, concurrency.overlapMs),
    findings,
    spans,
    sites: siteStats(ctx),
    warnings: [...(run.attached ? [attachedNote(run.attached)] : []), ...run.warnings],
  };
  if (requests.counts.size > 0) {
    report.routes = routeTable(requests, ctx);
    report.metrics.maxRequestsInFlight = requests.maxInFlight;
    if (requests.unfinished > 0) report.warnings.push(`${requests.unfinished} HTTP request(s) had not finished when their thread last reported (not in the routes table)`);
    if (spans.dropped.requests) report.warnings.push(`${spans.dropped.requests} HTTP requests were counted but not kept in detail: route percentiles are of the ${spans.requests?.lane.length ?? 0} kept`);
  }
  if (requests.aborted > 0) report.warnings.push(`${requests.aborted} HTTP request(s) were cut off: their connection closed before the response finished (not in the routes table)`);
  report.warnings.push(...unrecordedHttp2(ctx));
  report.warnings.push(...unattributedSaturation([...pools.values()].filter((pool) => isSaturated(pool)
    && !findings.some((f) => f.kind === 'threadpool-saturation' && f.laneId.startsWith(`${pool.pid}:`))), !!run.attached));
  for (const m of models) {
    const missing = m.tid === 0 ? run.threads.find((t) => t.pid === m.pid && t.tid === 0)?.records.find((r) => r.t === 'noInspector') : undefined;
    if (missing?.t === 'noInspector') report.warnings.push(noInspectorNote(m, missing.reason));
    for (const why of m.uninstrumented) report.warnings.push(`pid ${m.pid} (${commandOf(m)}${m.tid ? `, worker ${m.tid}` : ''}): ${why}`);
  }
  report.warnings.push(...handOverNotes(models));
  const pending = pendingNote(ctx);
  if (pending) report.warnings.push(pending);
  if (program.activeAtStop && (run.stopReason === 'duration' || run.stopReason === 'stopped')) {
    const what = describeResources(program.activeAtStop);
    report.warnings.push(what
      ? `when it was stopped, its event loop still had ${what}: what kept it running (a program left with none exits by itself)`
      : 'when it was stopped, nothing kept its event loop running: it was about to exit, or busy');
  }
  const stateMachines = [...new Set(models.flatMap((m) => m.stateMachineFiles))].map((f) => ctx.mapper.locate(f, 1, 0).file);
  if (stateMachines.length > 0) {
    const named = firstThree(stateMachines.map((f) => basename(f)), 'files');
    report.warnings.push(`the async functions of ${named} were compiled to ES5 state machines (tsc's __generator, regenerator), which leave no await `
      + 'to record: no awaits, sequential-awaits or await-in-loop for them. Compiled for ES2015 or later (tsc "target": "es2016" or newer), they are recorded');
  }
  // Each loop once, where the user wrote it (several threads run the same file).
  const syncForAwaits = [...new Map(models.flatMap((m) => (m.agg?.syncForAwaits ?? []).map((gid) => m.sites.get(gid)).filter((x) => x !== undefined)).map((site) => {
    const at = siteLocation(ctx, site);
    return [`${at.file}:${at.line}`, at] as const;
  })).values()];
  if (syncForAwaits.length > 0) {
    const named = firstThree(syncForAwaits.map((l) => `${basename(l.file)}:${l.line}`), 'loops');
    report.warnings.push(`\`for await\` loops over an array or another sync iterable are not recorded (${named}): the waits for its values `
      + '(an array of promises) are not in the concurrency figures');
  }
  for (const e of externals) {
    const note = unrecordedNodeNote(e);
    if (note) report.warnings.push(note);
  }
  for (const m of models) {
    if (m.execve) report.warnings.push(`pid ${m.pid} (${commandOf(m)}) replaced itself with \`${m.execve.command}\` (process.execve) at ${formatMs(m.execve.at)}: `
      + `what that program did under the same pid is not recorded (neither the probe nor the inspector survives the exec); its lane ends there`);
  }
  // No schedstat: a main thread's probe reads its whole process's CPU.
  report.warnings.push(...uncoveredCpuWarnings(threads, run, (run.degraded ?? []).includes(THREAD_CPU_ESTIMATED)));
  report.warnings.push(...unsampledBlockNotes(ctx));
  if (spans.dropped.asyncSpans > 0) report.warnings.push(`${spans.dropped.asyncSpans} async spans were not kept in detail (counts and totals include them)`);
  return report;
}

/**
 * What a recording attached to a running process cannot have: the probe instruments code as it
 * loads, and that code had loaded before the attach.
 */
const ATTACHED_NOT_RECORDED = [
  'per-await detail (which awaits ran one after another, awaits in flight): the code was already loaded, uninstrumented',
  'sync I/O sites (fs.*Sync calls) and library call timings',
  'start-up (module loading, top-level code)',
  'child processes are shown from /proc only (CPU, memory), not profiled',
  'CPU and resource usage before the attach',
] as const;

/** The last line of a function, by its script's URL and the line it starts on, from the instrumenter's tables (any thread's: a file is the same in each). */
function functionEnds(models: readonly ThreadModel[]): ((url: string, line: number) => number | undefined) | undefined {
  const byFile = new Map<string, Map<number, number>>();
  for (const m of models) for (const [file, ends] of m.functionEnds) if (!byFile.has(file)) byFile.set(file, ends);
  if (byFile.size === 0) return undefined;
  return (url, line) => (url ? byFile.get(url.startsWith('file:') ? fileUrlToPath(url) : url)?.get(line) : undefined);
}

function attachedNote(a: NonNullable<RawRun['attached']>): string {
  return `Attached to running pid ${a.pid} (inspector ${a.inspector}${a.openedInspector ? ', opened for the recording and closed after it' : ', left open'}): `
    + `CPU profiles, event-loop lag, the thread pool and HTTP requests were recorded; not recorded: ${ATTACHED_NOT_RECORDED.join('; ')}`;
}

/** `{ a: undefined }` → `{}`, so an unset option keeps its default. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Threads whose CPU profile paused while they waited in a hand-over to another program
 * (recorder/probe/handOver.ts): one note each, so that the quiet stretch of its lane is known
 * for what it is, with the thread's own CPU meanwhile (measured, not sampled).
 */
function handOverNotes(models: readonly ThreadModel[]): string[] {
  const notes: string[] = [];
  for (const m of models) {
    const h = m.handOvers;
    if (h.length === 0) continue;
    const waitMs = h.reduce((sum, x) => sum + (x.until - x.at), 0);
    const cpu = h.every(knownCpu) ? `; its own CPU meanwhile: ${formatMs(handOverCpuMs(h))}` : '';
    const first = h[0];
    notes.push(`pid ${m.pid}${m.tid ? ` worker ${m.tid}` : ''} (${commandOf(m)}): not CPU-sampled for ${formatMs(waitMs)} while it waited for `
      + `${h.length === 1 ? 'a program' : `${h.length} programs`} it handed its terminal to (${first.call} with inherited stdio: \`${first.command}\`${h.length > 1 ? ', …' : ''})${cpu}`);
  }
  return notes;
}

/**
 * The note of a process whose probe could not open an inspector. `node --test`'s runner process
 * is made without one (Node 20 to 24: "This Environment was initialized without a V8::Inspector");
 * it runs no test itself, unless told to (`--test-isolation=none`): each file runs in a process
 * of its own, recorded in full.
 */
function noInspectorNote(m: ThreadModel, reason: string): string {
  const head = `pid ${m.pid} (${commandOf(m)}): no inspector (${reason}), so no CPU profile`;
  const execArgv = m.hello?.execArgv ?? [];
  if (!execArgv.includes('--test')) return `${head}; awaits and lag recorded`;
  const inProcess = execArgv.some((f) => /^--(experimental-)?test-isolation=none$/.test(f));
  return inProcess
    ? `${head}: Node's test runner process has none, and with --test-isolation=none the tests ran in it, so they have no CPU profile `
      + '(no blocking-cpu findings or hot functions for them); their awaits, sync I/O and lag are recorded'
    : `${head} of Node's test runner process, which Node starts without one; it runs no test itself: each test file ran in a process of `
      + 'its own, recorded in full. The runner\'s own awaits and lag are recorded';
}

/** `node --test`, `node app.js`: how a process was started, for warnings. */
function commandOf(m: ThreadModel): string {
  const flags = (m.hello?.execArgv ?? []).filter((f) => !/^--inspect/.test(f));
  const script = m.hello?.argv[1];
  return ['node', ...flags, ...(script ? [basename(script)] : [])].join(' ');
}

const MAX_SITE_STATS = 2000;

/** The per-site aggregate each site kind is reported as (functions are not: their awaits are). */
const SITE_STAT_KIND: Record<Exclude<SiteKind, 'fn'>, SiteStat['kind']> = {
  await: 'await', combinator: 'await', sync: 'sync-io', pool: 'pool-call', lib: 'library-call',
};
const STAT_SITE_KINDS = Object.keys(SITE_STAT_KIND) as SiteKind[];

/**
 * Awaits of a site (its gid) still waiting on I/O, a timer or a promise nothing of the program's
 * settles (leaf awaits: runtime.ts leafPending) as the thread ended: from its final
 * books, or its last ones when the run was stopped (a program waiting on something, as the stop
 * came, is what they name). A thread that ended abruptly on its own (a crash, a kill from outside)
 * left books of an earlier flush, whose pending awaits may have resumed since: none is named.
 */
function pendingAwaits(ctx: AnalysisContext, model: ThreadModel, agg: RawAggregates, gid: number): number {
  if (!model.lastChunk?.final && ctx.run.stopReason !== 'duration' && ctx.run.stopReason !== 'stopped') return 0;
  return Math.max(0, agg.site.pending?.[gid] ?? 0);
}

/**
 * Awaits still pending as the run ended, by site: a test that hung (`await sleep(600000)` under a
 * timeout), a program stopped while it waited, an await of a promise nothing settles. They are
 * named, and (see meanConcurrency) counted in flight until the end.
 */
function pendingNote(ctx: AnalysisContext): string | undefined {
  const pending: { at: string; n: number }[] = [];
  for (const { thread: { model }, agg, sites } of sitesByThread(ctx, ['await', 'combinator'])) {
    for (const s of sites) {
      const n = pendingAwaits(ctx, model, agg, s.gid);
      if (n === 0) continue;
      const loc = ctx.mapper.locate(s.file, s.line, s.column);
      pending.push({ at: `${basename(loc.file)}:${loc.line} ${s.label}${n > 1 ? ` (${n})` : ''}`, n });
    }
  }
  if (pending.length === 0) return undefined;
  const total = pending.reduce((a, p) => a + p.n, 0);
  pending.sort((a, b) => b.n - a.n);
  return `${total} await${total === 1 ? ' was' : 's were'} still waiting when the run ended: `
    + firstThree(pending.map((p) => p.at), 'places') + ' (what a program that hung, or was stopped, waited on)';
}

/** Per-site aggregates (awaits, sync I/O, pool calls) that ran, largest total first. */
function siteStats(ctx: AnalysisContext): NonNullable<Report['sites']> {
  const out: NonNullable<Report['sites']> = [];
  for (const { thread: { lane, model }, agg, sites } of sitesByThread(ctx, STAT_SITE_KINDS)) {
    for (const s of sites) {
      const count = agg.site.count[s.gid] ?? 0;
      const pending = pendingAwaits(ctx, model, agg, s.gid);
      if ((count === 0 && pending === 0) || s.kind === 'fn') continue;
      const sampled = agg.site.sampled[s.gid] ?? 0;
      const scale = sampled > 0 ? count / sampled : 0;
      out.push({
        kind: SITE_STAT_KIND[s.kind],
        location: ctx.mapper.locate(s.file, s.line, s.column), label: s.label, laneId: lane.id,
        count, totalMs: round((agg.site.sum[s.gid] ?? 0) * scale, 2), maxMs: round(agg.site.max[s.gid] ?? 0, 2),
        ...(pending > 0 ? { pending } : {}),
      });
    }
  }
  return out.sort((a, b) => b.totalMs - a.totalMs || b.count - a.count).slice(0, MAX_SITE_STATS);
}

/**
 * `sampledBusyMs`: busy time from the thread's CPU samples; undefined when it has no CPU profile
 * (a launcher, a process without inspector, a worker ended before its first chunk was streamed).
 * `samplesStartMs`/`samplesEndMs`: where its samples begin and end; `createdMs`: where a worker was created. The lane
 * spans its samples, or without them its thread's whole CPU clock (from its creation to its
 * latest CPU reading): a busy time never exceeds the lane.
 */
function laneOf(m: ThreadModel, mainPid: number | undefined, launcher: string | undefined, sampledBusyMs: number | undefined,
  samplesStartMs: number | undefined, samplesEndMs: number | undefined, createdMs: number | undefined,
  seamCpu: ThreadCpuReading | undefined, startHrUs: number, wallMs: number): Lane {
  const kind: Lane['kind'] = m.tid !== 0 ? 'worker' : m.pid === mainPid ? 'main' : 'process';
  const script = m.tid !== 0 ? m.mainModule : m.hello?.argv[1] ?? m.mainModule;
  const name = script ? basename(script) : kind === 'worker' ? '[eval]' : 'node';
  const label = LANE_KIND_INFO[kind].label({ pid: m.pid, threadId: m.tid }, name);
  // Sampled busy time cannot exceed what the thread really got from the CPU: its CPU time at
  // its final probe chunk; for a thread terminate()d or killed before that, its latest CPU
  // reading (a probe chunk or a CPU profile chunk seam) plus the time its samples go on after it.
  let cpu = m.lastChunk?.threadCpuMs !== undefined && m.lastChunk.threadCpuMs >= 0 ? { ms: m.lastChunk.threadCpuMs, at: m.toMs(m.lastChunk.at) } : undefined;
  if (!m.lastChunk?.final && seamCpu && seamCpu.cpuMs >= 0) {
    const at = (seamCpu.hrUs - startHrUs) / 1000;
    if (!cpu || at > cpu.at) cpu = { ms: seamCpu.cpuMs, at };
  }
  const after = cpu && !m.lastChunk?.final ? Math.max(0, (samplesEndMs ?? 0) - cpu.at) : 0;
  // Without a CPU profile, the thread's CPU time is the best measure of its busy time there is.
  let busyMs = sampledBusyMs ?? (cpu ? cpu.ms : 0);
  if (cpu && cpu.ms + after + 10 < busyMs) busyMs = cpu.ms + after + 10;
  // An abrupt end leaves CPU samples, and CPU readings at the profile's seams, after the probe's last record.
  const endMs = Math.max(m.endMs ?? wallMs, samplesEndMs ?? -Infinity, cpu && !m.lastChunk?.final ? cpu.at : -Infinity);
  // A worker's profile starts before its probe loads: the samples of Node's worker bootstrap
  // (~100 ms of CPU on a loaded machine) come before the probe's start, and are the thread's.
  // Without samples its busy time is its CPU clock, which counts that bootstrap from its creation.
  const startMs = Math.max(0, Math.min(m.startMs, samplesStartMs ?? (sampledBusyMs === undefined ? createdMs : undefined) ?? Infinity));
  const usage = m.lastChunk?.usage;
  const lags = [];
  for (let i = 0; i < m.ticks.length; i += TICK.size) lags.push(m.ticks[i + TICK.lagMs]);
  const instrumentingMs = m.lastChunk?.ownLoadMs ?? 0;
  const profileChunksMs = m.lastChunk?.ownChunkMs ?? 0;
  return {
    id: `${m.pid}:${m.tid}`, kind, pid: m.pid, threadId: m.tid, label,
    startMs: round(startMs, 3), endMs: round(endMs, 3), busyMs: round(busyMs),
    script, exitCode: m.exitCode ?? null,
    // From CPU samples, not performance.eventLoopUtilization(): the profiler's own sampling
    // signals wake the loop and make that read ~0.5 for a program that only sleeps.
    eventLoopUtilization: round(Math.min(1, busyMs / Math.max(1, endMs - startMs)), 3),
    cpuUserMs: usage && m.tid === 0 ? round(usage.userCPUTime / 1000) : undefined,
    cpuSystemMs: usage && m.tid === 0 ? round(usage.systemCPUTime / 1000) : undefined,
    maxRssKb: usage && m.tid === 0 ? usage.maxRSS : undefined,
    lagMs: lags.length ? { p50: round(percentile(lags, 50), 2), p99: round(percentile(lags, 99), 2), max: round(maxOf(lags), 2) } : undefined,
    ...(instrumentingMs >= 0.5 ? { instrumentingMs: round(instrumentingMs, 1) } : {}),
    ...(profileChunksMs >= 0.5 ? { profileChunksMs: round(profileChunksMs, 1) } : {}),
    ...(launcher ? { launcher } : {}),
  };
}

/**
 * Sets parentId/createdAt. A worker's parent is the thread that created it; a process's is its
 * nearest ancestor with a lane that is not a shell (npm → sh → node: node's parent is npm), and
 * createdAt is where that ancestor spawned the process or the shell in between.
 */
function linkCreators(threads: ThreadLane[], externals: ExternalLane[], graph: ProcessGraph, mapper: SourceMapper): void {
  const byId = new Map<string, Lane>([...threads, ...externals].map((t) => [t.lane.id, t.lane]));
  const spawnsOf = new Map<number, ThreadLane[]>();
  for (const t of threads) { const list = spawnsOf.get(t.lane.pid) ?? []; list.push(t); spawnsOf.set(t.lane.pid, list); }
  for (const creator of threads) {
    for (const s of creator.model.spawns) {
      if (s.kind !== 'worker') continue;
      const child = byId.get(`${creator.lane.pid}:${s.threadId}`);
      if (!child) continue;
      child.parentId = creator.lane.id;
      if (s.frame) child.createdAt = mapper.locate(s.frame.url, s.frame.line, s.frame.column - 1);
    }
  }
  for (const child of byId.values()) {
    if (child.threadId !== 0) continue;
    const parent = graph.laneParent(child.pid, (pid) => byId.has(`${pid}:0`));
    if (!parent) continue;
    child.parentId = `${parent.pid}:0`;
    for (const creator of spawnsOf.get(parent.pid) ?? []) {
      const s = creator.model.spawns.find((x) => x.kind === 'process' && x.pid === parent.via);
      if (!s) continue;
      child.parentId = creator.lane.id;
      if (s.frame) child.createdAt = mapper.locate(s.frame.url, s.frame.line, s.frame.column - 1);
      break;
    }
  }
}

/**
 * CPU and memory of every process of the run: node processes from their own resource usage
 * (or /proc when a process ended before reporting it), other processes from /proc samples.
 */
function programSummary(run: RawRun, models: ThreadModel[], externals: ExternalLane[], graph: ProcessGraph, mainPid: number | undefined, wallMs: number): Report['program'] {
  let user = 0, system = 0, rss = 0;
  for (const m of models) {
    if (m.tid !== 0) continue; // resourceUsage is per process
    const usage = m.lastChunk?.usage;
    const tree = graph.info.get(m.pid)?.tree;
    const last = tree && tree.t.length ? tree.t.length - 1 : -1;
    if (usage) {
      user += usage.userCPUTime / 1000;
      system += usage.systemCPUTime / 1000;
      rss = Math.max(rss, usage.maxRSS);
    } else if (tree && last >= 0) {
      user += tree.userMs[last];
      system += tree.systemMs[last];
      rss = Math.max(rss, ...tree.rssKb);
    }
  }
  for (const e of externals) {
    user += e.lane.cpuUserMs ?? 0;
    system += e.lane.cpuSystemMs ?? 0;
    rss = Math.max(rss, e.lane.maxRssKb ?? 0);
  }
  const tree = run.processTree;
  const degraded: string[] = [...(run.degraded ?? [])];
  if (!tree || tree.unavailable) {
    degraded.push(`processes other than node (shells, native tools such as esbuild or tsc) were not recorded (${tree?.unavailable ?? 'not sampled'}): CPU %, peak RSS and parallelism count node processes only`);
    degraded.push('peak RSS of all processes at once: not measured');
  }
  const via = mainPid !== undefined ? graph.launchersAbove(mainPid) : [];
  const mainActive = run.activeAtStop?.find((a) => a.pid === mainPid);
  const activeAtStop = mainActive ? countResources(mainActive.resources) : undefined;
  const coarser = run.threads.flatMap((t) => t.samplingChanges ?? []).map((c) => c.intervalUs / 1000);
  return {
    command: run.command, cwd: run.cwd, exitCode: run.exitCode, signal: run.signal,
    ...(run.error ? { error: run.error } : {}),
    wallMs: round(wallMs), userCpuMs: round(user), systemCpuMs: round(system),
    cpuPercent: wallMs > 0 ? round(((user + system) / wallMs) * 100) : 0,
    maxRssKb: rss, startEpochMs: run.startEpochMs, stopReason: run.stopReason, cores: run.cores, nodeVersion: run.nodeVersion,
    ...(run.stopSignal ? { stopSignal: run.stopSignal } : {}),
    ...(run.stopSignalAtHrUs !== undefined ? { stopSignalAtMs: round(Math.min(wallMs, Math.max(0, (run.stopSignalAtHrUs - run.startHrUs) / 1000))) } : {}),
    ...(run.killed ? { killed: run.killed } : {}),
    ...(activeAtStop ? { activeAtStop } : {}),
    ...(tree && !tree.unavailable && tree.rssSum.kb.length ? { peakTreeRssKb: Math.max(rss, ...tree.rssSum.kb) } : {}),
    ...(mainPid !== undefined ? { mainPid } : {}),
    ...(via.length ? { via } : {}),
    ...(degraded.length ? { degraded } : {}),
    ...(run.attached ? { attached: { ...run.attached, notRecorded: [...ATTACHED_NOT_RECORDED] } } : {}),
    ...(coarser.length ? { samplingIntervalMs: Math.max(...coarser) } : {}),
    ...(tree && !tree.unavailable ? { processSampling: { intervalMs: tree.intervalMs, samples: tree.samples, costMs: tree.costMs } } : {}),
  };
}

/**
 * How long what was still in flight at a thread's last lag tick had been (awaits and combinator
 * elements: their time is added as they settle, and these never did): from the lag ticks, each
 * of the last tick's `n` in flight from the start of the longest run of ticks, ending at the last,
 * with that many or more. A test that hung 1.5 s on a timer in a 2.5 s run read "concurrency
 * max 1 · mean 0.01" beside a concurrency track that showed it pending throughout.
 */
function pendingAtEndMs(m: ThreadModel): number {
  const ticks = m.ticks;
  const last = ticks.length - TICK.size;
  if (last < 0) return 0;
  const n = ticks[last + TICK.awaits];
  const end = ticks[last + TICK.t];
  let ms = 0;
  let i = last;
  for (let k = n; k >= 1; k--) {
    // Walks back (further for fewer in flight): the earliest tick from which k or more stayed in flight.
    while (i - TICK.size >= 0 && ticks[i - TICK.size + TICK.awaits] >= k) i -= TICK.size;
    ms += end - ticks[i + TICK.t];
  }
  return ms;
}

/** "a.js, b.js, c.js, … (5 files)": the first three of `names`, and how many there are (`what`) when more. */
function firstThree(names: string[], what: string): string {
  return names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length} ${what})` : '');
}

function metrics(ctx: AnalysisContext, models: ThreadModel[], cpuMs: number, buckets: Float32Array[], concurrency: number[], overlapMs: number): Metrics {
  const main = ctx.threads.find((t) => t.lane.kind === 'main') ?? ctx.threads[0];
  const lags: number[] = [];
  if (main) for (let i = 0; i < main.model.ticks.length; i += TICK.size) lags.push(main.model.ticks[i + TICK.lagMs]);
  // Mean concurrency: Σ durations of what maxInFlight and the concurrency track count (leaf
  // awaits, scaled for sampling; pending combinator elements; server requests being handled),
  // less what a thread's requests and awaits share (concurrency.ts: a request waiting on its
  // handler's await is one operation), / wall.
  let waitMs = 0;
  let maxInFlight = 0;
  let maxQueued = 0;
  for (const m of models) {
    if (!m.agg) continue;
    maxInFlight = Math.max(maxInFlight, m.agg.maxInFlight);
    maxQueued = Math.max(maxQueued, m.agg.maxQueued ?? 0);
    waitMs += awaitMs(m);
  }
  for (const m of models) waitMs += serverRequestMs(m) + pendingAtEndMs(m);
  waitMs = Math.max(0, waitMs - overlapMs);
  const maxBucketConcurrency = concurrency.reduce((a, b) => Math.max(a, b), 0);
  let maxParallelism = 0;
  const n = buckets[0]?.length ?? 0;
  // No more threads than cores run at once. A bucket's sum above that is CPU placed in the wrong
  // 10 ms: each sample stands for the CPU its thread got since the one before, and on a crowded
  // machine several threads' samples fall in the same bucket for CPU they got at other times.
  const cores = ctx.run.cores > 0 ? ctx.run.cores : Infinity;
  for (let k = 0; k < n; k++) { let s = 0; for (const b of buckets) s += b[k]; maxParallelism = Math.max(maxParallelism, Math.min(cores, s)); }
  const pools = [...ctx.pools.values()];
  const mainPool = main ? ctx.pools.get(main.lane.pid) : undefined;
  return {
    eventLoopLagMs: { p50: round(percentile(lags, 50), 2), p99: round(percentile(lags, 99), 2), max: round(maxOf(lags), 2) },
    eventLoopUtilization: main?.lane.eventLoopUtilization ?? 0,
    cpuParallelism: ctx.wallMs > 0 ? round(cpuMs / ctx.wallMs, 2) : 0,
    maxConcurrency: Math.max(maxInFlight, Math.round(maxBucketConcurrency)),
    meanConcurrency: ctx.wallMs > 0 ? round(waitMs / ctx.wallMs, 2) : 0,
    maxQueued,
    maxParallelism: round(maxParallelism, 2),
    threadpool: {
      size: mainPool?.size ?? 4,
      maxInFlight: Math.max(0, ...pools.map((p) => p.maxInFlight)),
      maxRunning: Math.max(0, ...pools.map((p) => Math.min(p.size, p.maxInFlight))),
      maxQueued: Math.max(0, ...pools.map((p) => p.maxQueued)),
      queuedMs: round(pools.reduce((a, p) => a + p.queuedMs, 0)),
    },
  };
}
