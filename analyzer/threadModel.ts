import { SPAN, SPAN_KIND, TICK, REQUEST_FIELDS, REQUEST_TIME_FIELD, type SpanKind, type RawRun, type RawThread, type ProbeRecord, type RawSite, type RawLoop, type RawGroup, type RawAggregates } from './raw';

type Hello = Extract<ProbeRecord, { t: 'hello' }>;
type Chunk = Extract<ProbeRecord, { t: 'chunk' }>;
type RequestsChunk = NonNullable<Chunk['requests']>;
type Spawn = Extract<ProbeRecord, { t: 'spawn' }>;
type HandOver = Extract<ProbeRecord, { t: 'handOver' }>;

/** The thread's on-CPU ms its probe read as it started (its hello), if the hello carries a reading. */
export function helloCpuMs(hello: Hello | undefined): number | undefined {
  return hello?.threadCpuMs !== undefined && hello.threadCpuMs >= 0 ? hello.threadCpuMs : undefined;
}

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
  /**
   * Source maps of the files the thread ran compiled (TypeScript), by file: every file's, also one
   * with no site (no async function), whose CPU samples are positions in the compiled code too.
   */
  maps: Map<string, unknown>;
  agg?: RawAggregates;
  /**
   * Flat spans, laid out as SPAN (raw.ts), times in report ms: read them with forEachSpan. A typed
   * array: a storm's 200k spans are 1.4M numbers, which a number[] copy made slowly (growth, boxing).
   */
  spans: Float64Array;
  /** Flat lag ticks, laid out as TICK (raw.ts), t in report ms. */
  ticks: number[];
  /** Report ms at which a new task may have begun on the thread (sorted; see ProbeRuntime.mark). */
  taskMarks: number[];
  /** Flat pairs (report ms, thread on-CPU ms), sorted by time: every known reading (ticks and task marks). */
  cpuReadings: number[];
  spawns: Spawn[];
  /** Waits in a hand-over to another program, not CPU-sampled (recorder/probe/handOver.ts); times in report ms. */
  handOvers: HandOver[];
  /** The program this process replaced itself with (process.execve), and when (report ms); unset if the call failed. */
  execve?: { command: string; at: number };
  /** Why some of the thread's code ran uninstrumented, when the probe knew it did (a report warning each). */
  uninstrumented: string[];
  /** Files whose async functions were compiled to state machines (ES5): their awaits were not recorded. */
  stateMachineFiles: string[];
  /** Per file, where its functions end (a table's functionEnds): last line by first line. */
  functionEnds: Map<string, Map<number, number>>;
  /** Names of the fs *Sync functions, indexed by the site of fsSync spans. */
  fsSyncNames: string[];
  lastChunk?: Chunk;
  /** HTTP requests of this thread (see analyzer/raw.ts REQUEST_FIELDS; times in report ms). */
  requests: ThreadRequests;
  startupDoneMs?: number;
  startMs: number;
  endMs?: number;
  exitCode?: number;
  mainModule?: string;
  /** Converts a time of this thread's probe clock (ms) to report ms. */
  toMs(perf: number): number;
}

export interface ThreadRequests {
  names: string[];
  /**
   * REQUEST_FIELDS per request: kind, method, route (indexes into names), status, t0, syncEnd (-1: none), t1, flags,
   * ready (-1: none), handlerStart, handlerEnd (-1: none). See requestRowsInMs.
   */
  rows: Float64Array;
  /** Exact counts so far: [kind, method, route, count, errors]. */
  counts: number[][];
  /** Requests finished but not kept in detail (over the probe's cap). */
  dropped: number;
  /** Requests started and not finished when the thread's last chunk was written. */
  unfinished: number;
  /** Server requests whose connection closed before their response finished (RawRequestsChunk.aborted). */
  aborted: number;
  maxInFlight: number;
  /** HTTP/2 servers the thread started listening; whether their requests are in the rows. */
  http2?: { servers: number; recorded: boolean };
}

/**
 * The thread's model, its times in report ms. `inPlace`: the thread's spans, when a
 * Float64Array, and its request rows, when one buffer (requestRowsInMs), are converted in their
 * own buffer (the caller hands the recording over: analyzeHandedOver), not in a copy.
 */
