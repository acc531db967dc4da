/**
 * The report schema (schemaVersion 1): the one contract between the analyzer, the CLI,
 * the extension and the webview. Names required by the spec are kept exactly; the rest
 * is additive. All times in the report are milliseconds since `program.startEpochMs`
 * unless a name says otherwise.
 */

import type { FindingKind } from './findingKinds';
import type { LaneKind } from './laneKinds';
import type { NumberColumn } from './numberColumn';

/** Finding kinds: the keys of FINDING_KIND_INFO (findingKinds.ts), the registry of their words and detectors. */
export type { FindingKind } from './findingKinds';
/** Lane kinds: the keys of LANE_KIND_INFO (laneKinds.ts). */
export type { LaneKind } from './laneKinds';

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column in the user's original source (TypeScript is mapped back). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ProgramSummary {
  command: string[];
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  /** Set when the program could not be started or the run was cut short. */
  error?: string;
  wallMs: number;
  userCpuMs: number;
  systemCpuMs: number;
  /** (user + system CPU of every process) / wall × 100. 200 = two cores busy all the time. */
  cpuPercent: number;
  /** The largest peak RSS of any one process of the run (what GNU time reports for a tree), node or not. */
  maxRssKb: number;
  /**
   * Peak of the sum of the RSS of every process alive at once, from /proc samples every
   * `processSampling.intervalMs` (a lower bound: a peak between samples is missed). Absent without /proc.
   */
  peakTreeRssKb?: number;
  /** pid of the process that runs the user's code: the main lane, whose lag and utilization are the headline. */
  mainPid?: number;
  /** Launchers between the command and the main process, outermost first (["npm", "sh"]); absent when none. */
  via?: string[];
  /**
   * Figures that are estimated or missing, in words (e.g. no /proc: processes other than node not
   * recorded, so CPU % and peak RSS count node processes only). Absent when nothing is degraded.
   */
  degraded?: string[];
  /** Set when the run was recorded by attaching to a process already running: see ProgramAttached. */
  attached?: ProgramAttached;
  /**
   * Set when some thread's CPU was sampled less often than asked from some point of its run on
   * (its fs/dns work kept libuv's pool busy on a small machine, where the sampler competes with
   * the pool for the cores): the coarsest interval, ms. The warnings say which threads and when.
   */
  samplingIntervalMs?: number;
  /** The /proc sampler of the process tree: interval, samples taken and the recorder CPU it cost. */
  processSampling?: { intervalMs: number; samples: number; costMs: number };
  /** Epoch time (ms) that report time 0 stands for. */
  startEpochMs: number;
  /** How the run ended: the program exited, `--duration` elapsed, or the user stopped it. */
  stopReason: 'exit' | 'duration' | 'stopped' | 'error';
  /** The signal a stop (the user's, or `--duration`) sent to the program's process tree. */
  stopSignal?: string;
  /**
   * When that signal was sent (ms of the report's time; additive, schema 1): the program's
   * shutdown ran from then to the end of the run (`wallMs`), unless it was `killed`.
   */
  stopSignalAtMs?: number;
  /**
   * What kept the main process's event loop running as the stop came (additive, schema 1):
   * process.getActiveResourcesInfo() counted by Node's names (`{ TCPServerWrap: 1, Timeout: 2 }`).
   * Absent when the program exited by itself, or the recorder could not ask.
   */
  activeAtStop?: Record<string, number>;
  /**
   * Set when the program did not exit by itself after the stop signal and was killed
   * (SIGKILL to its process tree): when the grace period ran out, or at the user's second stop.
   */
  killed?: ProgramKilled;
  cores: number;
  nodeVersion: string;
}

/** A recording made by attaching to a running process (`concurrency-lens attach`). */
export interface ProgramAttached {
  pid: number;
  inspector: string;
  /** The recorder opened the process's inspector and closed it again when it detached. */
  openedInspector: boolean;
  /** What an attached run cannot have, in words (also in the report's warnings). */
  notRecorded: string[];
}

export interface ProgramKilled {
  /**
   * 'grace-period': still running when the grace period ran out; 'second-stop': the user
   * stopped it again; 'platform': the platform cannot send it a signal (Windows), so it was
   * ended at once.
   */
  reason: 'grace-period' | 'second-stop' | 'platform';
  /** The grace period the program was given, ms. */
  graceMs: number;
}

