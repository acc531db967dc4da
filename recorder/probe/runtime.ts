import type { SiteTable } from './transform';
import { SPAN, SPAN_KIND, SITE_KIND, AWAIT_FLAG, type RawAggregates } from '../../analyzer/raw';
import { executionAsyncId } from 'node:async_hooks';
import { now } from './clock';
import { asOwnWork } from './ownTime';

/**
 * The probe runtime that instrumented code calls as `__cl$`. One per thread. Hot paths are
 * tiny and allocation-free except for one small object per async-function invocation.
 *
 * Timing is sampled per function: the first SAMPLE_ALL invocations of each async function
 * are timed, then one in 16, then one in 256 past the SAMPLE_HOT_FROM-th (sampleWeight). Counts
 * (occurrences, awaits in flight) are exact. Each timed call counts in the totals for the calls
 * of its stretch it stands for (its weight: 1, 16 or 256), so a function's first calls (cold
 * code, a cold cache, the first connections) weigh what they are, not a fifth of the sample.
 * Everything is kept in fixed-size aggregates per site plus a bounded buffer of detailed
 * spans, so memory stays bounded however many promises the program makes.
 *
 * Short names. The instrumenter (transform.ts) emits calls into this runtime in every
 * instrumented function, so the names it emits are kept to one or two letters (code size and
 * parse time in every profiled module). This is the one table of their meanings:
 *
 *   in emitted code (transform.ts's constant)
 *   __cl$   (H)   this runtime: globalThis[Symbol.for('concurrency-lens')]
 *   __clI$  (I)   the current async-function invocation (an Invocation), from `f`
 *   __clS$  (B)   the base id of the module's site table, from `load`; `__clS$+id` is a site id
 *   __clT$  (T)   the value an await resumed with, on its way to `e`: `(__clT$=await …,__cl$.e(__clI$,__clT$,__clT$=void 0))`
 *   __clE$        the exception rethrown by the catch tail around an async function body
 *
 *   runtime member                             called
 *   f(fn)                                      on entry of an async function → its Invocation
 *   k                                          counter: `++__cl$.k` as an await's operand starts
 *   o(inv, site, startedAt, t0, value)         an await's operand evaluated: the await begins
 *   o1(inv, site, startedAt, t0, value)        the same for Promise.all/allSettled/race/any
 *   w(inv, startedAt, iterable)                wraps a combinator's iterable to time each element
 *   e(inv, value)                              the await resumed with value (a third argument, the
 *                                              cleared temporary, is ignored)
 *   x(inv)                                     an exception leaves the async function, or a catch
 *                                              of it begins: a pending await rejected
 *   s(site, t0, value)                         a sync I/O call returned value: its time from its
 *                                              last argument's m, else from t0 (no argument)
 *   m(value)                                   a sync I/O call's arguments are evaluated (value: the last)
 *   p(site, value)                             a call that queues libuv thread-pool work returned
 *   n()                                        now (the probe clock, clock.ts)
 *   a(site, value)                             a call into a dependency has its arguments evaluated
 *                                              (value: the last; none: its callee's object or callee)
 *   l(site, value)                             that dependency call returned value
 *   fa(inv, site, iterable)                    a `for await` loop's iterable: each wait of the loop
 *                                              for its iterator's next result is an await of site
 *   lt(site, value)                            the same for a call handed a function of the file's
 *                                              (`limit(() => fetch(u))`): value is work it schedules
 *   t(startedAt, value)                        such a function returns value (startedAt: `k` before it
 *                                              was evaluated)
 *   ls / li / le(inv, loop)                    loop start / iteration start / loop end
 *   load(table)                                a module's site table (its ids start at the result)
 */

/** Every call of the first SAMPLE_ALL is timed (a multiple of 16 and of 256: the strides below then partition the calls). */
const SAMPLE_ALL = 1024;
const SAMPLE_MASK = 15; // then 1 in 16
/**
 * Past this many calls of a function (or of a dependency call site), 1 in 256. A timed call
 * costs ~140 ns more than an untimed one (two clock reads, its span): at 1 in 16, timing was ~8
 * of the ~33 ns the probe added to each call of a 10M-call promise storm, and left ~600k timed
 * awaits for the report to read and write. A function called that often still has over 5,000
 * timed calls.
 */
const SAMPLE_HOT_FROM = 65536;
const SAMPLE_HOT_MASK = 255;

/**
 * The stride of the stretch the n-th call of a function (or of a dependency call site) falls in:
 * 1 up to SAMPLE_ALL, 16 up to SAMPLE_HOT_FROM included, 256 after it. The strides partition the
 * calls (each stretch starts at a multiple of the next stride).
 */
function strideAt(n: number): number {
  return n <= SAMPLE_ALL ? 1 : n <= SAMPLE_HOT_FROM ? SAMPLE_MASK + 1 : SAMPLE_HOT_MASK + 1;
}

/** The weight of the n-th call if it is timed (every stride-th call is): the calls it stands for, its stride; else 0. */
function sampleWeight(n: number): number {
  const stride = strideAt(n);
  return (n & (stride - 1)) === 0 ? stride : 0;
}
/** Calls into dependencies shorter than this are not kept as spans (only counted and summed). */
const LIB_SPAN_MIN_MS = 1;
/** Entries that stack grows to before it starts again (only calls that threw, never popped, get it there). */
const LIB_STACK_MAX = 4096;

/** Task marks closer than this to the previous one are dropped (see `mark`). */
const TASK_MARK_GAP_MS = 1;
/**
 * A task mark reads the thread's CPU time only this long after the last mark that did (see `mark`):
 * a reading is a pread of /proc (~5 µs), and at one per mark it was the largest part of what
 * recording a request cost a saturated server (a mark every ms).
 */
export const MARK_CPU_GAP_MS = 4;
/** Bound on marks between two flushes (~100 ms apart: at most one per ms are kept anyway). */
const MAX_PENDING_MARKS = 4096;
/**
 * Spans held between two flushes, at most (0.9 MB). A full buffer is flushed (`onSpansFull`) and
 * reused: once at this size it is never grown nor copied again, so that a program making spans by
 * the hundred thousand does not churn megabytes of external memory (which brings V8's full
 * collections forward).
 */