export function buildThreadModel(thread: RawThread, run: RawRun, inPlace = false): ThreadModel {
  const hello = thread.records.find((r): r is Hello => r.t === 'hello');
  const toMs = hello
    ? (perf: number) => ((perf - hello.perfAnchor) * 1000 + hello.hrAnchorUs - run.startHrUs) / 1000
    : () => 0;
  const m: ThreadModel = {
    pid: thread.pid, tid: thread.tid, hello, sites: new Map(), loops: new Map(), groups: new Map(), maps: new Map(),
    spans: new Float64Array(0), ticks: [], taskMarks: [], cpuReadings: [], spawns: [], handOvers: [], uninstrumented: [], stateMachineFiles: [], functionEnds: new Map(), fsSyncNames: [],
    requests: { names: [], rows: new Float64Array(0), counts: [], dropped: 0, unfinished: 0, aborted: 0, maxInFlight: 0 }, startMs: hello ? toMs(hello.perfAnchor) : 0, toMs,
  };
  // The probe's reading at its start: a start-up stretch then has a count before it too.
  const startCpuMs = helloCpuMs(hello);
  const readings: [number, number][] = startCpuMs !== undefined ? [[m.startMs, startCpuMs]] : [];
  const requestChunks: RequestsChunk[] = [];
  for (const r of thread.records) {
    switch (r.t) {
      case 'table':
        if (r.map && !m.maps.has(r.file)) m.maps.set(r.file, r.map);
        if (r.stateMachines) m.stateMachineFiles.push(r.file);
        if (r.functionEnds && !m.functionEnds.has(r.file)) {
          const ends = new Map<number, number>();
          for (let i = 0; i + 1 < r.functionEnds.length; i += 2) ends.set(r.functionEnds[i], r.functionEnds[i + 1]);
          m.functionEnds.set(r.file, ends);
        }
        for (const s of r.sites) m.sites.set(r.base + s.id, { ...s, file: r.file, map: r.map, gid: r.base + s.id });
        for (const l of r.loops) m.loops.set(r.base + l.id, { ...l, file: r.file, map: r.map, gid: r.base + l.id });
        for (const g of r.groups) m.groups.set(r.base + g.id, { ...g, file: r.file, map: r.map, gid: r.base + g.id, siteIds: g.sites.map((s) => r.base + s) });
        break;
      case 'chunk':
        for (let i = 0; i < r.ticks.length; i += TICK.size) {
          const at = m.ticks.length;
          for (let f = 0; f < TICK.size; f++) m.ticks.push(r.ticks[i + f]);
          m.ticks[at + TICK.t] = toMs(r.ticks[i + TICK.t]);
        }
        for (let i = 0; i < (r.marks?.length ?? 0); i += 2) {
          const t = toMs(r.marks![i]);
          m.taskMarks.push(t);
          if (r.marks![i + 1] >= 0) readings.push([t, r.marks![i + 1]]);
        }
        for (let i = 0; i < r.ticks.length; i += TICK.size) if (r.ticks[i + TICK.cpuMs] >= 0) readings.push([toMs(r.ticks[i + TICK.t]), r.ticks[i + TICK.cpuMs]]);
        if (r.agg) m.agg = r.agg;
        if (r.requests) { addRequests(m.requests, r.requests); requestChunks.push(r.requests); }
        m.lastChunk = r;
        if (r.mainModule) m.mainModule = r.mainModule;
        m.endMs = toMs(r.at);
        break;
      case 'spawn': m.spawns.push({ ...r, at: toMs(r.at) }); break;
      case 'handOver': m.handOvers.push({ ...r, at: toMs(r.at), until: toMs(r.until) }); break;
      case 'execve': m.execve = { command: r.command, at: toMs(r.at) }; m.endMs = toMs(r.at); break;
      case 'execveFailed': m.execve = undefined; break;
      case 'uninstrumented': m.uninstrumented.push(r.reason); break;
      case 'startupDone': m.startupDoneMs = toMs(r.at); break;
      case 'fsSyncNames': m.fsSyncNames = r.names; break;
      case 'exit': m.exitCode = r.code; m.endMs = toMs(r.at); break;
    }
  }
  m.spans = spansInMs(inPlace && thread.spans instanceof Float64Array ? thread.spans : new Float64Array(thread.spans ?? []), hello, run);
  m.requests.rows = requestRowsInMs(requestChunks, hello, run, inPlace);
  m.taskMarks.sort((a, b) => a - b);
  readings.sort((a, b) => a[0] - b[0]);
  for (const [t, cpu] of readings) m.cpuReadings.push(t, cpu);
  return m;
}

/**
 * Puts the spans' times on the run's clock, in `spans` itself, and returns it (toMs, inlined: the
 * same arithmetic in the same order, so the same doubles). Runs once per thread, cold, over up to
 * millions of spans: a closure call and three property loads per time cost ~20 ms per 36k spans there.
 */