export interface Lane {
  id: string;
  kind: LaneKind;
  pid: number;
  threadId: number;
  label: string;
  startMs: number;
  endMs: number;
  /** Time this thread was running JS/native code (from CPU samples). */
  busyMs: number;
  /**
   * Id of the lane that created this one (worker's parent thread, child's parent process: the
   * nearest ancestor with a lane that is not a shell, so `npm → sh → node` links node to npm).
   */
  parentId?: string;
  /** Set when the process only starts others (npm, npx, pnpm, yarn, tsx's CLI, a shell): never the headline. */
  launcher?: string;
  /**
   * A process that runs no probe (a shell, esbuild, a native compiler): sampled from /proc, so
   * it has CPU time and RSS but no lag, awaits or CPU profile; its busy slices are placed within
   * each sampling interval, not exactly. Kind is 'process'.
   */
  external?: true;
  /** Script the thread or process runs. */
  script?: string;
  /** Where user code created this worker or process, if known. */
  createdAt?: SourceLocation;
  exitCode?: number | null;
  eventLoopUtilization?: number;
  cpuUserMs?: number;
  cpuSystemMs?: number;
  maxRssKb?: number;
  lagMs?: { p50: number; p99: number; max: number };
  /**
   * Time the profiler spent on this thread as the program's files loaded: instrumenting them,
   * transpiling TypeScript, registering their await sites (recorder/probe/ownTime.ts). Mostly a
   * first run's (later runs read the instrumented files from a cache). It held the event loop,
   * but a plain run would not have: `lagMs` leaves it out. Absent when under 0.5 ms.
   */
  instrumentingMs?: number;
  /**
   * Time the profiler spent on this thread ending and starting its CPU profile chunks (it streams
   * each thread's profile in chunks: recorder/probe/threadGauges.ts): V8 builds and serializes
   * each ended chunk's profile on the thread, in time that grows with the chunk's distinct stacks
   * (milliseconds to tens of milliseconds a chunk in a program with a large, varied code base). It
   * held the event loop, but a plain run would not have: `lagMs` leaves it out. Absent when
   * under 0.5 ms.
   */
  profileChunksMs?: number;
}

/** From this much Lane.instrumentingMs (or Lane.profileChunksMs), the CLI's summary and the timeline's lane tooltip say the lag left it out. */
export const INSTRUMENTING_NOTE_MS = 5;

export interface Metrics {
  eventLoopLagMs: { p50: number; p99: number; max: number };
  eventLoopUtilization: number;
  /** CPU time of all lanes / wall time ("CPU %" / 100). */
  cpuParallelism: number;
  /**
   * Async operations in flight: user-code awaits waiting on I/O, timers or other threads (not
   * on other user async functions), and elements of Promise.all/… that are operations of their own;
   * per thread, the HTTP requests its servers are handling where they outnumber those (a request
   * waiting on its handler's await is one operation: analyzer/concurrency.ts).
   */
  maxConcurrency: number;
  /**
   * Most promises waiting in a queue of user code beyond what was in flight: elements gathered
   * with Promise.all/… that wrap user async functions a limiter (p-limit, p-map, p-queue) has
   * not started yet. 0 when nothing waited.
   */
  maxQueued?: number;
  meanConcurrency: number;
  /** Largest number of lanes on CPU at once (from CPU samples, 10 ms buckets). */
  maxParallelism: number;
  /**
   * libuv thread pool (fs, crypto, zlib, dns.lookup): `maxInFlight` requests submitted and not
   * yet done (running + queued), `maxRunning` of them on a pool thread (≤ size), `maxQueued`
   * waiting for one; `queuedMs` is the total time requests waited.
   */
  threadpool: { size: number; maxInFlight: number; maxRunning: number; maxQueued: number; queuedMs: number };
  /** Most HTTP requests (served and made) in flight at once in one thread; absent without requests. */
  maxRequestsInFlight?: number;
}