export const SPAN_BUFFER = 16384;
/**
 * Spans the buffer holds at first (28 kB): it doubles, keeping its spans, up to SPAN_BUFFER, the
 * first time a thread makes more between two flushes (the lag tick's, every ~100 ms). Many threads
 * never do (a pool's workers, a launcher's children, a program timing fewer than ~5,000 awaits and
 * pool calls a second): each allocated the 0.9 MB as its probe started, 0.07–1.2 ms of a worker's
 * start (bench/workerStart.mjs).
 */
export const SPAN_BUFFER_FIRST = 512;
/** Promise.all batches up to this size have each element tracked until it settles; a bigger one, this many (see `w`). */
const TRACKED_ELEMENTS = 256;

/**
 * State of one async-function invocation (`__clI$`): three small integers, so that the
 * untimed invocations (all but the first 1024 and 1 in 16 or 256 of each function: sampleWeight) cost one small
 * allocation and a few field writes. What only timing needs lives in `s`.
 *
 * Fields are assigned in the constructor, not declared with initializers: class fields are
 * defined one by one (define semantics) before the constructor body runs, a cost on every async
 * call. The same shape either way: one hidden class for every Invocation (and every Timing).
 */
class Invocation {
  /** Site of the await this invocation is suspended at, or 0. */
  declare site: number;
  /**
   * The pending await waits on I/O, a timer or a thread itself (it started no other await): the
   * value of `loopTurns` when it began. -1 otherwise (it waits on other awaits).
   */
  declare since: number;
  /** Pending elements of the Promise.all being evaluated (see `w`). */
  declare elements: number;
  /** Timing state of a timed (sampled) invocation, else null: read by instrumented code as `__clI$.s`. */
  declare readonly s: Timing | null;
  constructor(s: Timing | null) {
    this.site = 0; this.since = -1; this.elements = 0; this.s = s;
  }
}

/** What a timed invocation keeps besides its Invocation (times are probe-clock ms). */
class Timing {
  /** The calls of its function this one stands for in the totals (sampleWeight). */
  declare readonly weight: number;
  /** Start of the pending await, and when a combinator's operand finished evaluating. */
  declare t0: number;
  declare t1: number;
  /** Invocation id in this thread's spans (0: none yet). */
  declare id: number;
  /** A combinator's await: the loop's turns, the waits on I/O resumed and the task marks when it began. */
  declare turns: number; declare resumes: number; declare marks: number;
  /** Sequential-group accumulators: next position, Σ waits, max wait. */
  declare gNext: number; declare gSum: number; declare gMax: number;
  /** A group of chains' accumulators (chainTimed), made at its first await. */
  declare chains: ChainTiming | null;
  declare loops: Record<number, LoopTiming | undefined> | null;
  constructor(weight: number) {
    this.weight = weight; this.t0 = 0; this.t1 = 0; this.id = 0; this.turns = 0; this.resumes = 0; this.marks = 0; this.gNext = 0; this.gSum = 0; this.gMax = 0; this.chains = null; this.loops = null;
  }
}

interface LoopTiming { iters: number; cur: number; sum: number; max: number }
/** Next position, Σ waits, the longest chain done, the chain under way, the last wait. */
interface ChainTiming { next: number; sum: number; longest: number; current: number; last: number }

/**
 * Schedules a microtask without queueMicrotask's cost (an AsyncResource and a bound function
 * per call): a reaction on a promise that is already resolved, with the `then` captured before
 * the program could replace it.
 */
/** ProbeRuntime.chained's values. */
const CHAINED = { continues: 1, encloses: 2 } as const;
/** ProbeRuntime.operand's values. */
const OPERAND = { io: 1, own: 2 } as const;
const resolved = Promise.resolve();
const promiseThen = Promise.prototype.then;
/** Captured at load, as `then` is: the program may replace it. */
const nextTick = process.nextTick;

/**
 * Adds reactions to the pending elements of a combinator's batch (`pending` of them):
 * `settledBy(n)` makes the handler of an element standing for `n`. One handler for the whole batch
 * (not a closure per element), added with the `then` captured at load: a Promise subclass's own
 * then() (or a patched one) never runs twice. A big batch (400 file reads gathered) has one element
 * in `stride` tracked, each standing for the next `stride` (the last for those left): at most
 * TRACKED_ELEMENTS reactions a batch.
 */
function reactToBatch(items: readonly unknown[], pending: number, settledBy: (n: number) => () => void): void {
  const stride = pending > TRACKED_ELEMENTS ? Math.ceil(pending / TRACKED_ELEMENTS) : 1;
  const settled = settledBy(stride);
  let seen = 0;
  for (const item of items) {
    if (!(item instanceof Promise)) continue;
    if (seen % stride === 0) {
      const handler = pending - seen >= stride ? settled : settledBy(pending - seen);
      promiseThen.call(item, handler, handler);
    }
    seen++;
  }
}

export class ProbeRuntime {
  // Site metadata, by site id.
  private kind: number[] = [0];
  private groupOf: number[] = [0];
  private groupPos: number[] = [0];
  private groupSize: number[] = [0];
  /** Groups of chains (RawSite.chain): the group, the position in it, its size, and whether the await goes on the chain of the one before it (CHAINED's values, else 0). */
  private chainGroupOf: number[] = [0];
  private chainPos: number[] = [0];
  private chainSize: number[] = [0];
  private chained: number[] = [0];
  private loopOf: number[] = [0];
  // Aggregates, by site / group / loop id.
  private count: number[] = [0];
  private sampledCount: number[] = [0];
  private sum: number[] = [0];
  private max: number[] = [0];
  private syncSum: number[] = [0];
  private leafSampled: number[] = [0];
  private leafSum: number[] = [0];
  private rejected: number[] = [0];
  /**
   * Waits on I/O (leaf awaits) in flight, by site: at the end, what the program was waiting on. Kept
   * where inFlight is, so an await that waits on nothing (`await null`, a storm's) costs nothing more.
   */
  private leafPending: number[] = [0];
  /**
   * What an await's operand is known to be, from its source: OPERAND.io, Node's promise I/O or a
   * timer's promise (RawSite.io), never a wrapper (demoteWrapper); OPERAND.own, the promise of an
   * async function of the program made before (RawSite.ownPromise), never a leaf (suspend).
   */
  private operand: number[] = [0];
  /** Some loaded site is OPERAND.own: `suspend` reads `operand` only then. */
  private anyOwnPromise = false;
  private fnCalls: number[] = [0];
  private gCount: number[] = [0];
  private gSum: number[] = [0];
  private gSave: number[] = [0];
  private lExecs: number[] = [0];
  private lIters: number[] = [0];
  private lSum: number[] = [0];
  private lSave: number[] = [0];