function spansInMs(spans: Float64Array, hello: Hello | undefined, run: RawRun): Float64Array {
  if (!hello) { for (let i = 0; i < spans.length; i += SPAN.size) spans[i + SPAN.t0] = spans[i + SPAN.t1] = spans[i + SPAN.t2] = 0; return spans; }
  const anchor = hello.perfAnchor, hr = hello.hrAnchorUs, start = run.startHrUs;
  const size = SPAN.size, t0 = SPAN.t0, t1 = SPAN.t1, t2 = SPAN.t2;
  for (let i = 0; i < spans.length; i += size) {
    spans[i + t0] = ((spans[i + t0] - anchor) * 1000 + hr - start) / 1000;
    spans[i + t1] = ((spans[i + t1] - anchor) * 1000 + hr - start) / 1000;
    spans[i + t2] = ((spans[i + t2] - anchor) * 1000 + hr - start) / 1000;
  }
  return spans;
}

function addRequests(into: ThreadRequests, chunk: RequestsChunk): void {
  for (const name of chunk.names) into.names.push(name); // not push(...names): a long list overflows the stack
  if (chunk.http2) into.http2 = chunk.http2;
  if (chunk.counts) into.counts = chunk.counts;
  into.dropped = chunk.dropped;
  into.unfinished = chunk.inFlight;
  into.aborted = chunk.aborted ?? into.aborted;
  into.maxInFlight = Math.max(into.maxInFlight, chunk.maxInFlight);
}

/**
 * The request rows of a thread's chunks, in order, with their times in report ms (toMs, inlined
 * as in spansInMs: the same doubles; -1 stays -1): one array of the exact size, written once (rows
 * pushed number by number onto an array cost ~100 ns each here, mostly the growing array's fresh
 * pages' faults). `inPlace` (a recording handed over, see buildThreadModel): rows that lie one
 * chunk after another in one buffer, as the recorder reads a thread's `.requests` file, are
 * converted there and returned as one view of it: a loaded server's 112k requests (10 MB) took
 * ~40 ms to copy here, most of it the copy's fresh pages.
 */
function requestRowsInMs(chunks: RequestsChunk[], hello: Hello | undefined, run: RawRun, inPlace = false): Float64Array {
  const whole = (c: RequestsChunk) => c.rows.length - (c.rows.length % REQUEST_FIELDS);
  const total = chunks.reduce((n, c) => n + whole(c), 0);
  const out = (inPlace ? adjacentRows(chunks, whole, total) : undefined) ?? new Float64Array(total);
  const anchor = hello ? hello.perfAnchor : 0, hr = hello ? hello.hrAnchorUs : 0, start = run.startHrUs;
  const size = REQUEST_FIELDS, time = REQUEST_TIME_FIELD;
  let o = 0;
  for (const c of chunks) {
    const r = c.rows, n = whole(c);
    const unit = c.hundredths ? 0.01 : 1;
    for (let i = 0; i < n; i += size) {
      for (let k = 0; k < size; k++) {
        const v = r[i + k];
        out[o + i + k] = !time[k] ? v : !(v >= 0) ? -1 : hello ? ((v * unit - anchor) * 1000 + hr - start) / 1000 : 0;
      }
    }
    o += n;
  }
  return out;
}

/**
 * The chunks' whole rows as one view of the buffer they are in, when each chunk's rows are a
 * Float64Array that starts where the one before it ends; else undefined (rows that came as JSON
 * arrays, an attached recording's).
 */
function adjacentRows(chunks: RequestsChunk[], whole: (c: RequestsChunk) => number, total: number): Float64Array | undefined {
  let first: Float64Array | undefined;
  let end = 0;
  for (const c of chunks) {
    const r = c.rows;
    if (!(r instanceof Float64Array)) return undefined;
    first ??= r;
    if (r.buffer !== first.buffer || (r !== first && r.byteOffset !== end)) return undefined;
    end = r.byteOffset + whole(c) * 8;
  }
  return first && new Float64Array(first.buffer, first.byteOffset, total);
}

/** Calls `fn` with the offset of each span of `kind` in `spans` (read its fields as spans[o + SPAN.x]). */
export function forEachSpan(spans: ArrayLike<number>, kind: SpanKind, fn: (o: number) => void): void {
  const code = SPAN_KIND[kind];
  for (let o = 0; o < spans.length; o += SPAN.size) if (spans[o + SPAN.kind] === code) fn(o);
}