export interface Finding {
  id: string;
  kind: FindingKind;
  severity: Severity;
  message: string;
  location: SourceLocation;
  related?: SourceLocation[];
  laneId: string;
  occurrences: number;
  totalMs: number;
  estimatedSavingsMs?: number;
  /** Intervals on the timeline where the finding happened (bounded). */
  intervals?: { laneId: string; startMs: number; endMs: number }[];
  /** A longer explanation with the evidence, for hovers and the side panel. */
  detail?: string;
  /**
   * Set when the same site was seen in several lanes (cluster workers, children running the
   * same file): one entry per lane, largest total first. `laneId` is the first of them;
   * `occurrences`, `totalMs` and `intervals` cover all of them.
   */
  perLane?: { laneId: string; occurrences: number; totalMs: number }[];
}

/** Category of a busy slice; index into SLICE_CATEGORIES. */
export const SLICE_CATEGORIES = ['user', 'library', 'node', 'gc', 'native'] as const;
export type SliceCategory = (typeof SLICE_CATEGORIES)[number];

/**
 * Everything the timeline draws. Struct-of-arrays, linked by index (like
 * vscode-js-profile-visualizer's model), so the webview can turn each column into a
 * typed array without walking objects. Bounded: `dropped` says what was left out.
 */
export interface Spans {
  /** Interned strings; other columns refer to them by index. */
  strings: string[];
  /** Source sites (await expressions, functions, sync calls): columns of equal length. */
  sites: {
    file: number[]; // string index
    line: number[];
    column: number[];
    label: number[]; // string index, e.g. "await fetchUser()"
  };
  /** Busy slices of each lane (merged runs of CPU samples). */
  slices: {
    lane: number[]; // index into report.lanes
    start: number[];
    end: number[];
    category: number[]; // index into SLICE_CATEGORIES
    /** Dominant user function of the slice (index into sites), or -1. */
    site: number[];
  };
  /**
   * Async waits (await start → settle) per lane. Typed arrays as the analyzer makes them, arrays
   * in JSON (analyzer/numberColumn.ts): read them by index.
   */
  asyncSpans: {
    lane: NumberColumn;
    site: NumberColumn;
    start: NumberColumn;
    /** When the awaited expression had been evaluated and the function suspended. */
    suspend: NumberColumn;
    end: NumberColumn;
    /** Per-lane invocation number of the async function that awaited; 0 if unknown. */
    invocation: NumberColumn;
    /** 1 if the await ended by a rejection. */
    rejected: NumberColumn;
  };
  /** Time series sampled on each lane's own clock tick (~10 ms). */
  lag: { lane: number[]; t: number[]; ms: number[] };
  /** Whole-run series in 10 ms buckets starting at 0. */
  series: {
    bucketMs: number;
    concurrency: number[]; // mean async operations in flight in the bucket (see Metrics.maxConcurrency)
    parallelism: number[]; // mean lanes on CPU in the bucket
    threadpoolRunning: number[];
    threadpoolQueued: number[];
    /** Mean HTTP requests in flight (server and client, all lanes); absent without requests. */
    requestsInFlight?: number[];
  };
  dropped: { asyncSpans: number; slices: number; lag: number; note?: string; /** HTTP requests counted but not kept in detail. */ requests?: number };
  /** HTTP requests (server and client) of every lane; absent when the program made none. */
  requests?: RequestSpans;
}

/**
 * HTTP requests as spans, struct-of-arrays (see analyzer/requests.ts). Server requests run from
 * when Node parsed the request's headers to when the response was handed to the OS; client
 * requests (`http.request`, `fetch`) from the request's creation to the end of the response.
 * Typed arrays as the analyzer makes them, arrays in JSON (analyzer/numberColumn.ts): read them by
 * index.
 */
export interface RequestSpans {
  lane: NumberColumn;
  /** 0: served by this lane, 1: made by this lane (client). */
  kind: NumberColumn;
  method: NumberColumn; // string index
  /**
   * Route pattern (Express's matched route, Fastify's as it published it) or path without the
   * query, its ID-like segments folded (`/item/:n`, `:uuid`, `:hex`, `:id`:
   * recorder/probe/pathTemplate.ts); for clients host + path, folded alike.
   */
  route: NumberColumn; // string index
  /** HTTP status; 0 if none (a client request that failed). */
  status: NumberColumn;
  start: NumberColumn;
  end: NumberColumn;
  /** 1 if a client request failed or a response did not finish normally. */
  error: NumberColumn;
  /**
   * Server requests (-1 for clients): CPU of the request's own first callback (its 'request'
   * handlers' synchronous run; an HTTP/2 stream's 'stream' event) plus, when its framework said
   * when its route handler ran (Fastify), that handler's first synchronous run; and CPU the loop
   * spent on other work during the request (an upper bound of the time it was queued behind that
   * work). Waiting = end - start - both.
   */
  ownMs: NumberColumn;
  queuedMs: NumberColumn;
  /**
   * Server requests: how long the loop had been busy without a break when Node read the
   * request, counted from the previous response on the same connection at most (the request
   * arrived during that time): an upper bound of its wait before `start`.
   */
  queuedBeforeMs: NumberColumn;
  /** Hottest user line of the other work (index into sites), or -1: computed for the slowest requests only. */
  blocker: NumberColumn;
}

