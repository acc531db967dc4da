/**
 * The layout of the flat number records the probe writes and the analyzer reads: one module,
 * imported by both sides (the probe runtime is the writer; keep this file to constants only, it
 * is bundled into every probed thread).
 */

/** A span: SPAN.size float64s, at these offsets. t0/t1/t2 are the probe's performance.now() (report ms after threadModel). */
export const SPAN = {
  kind: 0,
  site: 1,
  /** Per-thread invocation number of the async function that awaited; 0 if none. */
  invocation: 2,
  /** Start (await: the awaited expression starts being evaluated). */
  t0: 3,
  /** Await: the function suspended (the awaited expression was evaluated); others: t0. */
  t1: 4,
  /** End (await: settled). */
  t2: 5,
  /** Await: 1 if rejected; lib: 1 if it did sync I/O. */
  flags: 6,
  size: 7,
} as const;

/** What a span records (`SPAN.kind`). For fs-sync spans `site` indexes the thread's fsSyncNames. */
export const SPAN_KIND = { await: 0, sync: 1, pool: 2, lib: 3, fsSync: 4 } as const;
export type SpanKind = keyof typeof SPAN_KIND;

/** What an instrumented source site is (a site table's `kind`), and its code in the probe runtime's typed arrays. */
export const SITE_KIND = { fn: 0, await: 1, combinator: 2, sync: 3, pool: 4, lib: 5 } as const;
export type SiteKind = keyof typeof SITE_KIND;

/** A lag tick: TICK.size numbers, at these offsets. */
export const TICK = {
  /** performance.now() of the tick (report ms after threadModel). */
  t: 0,
  /** How late the tick's timer fired. */
  lagMs: 1,
  /** Awaits of user code in flight. */
  awaits: 2,
  /** libuv thread-pool requests in flight. */
  poolRequests: 3,
  /** The thread's on-CPU ms; -1: unknown. */
  cpuMs: 4,
  size: 5,
} as const;

/** The lag timer's period: a tick is expected every TICK_MS. */
export const TICK_MS = 10;