  inFlight = 0;
  maxInFlight = 0;
  private invocationIds = 0;

  // Bounded detail: spans since the last flush, kept 1 in `stride` once `spanBudget` is spent.
  private spans: Float64Array;
  /** The most spans the buffer grows to: SPAN_BUFFER, or the budget when it is smaller. */
  private readonly spanCap: number;
  private spanLen = 0;
  private spanBudget: number;
  private spanSeen = 0;
  private stride = 1;
  spansKept = 0;
  spansDropped = 0;

  private nextId = 1;

  constructor(maxSpans: number, private readonly onSpansFull: () => void,
    private readonly onTable: (base: number, table: SiteTable, text: string) => void) {
    this.spanBudget = maxSpans;
    this.spanCap = Math.max(1, Math.min(maxSpans, SPAN_BUFFER));
    this.spans = new Float64Array(Math.min(this.spanCap, SPAN_BUFFER_FIRST) * SPAN.size);
  }

  /**
   * Called by the first statement of every instrumented file with its site table, as its JSON
   * text (see transform.ts). Returns the file's id base (local id + base = id in this thread)
   * and reports the table with its text.
   */
  load(text: string): number {
    return asOwnWork(() => this.loaded.get(text) ?? this.loadTable(JSON.parse(text), text));
  }

  /**
   * Each table's base by its text. A file loaded again in this thread (a test runner's fresh
   * module registry per test file: jest `--runInBand` loads the code under test once per test
   * file) runs the same instrumented code: it keeps its first load's ids, so its sites are counted
   * together (four loads read as four findings at one line), and its table is not reported again.
   */
  private readonly loaded = new Map<string, number>();

  private loadTable(table: SiteTable, text: string): number {
    const base = this.nextId - 1;
    this.loaded.set(text, base);
    this.nextId += table.size;
    const ids = base + table.size;
    for (const arr of [this.kind, this.groupOf, this.groupPos, this.groupSize, this.chainGroupOf, this.chainPos, this.chainSize, this.chained, this.loopOf, this.count, this.sampledCount,
      this.sum, this.max, this.syncSum, this.leafSampled, this.leafSum, this.rejected, this.leafPending, this.operand, this.fnCalls,
      this.gCount, this.gSum, this.gSave, this.lExecs, this.lIters, this.lSum, this.lSave]) {
      while (arr.length <= ids) arr.push(0);
    }
    for (const s of table.sites) {
      const i = base + s.id;
      this.kind[i] = SITE_KIND[s.kind];
      this.groupOf[i] = s.group ? base + s.group : 0;
      this.groupPos[i] = s.groupPos;
      this.groupSize[i] = s.groupSize;
      if (s.chain) {
        this.chainGroupOf[i] = base + s.chain.group;
        this.chainPos[i] = s.chain.pos;
        this.chainSize[i] = s.chain.size;
        if (s.chain.chained) this.chained[i] = CHAINED[s.chain.chained];
      }
      this.loopOf[i] = s.loop ? base + s.loop : 0;
      if (s.io) this.operand[i] = OPERAND.io;
      else if (s.ownPromise) { this.operand[i] = OPERAND.own; this.anyOwnPromise = true; }
    }
    this.onTable(base, table, text);
    return base;
  }

  // ---- called by instrumented code -------------------------------------------------------

  /** Entry of an async function. */
  f(fn: number): Invocation {
    this.kAtResume = this.k;
    const weight = sampleWeight(++this.fnCalls[fn]);
    return new Invocation(weight !== 0 ? new Timing(weight) : null);
  }

  /** Counts awaits that started evaluating their operand (`++__cl$.k` in instrumented code). */
  k = 0;

  /**
   * A `for await` loop's iterable (`for await (const line of rl)`): each of the loop's waits for
   * its iterator's next result is an await of `site`, recorded as `o` and `e` record one (its
   * resume from a reaction added before the loop's own, so it runs just before the loop goes on;
   * the loop awaits the same promise, so a rejection is handled as it was). Returns an async
   * iterable over the same iterator, made when the loop asks for it: the iterator's `next` is read
   * once and called with no argument, and its `return` read when the loop closes it (a `break`),
   * as the loop itself does. A sync iterable (the loop then awaits each value: an array of
   * promises) is left as it is and not recorded: the report says so (syncForAwaits).
   */
  fa<T>(inv: Invocation, site: number, iterable: T): T {
    if (iterable == null) return iterable;
    const make = (iterable as any)[Symbol.asyncIterator];
    if (typeof make !== 'function') {
      if (make == null && typeof (iterable as any)[Symbol.iterator] === 'function') this.syncForAwait.add(site);
      return iterable;
    }
    const rt = this;
    const resumed = (r: unknown) => { rt.e(inv, r); };
    const rejected = () => { rt.x(inv); };
    return { [Symbol.asyncIterator]() {
      const it = make.call(iterable);
      // Not an object: the loop throws its own TypeError for it.
      if (it === null || (typeof it !== 'object' && typeof it !== 'function')) return it;
      const next = it.next;
      return {
        next() {
          const startedAt = ++rt.k;
          const t0 = inv.s !== null ? now() : null;
          const p = next.call(it);
          if (p instanceof Promise) {
            rt.o(inv, site, startedAt, t0, p);
            promiseThen.call(p, resumed, rejected);
          }
          return p;
        },
        get return() {
          const close = it.return;
          return close == null ? close : function () { return close.call(it); };
        },
      };
    } } as unknown as T;
  }

  /** `for await` sites that met a sync iterable (not recorded: fa). */
  private readonly syncForAwait = new Set<number>();

  /**
   * An await's operand has been evaluated; the function is about to suspend. `startedAt` is
   * the value of `k` when this await began, `t0` its start time (null when not sampled).
   */
  o<T>(inv: Invocation, site: number, startedAt: number, t0: number | null, value: T): T {
    const leaf = this.k === startedAt; // else the operand started other awaits: this one waits on them
    // An object may be a thenable: reading its `then` here would be a second read the program
    // can observe (the await reads it once), so only primitives are known to wait on nothing.
    if (leaf && (value === null || (typeof value !== 'object' && typeof value !== 'function'))) this.yieldOnly(inv, site, t0);
    else this.suspend(inv, site, t0, leaf);
    return value;
  }

