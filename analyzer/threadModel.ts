import type { RawRun, RawThread, ProbeRecord, RawSite, RawLoop, RawGroup, RawAggregates } from './raw';
import { REQUEST_FIELDS } from './raw';

type Hello = Extract<ProbeRecord, { t: 'hello' }>;
type Chunk = Extract<ProbeRecord, { t: 'chunk' }>;
type Spawn = Extract<ProbeRecord, { t: 'spawn' }>;

/** A site with its global (per-thread) id and its file. */
export interface ThreadSite extends RawSite { file: string; map?: unknown; gid: number }

/**
 * One thread's probe records, put in order: sites by global id, the last aggregates, all
 * spans and lag ticks, with every time converted to report milliseconds.
 */
export interface ThreadModel {
  pid: number;
  tid: number;
  hello?: Hello;
  sites: Map<number, ThreadSite>;
  loops: Map<number, RawLoop & { file: string; map?: unknown; gid: number }>;
  groups: Map<number, RawGroup & { file: string; map?: unknown; gid: number; siteIds: number[] }>;
  agg?: RawAggregates;
  /** Flat spans: kind, site, invocation, t0, t1, t2, flags (times in report ms). */
  spans: number[];
  /** Flat ticks, TICK_FIELDS each: t, lagMs, awaits in flight, pool requests in flight, thread CPU ms (-1: unknown). */
  ticks: number[];
  /** Report ms at which a new task may have begun on the thread (sorted; see ProbeRuntime.mark). */
  taskMarks: number[];
  /** Flat pairs (report ms, thread on-CPU ms), sorted by time: every known reading (ticks and task marks). */
  cpuReadings: number[];
  spawns: Spawn[];
  /** Names of the fs *Sync functions, indexed by the site of fs-sync spans (kind 4). */
  fsSyncNames: string[];
  lastChunk?: Chunk;
  /** HTTP requests of this thread (see analyzer/raw.ts REQUEST_FIELDS; times in report ms). */
  requests: ThreadRequests;
  startupDoneMs?: number;
  startMs: number;
  endMs?: number;
  exitCode?: number;
  mainModule?: string;
  /** Converts a time of this thread's performance.now() to report ms. */
  toMs(perf: number): number;
}

export const TICK_FIELDS = 5;

export interface ThreadRequests {
  names: string[];
  /** REQUEST_FIELDS per request: kind, method, route (indexes into names), status, t0, syncEnd (-1: none), t1, flags, ready (-1: none). */
  rows: number[];
  /** Exact counts so far: [kind, method, route, count, errors]. */
  counts: number[][];
  /** Requests finished but not kept in detail (over the probe's cap). */
  dropped: number;
  /** Requests started and not finished when the thread's last chunk was written. */
  unfinished: number;
  maxInFlight: number;
}

export function buildThreadModel(thread: RawThread, run: RawRun): ThreadModel {
  const hello = thread.records.find((r): r is Hello => r.t === 'hello');
  const toMs = hello
    ? (perf: number) => ((perf - hello.perfAnchor) * 1000 + hello.hrAnchorUs - run.startHrUs) / 1000
    : () => 0;
  const m: ThreadModel = {
    pid: thread.pid, tid: thread.tid, hello, sites: new Map(), loops: new Map(), groups: new Map(),
    spans: [], ticks: [], taskMarks: [], cpuReadings: [], spawns: [], fsSyncNames: [],
    requests: { names: [], rows: [], counts: [], dropped: 0, unfinished: 0, maxInFlight: 0 }, startMs: hello ? toMs(hello.perfAnchor) : 0, toMs,
  };
  const readings: [number, number][] = [];
  for (const r of thread.records) {
    switch (r.t) {
      case 'table':
        for (const s of r.sites) m.sites.set(r.base + s.id, { ...s, file: r.file, map: r.map, gid: r.base + s.id });
        for (const l of r.loops) m.loops.set(r.base + l.id, { ...l, file: r.file, map: r.map, gid: r.base + l.id });
        for (const g of r.groups) m.groups.set(r.base + g.id, { ...g, file: r.file, map: r.map, gid: r.base + g.id, siteIds: g.sites.map((s) => r.base + s) });
        break;
      case 'chunk':
        for (let i = 0; i < r.ticks.length; i += TICK_FIELDS) m.ticks.push(toMs(r.ticks[i]), r.ticks[i + 1], r.ticks[i + 2], r.ticks[i + 3], r.ticks[i + 4]);
        for (let i = 0; i < (r.marks?.length ?? 0); i += 2) {
          const t = toMs(r.marks![i]);
          m.taskMarks.push(t);
          if (r.marks![i + 1] >= 0) readings.push([t, r.marks![i + 1]]);
        }
        for (let i = 0; i < r.ticks.length; i += TICK_FIELDS) if (r.ticks[i + 4] >= 0) readings.push([toMs(r.ticks[i]), r.ticks[i + 4]]);
        if (r.agg) m.agg = r.agg;
        if (r.requests) addRequests(m.requests, r.requests, toMs);
        m.lastChunk = r;
        if (r.mainModule) m.mainModule = r.mainModule;
        m.endMs = toMs(r.at);
        break;
      case 'spawn': m.spawns.push({ ...r, at: toMs(r.at) }); break;
      case 'startupDone': m.startupDoneMs = toMs(r.at); break;
      case 'fsSyncNames': m.fsSyncNames = r.names; break;
      case 'exit': m.exitCode = r.code; m.endMs = toMs(r.at); break;
    }
  }
  const sp = thread.spans ?? [];
  const spans = new Array<number>(sp.length);
  for (let i = 0; i < sp.length; i += 7) {
    spans[i] = sp[i]; spans[i + 1] = sp[i + 1]; spans[i + 2] = sp[i + 2];
    spans[i + 3] = toMs(sp[i + 3]); spans[i + 4] = toMs(sp[i + 4]); spans[i + 5] = toMs(sp[i + 5]); spans[i + 6] = sp[i + 6];
  }
  m.spans = spans;
  m.taskMarks.sort((a, b) => a - b);
  readings.sort((a, b) => a[0] - b[0]);
  for (const [t, cpu] of readings) m.cpuReadings.push(t, cpu);
  return m;
}

function addRequests(into: ThreadRequests, chunk: NonNullable<Chunk['requests']>, toMs: (perf: number) => number): void {
  into.names.push(...chunk.names);
  const r = chunk.rows;
  for (let i = 0; i + REQUEST_FIELDS <= r.length; i += REQUEST_FIELDS) {
    into.rows.push(r[i], r[i + 1], r[i + 2], r[i + 3], toMs(r[i + 4]), r[i + 5] >= 0 ? toMs(r[i + 5]) : -1, toMs(r[i + 6]), r[i + 7], r[i + 8] >= 0 ? toMs(r[i + 8]) : -1);
  }
  if (chunk.counts) into.counts = chunk.counts;
  into.dropped = chunk.dropped;
  into.unfinished = chunk.inFlight;
  into.maxInFlight = Math.max(into.maxInFlight, chunk.maxInFlight);
}