/** Where a request's (or a route's tail) time went; see RequestSpans.ownMs. Estimated from CPU samples. */
export interface LatencyBreakdown {
  /** Requests the breakdown is the mean of (the route's slowest 1%, at least one). */
  requests: number;
  /** Mean latency: span + the wait before Node read the request (an upper bound, see RequestSpans.queuedBeforeMs). */
  totalMs: number;
  ownCpuMs: number;
  /** Includes queuedBeforeMs. */
  queuedMs: number;
  queuedBeforeMs: number;
  waitingMs: number;
  /** User lines the loop ran while the requests were queued, most time first (bounded). */
  queuedBehind: { location: SourceLocation; label: string; ms: number }[];
  /** E.g. "GET /dashboard p99 662 ms: 410 ms queued behind app.js:8 (roundTrip), 25 ms own CPU, 220 ms waiting (I/O, timers)". */
  text: string;
}

/** Per-route latency table (server requests by route, client requests by host + path). */
export interface RouteStat {
  kind: 'server' | 'client';
  method: string;
  route: string;
  laneIds: string[];
  /** Exact number of requests that finished. */
  count: number;
  /** Client failures and 5xx responses. */
  errors: number;
  /** Status codes of the requests kept in detail, most frequent first. */
  statuses: { status: number; count: number }[];
  /** Requests kept in detail (the percentiles are of these); < count past the probe's cap. */
  detailed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Server routes: where the slowest 1% of requests spent their time. */
  p99?: LatencyBreakdown;
  /**
   * Server routes: the user line the route's own CPU ran in most (its handler, or what it calls),
   * of those no other route's CPU ran in (a middleware runs for every route); none when every
   * line it ran in ran for other routes too.
   */
  handler?: SourceLocation;
}

export interface Report {
  schemaVersion: 1;
  program: ProgramSummary;
  lanes: Lane[];
  metrics: Metrics;
  findings: Finding[];
  spans: Spans;
  /** Sync I/O and other per-site aggregates the findings were built from. */
  sites?: SiteStat[];
  /** HTTP requests by route with latency percentiles and attribution; absent without requests. */
  routes?: RouteStat[];
  warnings: string[];
}

/** Per-site aggregate, kept for every instrumented site that ran (bounded by code size). */
export interface SiteStat {
  kind: 'await' | 'sync-io' | 'pool-call' | 'library-call';
  location: SourceLocation;
  label: string;
  laneId: string;
  count: number;
  totalMs: number;
  maxMs: number;
  /** Awaits of the site still waiting (on I/O, a timer, a promise nothing settles) when the thread's recording ended (additive, schema 1): what a program that hung, or was stopped, was waiting on. */
  pending?: number;
}

/**
 * Loop figures of an `await-in-loop` finding (additive, schema 1; declared apart from Finding
 * so it merges with it). `occurrences` counts runs of the loop; these count its iterations.
 */
export interface Finding {
  /** Mean iterations per run of the loop (await-in-loop only). */
  iterationsPerRun?: number;
  /** Iterations over all runs (await-in-loop only; scaled like `occurrences` when sampled). */
  iterations?: number;
  /**
   * 'cpu': `estimatedSavingsMs` is an upper bound set by the CPU the waits held, lower than the
   * measured Σ waits − the longest (await-in-loop, sequential-awaits; the detail gives the CPU
   * and the cores). Additive, schema 1.
   */
  savingsBound?: 'cpu';
  /**
   * sequential-awaits of chains (`r1 = await fetch(a); user = await r1.json()`, the same for `b`):
   * how many chains; its location and `related` are every await of them. Additive, schema 1.
   */
  chains?: number;
}