  /** Like `o`, for Promise.all/race/…: also notes when the operand finished evaluating. */
  o1<T>(inv: Invocation, site: number, startedAt: number, t0: number | null, value: T): T {
    const s = inv.s;
    if (s !== null) { s.t1 = now(); s.turns = this.loopTurns; s.resumes = this.leafResumes; s.marks = this.markCalls; }
    const elements = inv.elements;
    inv.elements = 0;
    // Tracked elements are the operations, not the combinator's await itself.
    this.suspend(inv, site, t0, elements === 0 && this.k === startedAt);
    return value;
  }

  /**
   * An await of a primitive (`await null`, a sync function's number or undefined) waits for a
   * microtask only: no operation is in flight, however long other microtasks' work keeps it from
   * resuming (a limiter's CPU-bound tasks each `await null` while the others compute). It is user
   * code working on its own or a limiter's behalf all the same: combinator elements pending now
   * wrap user work, as when a wait on I/O starts (`suspend`).
   */
  private yieldOnly(inv: Invocation, site: number, t0: number | null): void {
    this.suspend(inv, site, t0, false);
    this.demoteWrapper();
    this.leafEpoch++;
    this.opaquePending = 0;
  }

  private suspend(inv: Invocation, site: number, t0: number | null, leaf: boolean): void {
    if (inv.site !== 0) this.settleRejected(inv); // the previous await threw and was caught
    inv.site = site;
    const s = inv.s;
    if (s !== null) s.t0 = t0!;
    // An async function's promise made before (OPERAND.own) is no wait on I/O either: it waits on that function's awaits.
    if (!leaf || (this.anyOwnPromise && this.operand[site] === OPERAND.own)) { inv.since = -1; return; }
    inv.since = this.loopTurns;
    this.demoteWrapper();
    this.leafPending[site]++;
    if (++this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    // A wait on I/O started: combinator elements pending now wrap user work (a limiter's
    // queue), not operations of their own.
    this.leafEpoch++;
    this.opaquePending = 0;
    // Remember this wait, and when the synchronous run that made it ends.
    this.lastLeaf = inv;
    this.lastLeafRun = this.syncRun;
    this.lastLeafMarks = this.markCalls;
    this.lastLeafResumes = this.leafResumes;
    if (!this.runEndQueued) { this.runEndQueued = true; promiseThen.call(resolved, this.endRun); }
  }

  /**
   * An await on a promise that user code settles (`await pMap(…)`, a limiter's slot) looks like a
   * wait on I/O when it suspends: its operand started no instrumented await synchronously. The
   * giveaway is what follows: in a later microtask of the same task (no task mark between, no
   * wait on I/O resumed, so nothing from outside resumed, and no callback of another task:
   * microtasksAnonymous), user code starts waiting on I/O on its behalf. That earlier await then
   * waits on user promises: it is not an operation in flight.
   * A wait on I/O that resumed in between (`leafResumes`) is a new task even when the loop's
   * turn was too short for a task mark (fs requests answered within a lag tick): without it, 16
   * workers over fs.promises each demoted the one before, and the run's mean concurrency read
   * 0.2 where the workers' awaits were pending 10 at a time.
   */
  private lastLeaf: Invocation | null = null;
  private lastLeafRun = 0;
  private lastLeafMarks = 0;
  private lastLeafResumes = 0;
  /** Waits on I/O (leaf awaits in flight) that resumed or were rejected so far. */
  private leafResumes = 0;
  private syncRun = 0;
  private runEndQueued = false;
  private markCalls = 0;
  private readonly endRun = () => { this.syncRun++; this.runEndQueued = false; this.microtasksAnonymous = executionAsyncId() === 0; };
  /**
   * Whether microtasks run with no async id of their own (executionAsyncId() 0), as read in
   * endRun, a microtask of ours: no promise hooks (async_hooks' promise tracking, Node 20's
   * AsyncLocalStorage) give them one. Then the callback of another task (a socket's data: a
   * WebSocket message, a frame of a TCP protocol) is told from a later microtask of the same
   * task: it runs with an id of its own, never 0. Without this, each WebSocket message handler's
   * `await sleep(5)` demoted the one before (no task mark or resume between them): 10 clients in
   * step read "concurrency max 3 · mean 0.14" where 500 waits of 5 ms filled 0.85 of the run.
   */
  private microtasksAnonymous = true;

  private demoteWrapper(): void {
    const w = this.lastLeaf;
    if (!w) return;
    this.lastLeaf = null;
    if (w.site === 0 || w.since < 0 || this.operand[w.site] === OPERAND.io || this.lastLeafRun === this.syncRun || this.lastLeafMarks !== this.markCalls || this.lastLeafResumes !== this.leafResumes) return;
    if (this.microtasksAnonymous && executionAsyncId() !== 0) return; // a task of its own, not a microtask of the wrapper's
    w.since = -1;
    this.inFlight--;
    this.leafPending[w.site]--;
  }

  /**
   * Combinator elements (see `w`) are operations in flight only while no user await on I/O
   * started since their batch: a limiter (p-limit, p-map, p-queue) wraps user async functions
   * whose own awaits are the operations, and starts the first of them right away (within a
   * few microtasks). `leafEpoch` counts such starts; `opaquePending` is the pending elements of
   * batches made since the last one; `elementsPending` all pending elements (waiting = queued).
   * A batch's peak is committed to maxInFlight by the next lag tick (`concurrencyNow`) if no
   * user await on I/O started in between.
   */
  private leafEpoch = 0;
  private opaquePending = 0;
  private elementsPending = 0;
  private peakCandidate = 0;
  private peakEpoch = -1;
  /** Most combinator elements ever waiting on user work beyond what was in flight. */
  maxQueued = 0;

  /**
   * HTTP requests this thread's servers are handling: operations in flight too (a server whose
   * handlers are synchronous awaits nothing, yet serves many requests at once). Hook for the
   * request recording: it calls `requestStarted()` when a request reaches its handler and
   * `requestEnded()` exactly once when its response finished or its connection closed.
   * A request waiting on its handler's awaits is one operation, not two: the thread counts the
   * larger of its awaits and its requests, never their sum (analyzer/concurrency.ts).
   */
  requestsInFlight = 0;
  requestStarted(t = now()): void {
    this.mark(t);
    if (++this.requestsInFlight > this.maxInFlight) this.maxInFlight = this.requestsInFlight;
  }
  requestEnded(): void {
    if (this.requestsInFlight > 0) this.requestsInFlight--;
  }

  /**
   * Awaits in flight now (leaf awaits, opaque combinator elements), for the lag ticks (TICK.awaits);
   * commits a batch's peak. Requests are not added: the analyzer has their exact times, and counts
   * a thread's requests only where they exceed its awaits (analyzer/concurrency.ts).
   */
  concurrencyNow(atTurn = true): number {
    // Elements waiting on user work (a limiter's queue) beyond what is in flight are queued. Only
    // judged at a turn of the loop: at the end of a CommonJS main script's synchronous run
    // (`atTurn` false: its process.nextTick, before its microtasks), a limiter's first tasks have
    // not started yet, and p-limit(4) over 40 read "+ 40 queued".
    const queued = this.elementsPending - this.opaquePending - this.inFlight - this.scheduledRunning;
    if (atTurn && queued > this.maxQueued) this.maxQueued = queued;
    if (this.peakCandidate > 0) {
      if (this.peakEpoch === this.leafEpoch && this.peakCandidate > this.maxInFlight) this.maxInFlight = this.peakCandidate;
      this.peakCandidate = 0;
    }
    // Scheduled work counts toward the most in flight here only (see t): never in a blip.
    const inFlight = this.inFlight + this.opaquePending + this.scheduledRunning;
    if (atTurn && inFlight > this.maxInFlight) this.maxInFlight = inFlight;
    return inFlight;
  }

  private peakQueued = false;
  private readonly queuePeak = () => { nextTick(this.takePeak); };
  private readonly takePeak = () => { this.peakQueued = false; this.notePeak(this.inFlight + this.opaquePending); };

  private notePeak(peak: number): void {
    if (this.peakEpoch !== this.leafEpoch) { this.peakCandidate = 0; this.peakEpoch = this.leafEpoch; }
    if (peak > this.peakCandidate) this.peakCandidate = peak;
  }

  /**
   * The iterable given to Promise.all/race/…, once evaluated. When evaluating it started no
   * instrumented await, nor did the synchronous run before it (the elements are plain promises:
   * http, fs.promises, timers…), each pending element is an operation in flight until it
   * settles. Returns an array with the same elements, which the combinator then consumes as it
   * would have consumed the iterable.
   */
  w<T>(inv: Invocation, startedAt: number, iterable: Iterable<T>): Iterable<T> {
    if (this.k !== startedAt || iterable == null || typeof (iterable as any)[Symbol.iterator] !== 'function') return iterable;
    const items = Array.isArray(iterable) ? iterable : Array.from(iterable);
    let pending = 0;
    for (const item of items) if (item instanceof Promise) pending++; // a thenable's then() must not run twice
    // Handles on work a dependency schedules (`limit(() => fetch(u))`): never operations themselves.
    if (this.anyScheduled && pending > 0 && this.scheduled.has(items.find((item) => item instanceof Promise) as object)) return this.scheduledBatch(inv, items, pending);
    if (startedAt !== this.kAtResume + 1) {
      // Awaits started in this synchronous run before the combinator's own: the elements may be
      // the promises of the program's async functions, made before it (`const ps = ids.map(getUser);
      // await Promise.all(ps)`), whose awaits are counted already (counted again, 10 sleeps read
      // 20; a 1000-call storm of `await null`, 1000). The combinator's await waits on them.
      inv.elements = pending;
      return items;
    }
    const t1 = inv.s !== null ? now() : 0;
    const weight = inv.s !== null ? inv.s.weight : 0;
    const epoch = this.leafEpoch;
    const settledBy = (n: number) => () => {
      this.elementsPending -= n;
      if (epoch !== this.leafEpoch) return; // it wrapped user work: not an operation of its own
      this.opaquePending -= n;
      if (t1 !== 0) this.elementWaitMs += (now() - t1) * weight * n;
    };
    reactToBatch(items, pending, settledBy);
    this.elementsPending += pending;
    this.opaquePending += pending;
    // The batch's peak, once every element that settles without waiting on anything has said so:
    // at the end of the microtasks under way (a tick queued from a microtask runs once they are
    // all done, before any I/O completes). Counted at once, 400 promises of async functions that
    // awaited nothing (`out.map(async (o) => zlib.gzipSync(…))`) read "concurrency max 400" for
    // work that never waited. Counted a microtask later, a timeout raced and then aborted
    // (`Promise.race([get(i), sleep(ms, v, { signal })])`, aborted in a `finally`) was still
    // pending when the next race began: one request at a time with its timer read "max 3".
    if (!this.peakQueued) { this.peakQueued = true; promiseThen.call(resolved, this.queuePeak); }
    inv.elements = pending;
    return items;
  }

  /** Σ time combinator elements were in flight (timed invocations, each times its weight), for mean concurrency. */
  elementWaitMs = 0;

  /**
   * Work the program hands a dependency to run when it sees fit: a limiter (p-limit, p-queue,
   * Bottleneck) starts `limit(() => fetch(u))` when a slot frees, a retrier (p-retry) at once.
   * The promise such a call returns (`lt`) is the program's handle on it, not an operation: 40
   * of them gathered for p-limit(4) read "concurrency max 40" beside "HTTP requests: max 4 in
   * flight". The operation is what the function returns once the dependency calls it (`t`): a
   * promise whose evaluation started no await of the program (an async function of its own
   * counts through its awaits). It is in flight until its handle settles: no reaction is added to
   * the function's own promise, which the dependency may leave unhandled (a rejection must stay
   * unhandled, as it was), while the handles are gathered, so handled, by the combinator (`w`).
   * Handles gathered are queued until their work starts. Scheduled work counts toward the most in
   * flight at the lag ticks only: a function whose promise was settled already (a cache) is not an
   * operation, though its handle settles a few microtasks later.
   */
  private readonly scheduled = new WeakSet<object>();
  private anyScheduled = false;
  /** Handles gathered and pending; of those, how many have their work running. */
  private scheduledPending = 0;
  private scheduledRunning = 0;
  /** Work started in this synchronous run with no gathered handle to stand for yet (a retrier's, before its handles are gathered). */
  private unclaimed = 0;
  private unclaimedResetQueued = false;
  /** Σ scheduledRunning over time (ms), up to `scheduledAt`. */
  private scheduledMs = 0;
  private scheduledAt = 0;
  private scheduledStarts = 0;

  lt<T>(site: number, value: T): T {
    if (value instanceof Promise) { this.scheduled.add(value); this.anyScheduled = true; }
    return this.l(site, value);
  }

  t<T>(startedAt: number, value: T): T {
    // A handle on work scheduled elsewhere (`() => limit(…)` handed on) is not work that starts.
    if (this.k !== startedAt || !(value instanceof Promise) || (this.anyScheduled && this.scheduled.has(value))) return value;
    this.scheduledStarts++;
    if (this.scheduledRunning < this.scheduledPending) {
      // User work started on the program's behalf, as when a wait on I/O starts (suspend).
      this.demoteWrapper();
      this.leafEpoch++;
      this.opaquePending = 0;
      this.setScheduledRunning(this.scheduledRunning + 1);
    } else {
      // No gathered handle to stand for it (yet): the await of its handle, if any, stays the
      // operation (`await pMap(items, (i) => get(i))`: demoted, it read "max 1 · mean 0").
      this.unclaimed++;
      if (!this.unclaimedResetQueued) { this.unclaimedResetQueued = true; promiseThen.call(resolved, this.resetUnclaimed); }
    }
    return value;
  }

  private readonly resetUnclaimed = () => { this.unclaimed = 0; this.unclaimedResetQueued = false; };

  private setScheduledRunning(n: number): void {
    const t = now();
    this.scheduledMs += this.scheduledRunning * (t - this.scheduledAt);
    this.scheduledAt = t;
    this.scheduledRunning = n;
  }

  /** A combinator's elements that are handles on scheduled work (see `lt`): queued until their work starts, which `t` counts. */
  private scheduledBatch<T>(inv: Invocation, items: T[], pending: number): T[] {
    const settledBy = (n: number) => () => {
      this.elementsPending -= n;
      this.scheduledPending -= n;
      const running = Math.max(0, Math.min(this.scheduledRunning - n, this.scheduledPending));
      if (running !== this.scheduledRunning) this.setScheduledRunning(running);
    };
    reactToBatch(items, pending, settledBy);
    this.elementsPending += pending;
    this.scheduledPending += pending;
    // Work a retrier started in this synchronous run, before its handles were gathered.
    const claimed = Math.min(this.unclaimed, this.scheduledPending - this.scheduledRunning);
    if (claimed > 0) { this.unclaimed -= claimed; this.setScheduledRunning(this.scheduledRunning + claimed); }
    inv.elements = pending;
    return items;
  }

  /** Σ time scheduled work was running (ms), up to now. */
  private scheduledMsNow(): number {
    return this.scheduledMs + (this.scheduledRunning > 0 ? this.scheduledRunning * (now() - this.scheduledAt) : 0);
  }

  /**
   * Times (probe clock) at which a new task may have begun on this thread: an HTTP request
   * reached its handler, an await on I/O or a timer resumed. The analyzer cuts busy stretches
   * of the CPU profile there, so back-to-back tasks are never read as one long block, and the
   * thread's on-CPU time read at the marks bounds the CPU of the tasks between them. Pairs (time,
   * on-CPU ms or -1), at most one per TASK_MARK_GAP_MS (a shorter task cannot block); drained by
   * the flush. A mark reads the CPU time when MARK_CPU_GAP_MS or more passed since the last one
   * that did (else -1: the tasks between two readings share their bound, see the analyzer's
   * blockingCpu partsCpu), so the mark after a task that ran that long or longer always has one.
   */
  taskMarks: number[] = [];
  /** Times the probe's lag timer ran: the event loop turned (a timers phase) since the last. */
  loopTurns = 0;
  private lastMark = -Infinity;
  private lastCpuMark = -Infinity;
  /** The thread's on-CPU ms (-1: unknown); set by the probe. */
  threadCpu: () => number = () => -1;

  /** A new task (a callback run by the event loop) may begin now; `cpu`: the thread's on-CPU ms, read by the caller. */
  mark(t = now(), cpu?: number): void {
    this.markCalls++;
    if (t - this.lastMark < TASK_MARK_GAP_MS) return;
    this.lastMark = t;
    if (this.taskMarks.length >= 2 * MAX_PENDING_MARKS) return;
    if (cpu === undefined) cpu = t - this.lastCpuMark >= MARK_CPU_GAP_MS ? this.threadCpu() : -1;
    if (cpu >= 0) this.lastCpuMark = t;
    this.taskMarks.push(t, cpu);
  }

  /** The await resumed with `value`. */
  e<T>(inv: Invocation, value: T): T {
    this.kAtResume = this.k;
    const site = inv.site;
    inv.site = 0;
    const s = inv.s;
    // A combinator that settled with no turn of the loop, no wait on I/O resumed and no new task
    // (a request, a response: a task mark) meanwhile: its work never waited.
    const flags = s !== null && this.kind[site] === SITE_KIND.combinator && s.turns === this.loopTurns && s.resumes === this.leafResumes
      && s.marks === this.markCalls ? AWAIT_FLAG.settledInTurn : 0;
    // A wait across a turn of the loop is resumed by a new task (the I/O or timer that settled
    // it); one within a turn (`await null` between chunks of CPU work, however long the thread
    // was descheduled) is the same task going on.
    if (inv.since >= 0) {
      this.inFlight--;
      this.leafPending[site]--;
      this.leafResumes++;
      if (inv.since !== this.loopTurns) this.mark();
    }
    this.count[site]++;
    if (s !== null) this.timed(inv, s, site, now(), flags);
    return value;
  }

  /** An exception is leaving the async function, or a catch block of it begins: a pending await, if any, was rejected. */
  x(inv: Invocation): void {
    this.kAtResume = this.k;
    if (inv.site !== 0) this.settleRejected(inv);
  }

  /**
   * `k` when an async function of the program was last entered (f), or an await of it last
   * resumed (e) or rejected into a catch (x): awaits that started since are of the synchronous run
   * under way, made by the code that now evaluates a combinator's iterable (see `w`). Without
   * the entry, a request handler's `await Promise.all([fetch(a), fetch(b)])` was not counted
   * whenever another handler had awaited since the last resume, as in any loaded server.
   */
  private kAtResume = 0;

  /**
   * When the last sync I/O call's arguments were evaluated (m). A sync call runs no code of the
   * program between its m and its s (Node's own fs, child_process, zlib and crypto functions), so
   * a call's s reads its own m: one from before its t0 is an earlier call's (this one has no
   * argument).
   */
  private argsEvaluatedAt = 0;

  m<T>(value: T): T {
    this.argsEvaluatedAt = now();
    return value;
  }

  /** A sync I/O call returned `value`: timed from its arguments' m, or from `t0` (read before the call, its arguments included) when it has none. */
  s<T>(site: number, t0: number, value: T): T {
    const t = now();
    if (this.argsEvaluatedAt >= t0) t0 = this.argsEvaluatedAt;
    const w = t - t0;
    this.count[site]++; this.sampledCount[site]++; this.sum[site] += w;
    if (w > this.max[site]) this.max[site] = w;
    this.pushSpan(SPAN_KIND.sync, site, 0, t0, t0, t, 0);
    return value;
  }

  /** A call that queues work on the libuv thread pool was made. */
  p<T>(site: number, value: T): T {
    this.count[site]++;
    const t = now();
    this.pushSpan(SPAN_KIND.pool, site, 0, t, t, t, 0);
    return value;
  }

  n(): number { return now(); }

  /** Sync fs calls so far, from any code (see countSyncFsCalls). */
  syncFsCalls = 0;

  /** A sync fs call (any code, not module loading): `name` indexes the probe's fs name table. */
  fsSync(name: number, t0: number): void {
    this.syncFsCalls++;
    this.pushSpan(SPAN_KIND.fsSync, name, 0, t0, t0, now(), 0);
  }
  /**
   * Calls into dependencies under way, innermost last: each one's site (negated when the call is
   * timed) and, for a timed call, its start (its arguments evaluated: `a`), the sync fs calls so
   * far then, and its weight. `a` pushes every call and its `l` pops it, so a call reads its own
   * entry however calls nest: a dependency calling back into the program, which calls it again
   * at the same site, or an await in a call's arguments, resumed when other calls have come and
   * gone (an entry is pushed after the awaits, and nothing awaits between a call's `a` and its
   * `l`). A call that throws never reaches its `l`: its entry stays above those of the calls
   * around it, and the first of them to return drops it (one of the same site takes it for its
   * own: a recursive call of that site threw, rare).
   */
  private libSite = new Int32Array(16);
  private libAt = new Float64Array(16);
  private libSync = new Float64Array(16);
  private libWeight = new Int32Array(16);
  private libDepth = 0;

  /**
   * The arguments of a call into a dependency at `site` are evaluated (`value`: the last one, or
   * with none the callee's object or the callee, passed through): the call starts now, and is
   * timed if its count says so.
   */
  a<T>(site: number, value: T): T {
    let d = this.libDepth;
    if (d === this.libSite.length) d = this.growLibStack();
    const weight = sampleWeight(++this.count[site]);
    if (weight === 0) this.libSite[d] = site;
    else { this.libSite[d] = -site; this.libWeight[d] = weight; this.libSync[d] = this.syncFsCalls; this.libAt[d] = now(); }
    this.libDepth = d + 1;
    return value;
  }

  /** The call into a dependency at `site` returned `value`. */
  l<T>(site: number, value: T): T {
    let d = this.libDepth - 1;
    let e = d >= 0 ? this.libSite[d] : 0;
    if (e === site) { this.libDepth = d; return value; }
    // Entries above this call's are of calls inside it that threw.
    while (e !== -site && e !== site && d > 0) e = this.libSite[--d];
    if (e !== -site && e !== site) { this.libDepth = 0; return value; } // its entry was dropped (see growLibStack)
    this.libDepth = d;
    if (e === site) return value;
    const t0 = this.libAt[d];
    const t = now();
    const w = t - t0;
    const weight = this.libWeight[d];
    this.sampledCount[site] += weight; this.sum[site] += w * weight;
    if (w > this.max[site]) this.max[site] = w;
    // Kept when long (CPU work to locate) or when it did sync file I/O (flags = 1).
    const didSyncIo = this.syncFsCalls !== this.libSync[d];
    if (w >= LIB_SPAN_MIN_MS || didSyncIo) this.pushSpan(SPAN_KIND.lib, site, 0, t0, t0, t, didSyncIo ? 1 : 0);
    return value;
  }

  /** The stack of dependency calls is full: doubled, or past LIB_STACK_MAX emptied. Returns the depth to push at. */
  private growLibStack(): number {
    const n = this.libSite.length;
    // Only calls that threw pile up this far (a loop catching them at top level).
    if (n >= LIB_STACK_MAX) return (this.libDepth = 0);
    const grow = <A extends Int32Array | Float64Array>(a: A): A => { const b = new (a.constructor as any)(2 * n) as A; b.set(a); return b; };
    this.libSite = grow(this.libSite); this.libAt = grow(this.libAt); this.libSync = grow(this.libSync); this.libWeight = grow(this.libWeight);
    return this.libDepth;
  }

  /** Loop start, iteration start, loop end (independent loops only). */
  ls(inv: Invocation, loop: number): void {
    const s = inv.s;
    if (s === null) return;
    (s.loops ??= {})[loop] = { iters: 0, cur: 0, sum: 0, max: 0 };
  }
  li(inv: Invocation, loop: number): void {
    const l = inv.s?.loops?.[loop];
    if (!l) return;
    if (l.iters > 0) this.closeIteration(l);
    l.iters++;
  }
  le(inv: Invocation, loop: number): void {
    const loops = inv.s?.loops;
    const l = loops?.[loop];
    if (!l) return;
    if (l.iters > 0) this.closeIteration(l);
    const weight = inv.s!.weight;
    this.lExecs[loop] += weight; this.lIters[loop] += l.iters * weight; this.lSum[loop] += l.sum * weight;
    if (l.iters >= 2) this.lSave[loop] += (l.sum - l.max) * weight;
    loops![loop] = undefined;
  }

  // ---- internals ---------------------------------------------------------------------------

  private closeIteration(l: LoopTiming): void {
    l.sum += l.cur;
    if (l.cur > l.max) l.max = l.cur;
    l.cur = 0;
  }

  /** A timed invocation's await at `site` resumed at t2 (`inv.since` still tells a leaf await). */
  private timed(inv: Invocation, s: Timing, site: number, t2: number, flags: number): void {
    const t0 = s.t0;
    const w = t2 - t0;
    const weight = s.weight;
    this.sampledCount[site] += weight;
    this.sum[site] += w * weight;
    if (w > this.max[site]) this.max[site] = w;
    if (inv.since >= 0) { this.leafSampled[site] += weight; this.leafSum[site] += w * weight; }
    const kind = this.kind[site];
    if (kind === SITE_KIND.combinator) this.syncSum[site] += (s.t1 - t0) * weight;
    const g = this.groupOf[site];
    if (g !== 0) {
      const pos = this.groupPos[site];
      if (pos === 0) { s.gNext = 1; s.gSum = w; s.gMax = w; }
      else if (s.gNext === pos) { s.gNext++; s.gSum += w; if (w > s.gMax) s.gMax = w; }
      else s.gNext = -1; // out of order (an await in between threw): drop this invocation
      if (s.gNext === this.groupSize[site]) {
        this.gCount[g] += weight; this.gSum[g] += s.gSum * weight; this.gSave[g] += (s.gSum - s.gMax) * weight; s.gNext = -1;
      }
    }
    const c = this.chainGroupOf[site];
    if (c !== 0) this.chainTimed(s, site, c, w, weight);
    const loop = this.loopOf[site];
    if (loop !== 0) { const l = s.loops?.[loop]; if (l) l.cur += w; }
    if (s.id === 0) s.id = ++this.invocationIds;
    this.pushSpan(SPAN_KIND.await, site, s.id, t0, kind === SITE_KIND.combinator ? s.t1 : t0, t2, flags);
  }

  /**
   * A group of chains (RawGroup.chains): each chain's waits add up, and gathered, the longest
   * chain would set the pace. An await around the one before it (CHAINED.encloses) waited through
   * it: only its own part adds.
   */
  private chainTimed(s: Timing, site: number, c: number, w: number, weight: number): void {
    const pos = this.chainPos[site];
    let ch = s.chains;
    // One per timed invocation: a group run again (a loop's body) starts it over.
    if (pos === 0) {
      if (ch === null) ch = s.chains = { next: 1, sum: w, longest: 0, current: w, last: w };
      else { ch.next = 1; ch.sum = w; ch.longest = 0; ch.current = w; ch.last = w; }
    }
    else if (ch !== null && ch.next === pos) {
      ch.next++;
      const chained = this.chained[site];
      const own = chained === CHAINED.encloses ? w - ch.last : w;
      ch.sum += own;
      if (chained !== 0) ch.current += own;
      else { if (ch.current > ch.longest) ch.longest = ch.current; ch.current = w; }
      ch.last = w;
    } else { if (ch !== null) ch.next = -1; return; } // out of order (an await in between threw): dropped
    if (ch.next === this.chainSize[site]) {
      const longest = ch.current > ch.longest ? ch.current : ch.longest;
      this.gCount[c] += weight; this.gSum[c] += ch.sum * weight; this.gSave[c] += (ch.sum - longest) * weight; ch.next = -1;
    }
  }

  private settleRejected(inv: Invocation): void {
    const site = inv.site;
    inv.site = 0;
    if (inv.since >= 0) { this.inFlight--; this.leafPending[site]--; this.leafResumes++; }
    this.count[site]++;
    this.rejected[site]++;
  }

  private pushSpan(kind: number, site: number, inv: number, t0: number, t1: number, t2: number, flags: number): void {
    this.spanSeen++;
    if (this.spansKept >= this.spanBudget && this.spanSeen % this.stride !== 0) { this.spansDropped++; return; }
    if ((this.spanLen + 1) * SPAN.size > this.spans.length && !this.growSpans()) {
      this.onSpansFull(); // the probe flushes: takeSpans() empties the buffer
      if (this.spanLen > 0) { this.spansDropped++; return; }
    }
    const o = this.spanLen * SPAN.size;
    const a = this.spans;
    a[o + SPAN.kind] = kind; a[o + SPAN.site] = site; a[o + SPAN.invocation] = inv;
    a[o + SPAN.t0] = t0; a[o + SPAN.t1] = t1; a[o + SPAN.t2] = t2; a[o + SPAN.flags] = flags;
    this.spanLen++;
    if (++this.spansKept >= this.spanBudget) this.thinOut();
  }

  /** Doubles the span buffer, keeping its spans, unless it holds spanCap already: then false. */
  private growSpans(): boolean {
    const cap = this.spanCap * SPAN.size;
    if (this.spans.length >= cap) return false;
    const grown = new Float64Array(Math.min(cap, 2 * this.spans.length));
    grown.set(this.spans.subarray(0, this.spanLen * SPAN.size));
    this.spans = grown;
    return true;
  }

  /** Past the budget, spans are kept 1 in 16, then half as often each time as many again were kept. */
  private thinOut(): void {
    if (this.spansKept === this.spanBudget) this.stride = 16;
    else if (this.spansKept % this.spanBudget === 0) this.stride *= 2;
  }

  /**
   * Takes the spans recorded since the last call: SPAN.size float64 each, as raw bytes. The bytes
   * are a view of the runtime's buffer, valid until the next span is recorded: write them at once.
   */
  takeSpans(): Uint8Array {
    const out = new Uint8Array(this.spans.buffer, 0, this.spanLen * SPAN.size * 8);
    this.spanLen = 0;
    return out;
  }

  /**
   * A number that changes whenever something was recorded that a flush would write (an await
   * began, a span was seen, a task mark, an invocation timed, a sync fs call, a module's sites):
   * equal readings mean nothing new. A few field reads: the probe compares it at every safe point.
   */
  changes(): number {
    return this.k + this.spanSeen + this.markCalls + this.invocationIds + this.syncFsCalls + this.nextId + this.requestsInFlight + this.scheduledStarts;
  }

  aggregates(): RawAggregates {
    return {
      site: { count: this.count, sampled: this.sampledCount, sum: this.sum, max: this.max, syncSum: this.syncSum,
        leafSampled: this.leafSampled, leafSum: this.leafSum, rejected: this.rejected, pending: this.leafPending },
      fnCalls: this.fnCalls,
      group: { count: this.gCount, sum: this.gSum, save: this.gSave },
      loop: { execs: this.lExecs, iters: this.lIters, sum: this.lSum, save: this.lSave },
      maxInFlight: (this.concurrencyNow(), this.maxInFlight),
      maxQueued: this.maxQueued,
      elementWaitMs: this.elementWaitMs + this.scheduledMsNow(),
      ...(this.syncForAwait.size > 0 ? { syncForAwaits: [...this.syncForAwait] } : {}),
      spansKept: this.spansKept,
      spansDropped: this.spansDropped,
    };
  }
}
