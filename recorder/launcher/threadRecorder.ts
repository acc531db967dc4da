import type { CpuProfile, TraceEvent, ThreadCpuReading } from '../../analyzer/raw';
import { CHUNK_MS_AT, EXIT_BINDING, endedAtExit, BEFORE_END_BINDING, RELEASE_BEFORE_END, type BeforeEnd, RELEASE_START, RELEASE_EXIT, releaseExpression, PROFILE_CHUNK_PREFIX, profileChunkExpression, titleReading, FIRST_CHUNK_START_EXPRESSION, FIRST_CHUNK_END_EXPRESSION, COVERAGE_REFUSAL, SWITCH_ARM_EXPRESSION, SWITCH_DISARM_EXPRESSION, SWITCH_STATUS_EXPRESSION, SWITCH_START_EXPRESSION } from '../probeOptions';
import type { SwitchSeams } from '../probe/loopSwitch';
import { Target, WorkerTarget, bounded } from './target';
import { debugLog } from './debugLog';
import { NO_OP_COMMAND } from './promptAcks';
import { measureOff } from '../measureOff';
import { SamplingPolicy, coarserFactor, type CoarserReason } from './samplingPolicy';
import { ChunkPacing } from './chunkPacing';
import { workerThreadId } from './workerThreadId';
import type { SeamReading } from '../probeOptions';

/**
 * Trace categories: crypto/zlib jobs on the thread pool (few, heavy operations). fs and dns
 * pool requests are counted by the probe instead (a trace event per fs request costs ~40% on
 * fs-heavy programs), and so are sync fs calls (the probe knows its own I/O from the program's).
 */
const TRACE_CATEGORIES = ['node.threadpoolwork.async', 'node.threadpoolwork.sync'];

export interface RecorderHooks {
  /** Sampling interval for a thread starting now (coarser when many threads are alive). */
  samplingIntervalUs(): number;
  /** Machine cores (the sampling policy: see samplingPolicy.ts). */
  readonly cores: number;
  /** Whether a thread's sampling may be made coarser by the policy (not when the user chose an interval). */
  readonly adaptiveSampling: boolean;
  /**
   * A thread's sampling interval changed to `intervalUs` at CLOCK_MONOTONIC `hrUs` (its samples are
   * that much sparser from then on), `why`; the switch held its event loop `pausedUs` (at its loop).
   */
  samplingChanged(pid: number, tid: number, intervalUs: number, hrUs: number, why: CoarserReason, pausedUs?: number): void;
  /** How many HTTP requests the thread began since its sampling changed, as of its latest seam (called at each seam after the change). */
  requestsSinceChange?(pid: number, tid: number, requests: number): void;
  /** How long each streamed CPU profile chunk of a thread lasts at least now (longer when many threads are alive; a busy thread's grow: chunkPacing.ts). */
  chunkIntervalMs(): number;
  /** A recorded thread started or ended (for the live count). */
  threadAlive(delta: 1 | -1): void;
  status(message: string): void;
  /** One chunk of a thread's CPU profile (chunks of a thread do not overlap in samples, and may come out of order). */
  profileChunk(pid: number, tid: number, profile: CpuProfile): void;
  /** The thread's on-CPU time read at a chunk seam. */
  threadCpu(pid: number, tid: number, reading: ThreadCpuReading): void;
  warn(message: string): void;
  /**
   * The thread is being recorded (profiler started, it runs): called once per thread, awaited
   * before the first profile chunk rotation. The attach recorder injects its agent here.
   */
  threadStarted?(target: Target, pid: number, tid: number): Promise<void>;
  /**
   * A recorded thread is about to send `signal`, which ends a process by default, to `pid` as
   * kill(2) takes it (below -1: a process group; recorder/probe/beforeEnds.ts): resolves once the
   * recorded processes it reaches have streamed out what they ran so far (ThreadRecorder.seamBeforeSignal),
   * to how many.
   */
  beforeSignal?(pid: number, signal: string): Promise<number>;
}

/**
 * A worker whose probe seams itself is rotated by the recorder only this many of its paces after
 * the last seam seen (the probe's own come at 0.85 of a pace, at its next check point: a message,
 * a wait, a lag tick): a thread whose check points come up to ~40 ms apart (a pool's short tasks
 * on a crowded machine) makes every seam itself. What it loses when it ends abruptly is at most
 * that long.
 */
const OWN_SEAM_SLACK = 1.25;

/** How long a switch of the sampling interval waits for the thread to reach its event loop before it is tried again at the next rotation. */
const ARM_WAIT_MS = 1000;
/** How long an announced worker's attachment is awaited at most (see expectWorker). */
const WORKER_ATTACH_WAIT_MS = 250;
/** A switch polls the thread every 1, 2, 4… ms up to this (the longest its loop is held by a switch on an unloaded machine). */
const MAX_POLL_MS = 8;
/** How many times a switch not made (the thread's loop not reached in time, or its wait ran out) is tried: each try holds the loop up to the probe's wait limit. */
const MAX_SWITCH_TRIES = 3;
/** Has a thread's probe write the records it has (its runtime's flush). */
const FLUSH_EXPRESSION = `globalThis[Symbol.for('concurrency-lens')]?.flush?.()`;
/**
 * A thread gone within this long of a seam made before its process was signalled, with no chunk
 * since, is taken as ended by that signal: what ran after the seam is not recorded, as for a
 * terminate()d worker after its collection, and it is not reported as an abrupt end. The time is
 * the recorder's, from sending the seam to seeing the thread gone: the signalling thread's release and
 * kill(), the signal, the connection's close (a few ms; more on a loaded machine, where the
 * recorder itself waits for a core). A thread that runs on after the signal (a SIGTERM handler)
 * has its next chunk end at the base interval (~100 ms; a busy worker's probe may make it longer,
 * up to 1 s), so that a chunk comes in between.
 */
const SIGNALLED_END_MS = 1000;
/**
 * The longest a kill() is held for its seam (the probe's own limit is 1 s). A process blocked in
 * a synchronous call (a pipe read, an execSync whose output it captures) handles no inspector
 * command until the call returns, and a test runner's timeout may be killing it for just that: it
 * is signalled after this long, and its last chunk is lost and stated as such. A seam takes ~3–30
 * ms on a loaded 2-core machine.
 */
const SIGNAL_SEAM_WAIT_MS = 250;

/**
 * Records one thread over CDP: starts the CPU profiler before any user code runs (the
 * thread waits for us), follows its workers, and streams the CPU profile out in chunks of
 * ~100 ms, up to 1 s while the thread is busy (see the probe's profileChunk and chunkPacing.ts),
 * so a thread that ends abruptly (terminate(), SIGKILL, SIGTERM) loses only its last chunk. The last chunk is collected when the thread
 * announces its exit (the probe calls the exit binding and waits) or when the run is stopped.
 * The main thread of a process also records thread-pool trace events.
 */
export class ThreadRecorder {
  private collected = false;
  /** The chunk being recorded: 0 is the recorder's own Profiler.start (an attached process), n > 0 console profile n (chunk 1 is started by the recorder: see start). */
  private chunk = 0;
  private chunksReceived = 0;
  /** Rotations and the final collection, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private rotationTimer: NodeJS.Timeout | null = null;
  /** Set once the thread runs under the profiler (start() done): chunks rotate from then on. */
  private running = false;
  /**
   * start() in progress, then done. The thread runs once it has handled the last start command
   * (its release), before we have read the answers: a thread it started may signal it meanwhile
   * (seamNow waits for this).
   */
  private starting: Promise<void> | undefined;
  /**
   * The last seam made because the process was about to be signalled (seamBeforeSignal): when its
   * command was sent (performance.now()), the signal, and how many chunks had arrived once it was
   * made (a chunk since means a seam since).
   */
  private signalSeam: { sentAt: number; signal: string; chunks: number } | undefined;
  private readonly workers = new Map<string, { target: WorkerTarget; recorder: ThreadRecorder | null }>();
  readonly traceEvents: TraceEvent[] = [];
  private tracing = false;
  private tracingDone: Promise<void> | null = null;

  private intervalUs = 0;
  private readonly policy: SamplingPolicy;
  private readonly pacing: ChunkPacing;
  /** Set when the next rotation should sample less often, and why (see samplingPolicy.ts). */
  private coarsen: CoarserReason | undefined;
  /** Switches armed so far (see rotateAtLoop). */
  private switchTries = 0;
  /** Set once this thread samples less often because of its process's pool (see startsCoarser). */
  private poolCoarsened = false;
  private isProcessMain = false;
  /**
   * A worker with the probe makes most of its seams itself (the probe's startOwnChunks): we tell
   * it our pace with each rotation, and rotate only when no seam came for OWN_SEAM_SLACK paces.
   * The pace it was last told, and when we last saw a chunk of it start (performance.now()).
   */
  private readonly seamsItself: boolean;
  /** A worker with the probe: its own seams' readings come in its chunks' titles (also with `ownSeams` off, for measurement). */
  private readonly probeSeams: boolean;
  private toldPaceMs: number | undefined;
  private seamSeenAt = -Infinity;
  /** How long the probe's chunk in progress lasts, from its last seam's reading (CHUNK_MS_AT: a busy worker's grow); 0 until one says. */
  private probeChunkMs = 0;
  /** Seams: our rotations, the probe's own (announced in a chunk's title), and our rotations left to the probe (CL_DEBUG). */
  private readonly seams = { recorder: 0, probe: 0, leftToProbe: 0 };

  /**
   * `startsCoarser`: a worker whose process was already switched to coarser sampling for its
   * thread pool's load (the pool is the process's, shared by every thread) starts at the coarser
   * interval. A worker is never switched mid-run: the switch needs a seam with no profile running
   * (V8 takes a new interval only then), and for a worker that seam's commands are relayed one
   * by one through its process's main thread: on a loaded machine it lasted ~200 ms, its samples
   * were lost, and V8's profiler, started anew, left the code already running unattributed
   * (`(program)`): a test's 100 ms CPU block that spanned it was not found
   * (cli/testRunners.test.mjs, vitest --pool=threads). Pools start workers by the dozen, so most
   * start after the switch.
   *
   * `threadsLoadProbe`: the process and its workers load the probe (a profiled run: NODE_OPTIONS),
   * so a thread's first chunk is a console profile its probe takes over (FIRST_CHUNK_START_EXPRESSION:
   * the probe can then end its chunks itself, as a thread blocked in a hand-over must: handOver.ts);
   * an attached process and its workers have no probe, and start with the recorder's Profiler.start.
   */
  constructor(readonly target: Target, readonly pid: number, readonly tid: number, private readonly hooks: RecorderHooks,
    private readonly startsCoarser = false, private readonly threadsLoadProbe = true, chunksGrow = true, private consoleless = false) {
    this.policy = new SamplingPolicy(hooks.cores, `pid ${pid} thread ${tid}`);
    // A busy thread's chunks grow, but not a worker's without the probe (`chunksGrow` false: an
    // attached process's: no terminate() of it waits for its collection); every thread's grow while idle.
    this.pacing = new ChunkPacing(() => hooks.chunkIntervalMs(), chunksGrow);
    this.probeSeams = tid > 0 && threadsLoadProbe;
    this.seamsItself = this.probeSeams && !measureOff('ownSeams');
  }

  start(isProcessMain: boolean): Promise<void> {
    this.starting ??= this.startOnce(isProcessMain);
    return this.starting;
  }

  private async startOnce(isProcessMain: boolean): Promise<void> {
    this.isProcessMain = isProcessMain;
    this.intervalUs = this.hooks.samplingIntervalUs() * (this.startsCoarser ? coarserFactor('pool') : 1);
    if (this.startsCoarser) {
      this.poolCoarsened = true;
      this.hooks.samplingChanged(this.pid, this.tid, this.intervalUs, Number(process.hrtime.bigint() / 1000n), 'pool');
    }
    const t = this.target;
    t.on('Runtime.bindingCalled', (p) => {
      if (p.name === EXIT_BINDING) {
        const ended = endedAtExit(p.payload);
        if (ended) this.endedByProbe(ended); else void this.collectAndRelease();
      }
      else if (p.name === BEFORE_END_BINDING) void this.beforeEnd(p.payload);
    });
    t.on('NodeWorker.attachedToWorker', (p) => {
      const expected = this.workersExpected.shift();
      // Node's own threads count only for an expectation: the probe's ESM hooks thread starts before it watches for workers.
      if (expected) expected(); else if (!String(p.workerInfo?.url).startsWith('node:internal/')) this.attachesAhead++;
      void this.attachWorker(p);
    });
    t.on('NodeWorker.receivedMessageFromWorker', (p) => this.workers.get(p.sessionId)?.target.receive(p.message));
    t.on('NodeWorker.detachedFromWorker', (p) => { this.workers.get(p.sessionId)?.target.detached(); });
    if (this.probeSeams) {
      t.on('Profiler.consoleProfileStarted', (p) => {
        if (!String(p.title).startsWith(PROFILE_CHUNK_PREFIX)) return;
        this.seamSeenAt = performance.now();
        const reading = titleReading(String(p.title));
        if (!reading) return;
        this.seams.probe++;
        this.probePaced(reading);
        this.requestsSeen(reading);
        if (reading[0] >= 0) this.hooks.threadCpu(this.pid, this.tid, { cpuMs: reading[0], hrUs: reading[1] });
      });
    }
    t.on('Profiler.consoleProfileFinished', (p) => {
      if (!String(p.title).startsWith(PROFILE_CHUNK_PREFIX)) return;
      this.chunkReceived(p.profile);
      this.wakeSwitch?.();
    });
    if (isProcessMain) {
      t.on('NodeTracing.dataCollected', (p) => { for (const e of p.value ?? []) this.traceEvents.push(e); });
      // A process that ends without running JS (it killed itself: process.kill(process.pid))
      // waits for the debugger to disconnect: that is our cue to collect, then hang up.
      t.on('NodeRuntime.waitingForDisconnect', () => {
        this.processWaits();
        if (!this.releasing) void this.flushProbes().then(() => this.collectAndRelease());
      });
    }
    // CDP handles a target's commands in order: send them all at once (one round trip, not
    // six: each costs a trip through the main thread for a worker), then let the thread run.
    const tracing = isProcessMain && !measureOff('tracing')
      ? t.send('NodeTracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES } })
        .then(() => { this.tracing = true; }, (e) => this.hooks.warn(`thread-pool tracing unavailable in pid ${this.pid}: ${e.message}`))
      : Promise.resolve();
    // A thread's first chunk is one its probe can end itself (see FIRST_CHUNK_START_EXPRESSION):
    // a worker's, and a process's main thread's, where the probe loads (it arrived and announced).
    const consoleFirstChunk = this.threadsLoadProbe && !this.consoleless;
    if (consoleFirstChunk) this.chunk = 1;
    await Promise.all([
      t.send('Runtime.addBinding', { name: EXIT_BINDING }),
      this.threadsLoadProbe ? t.send('Runtime.addBinding', { name: BEFORE_END_BINDING }).catch(() => undefined) : undefined,
      t.send('Profiler.enable'),
      t.send('Profiler.setSamplingInterval', { interval: this.intervalUs }),
      consoleFirstChunk
        // Should V8's console not take it, the recorder's own Profiler.start is chunk 0 as in a main thread.
        ? t.send('Runtime.evaluate', { expression: FIRST_CHUNK_START_EXPRESSION }).then((r) => {
          if (!r?.exceptionDetails) return;
          const why = r.exceptionDetails.exception?.description ?? r.exceptionDetails.text;
          debugLog(`${this.describe()}: the first chunk could not be started as a console profile (${why})`);
          this.chunk = 0;
          if (String(why).includes(COVERAGE_REFUSAL)) this.coverageFound();
          return t.send('Profiler.start');
        })
        : t.send('Profiler.start'),
      tracing,
      t.send('NodeWorker.enable', { waitForDebuggerOnStart: true }).catch(() => undefined),
      isProcessMain ? t.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true }).then(() => { this.notifiesAtDisconnect = true; }, () => undefined) : undefined,
      // A worker waits for runIfWaitingForDebugger (waitForDebuggerOnStart), a process's probe for its release.
      isProcessMain ? t.send('Runtime.evaluate', { expression: releaseExpression(RELEASE_START) }) : t.send('Runtime.runIfWaitingForDebugger'),
    ]);
    await this.hooks.threadStarted?.(t, this.pid, this.tid);
    this.running = true;
    this.scheduleRotation();
  }

  /**
   * The process collects V8 coverage (COVERAGE_REFUSAL): its threads' CPU profiles are one chunk
   * each, which the report says (an abrupt end loses it; its sampling is never made coarser).
   */
  private coverageFound(): void {
    this.consoleless = true;
    this.hooks.warn(`pid ${this.pid} collects V8 coverage (NODE_V8_COVERAGE): its CPU profile was recorded in one piece, not streamed (streaming would disturb the coverage), so it is lost if the process ends abruptly, and its sampling interval stays as it began`);
  }

  private chunkReceived(profile: CpuProfile): void {
    this.chunksReceived++;
    this.hooks.profileChunk(this.pid, this.tid, profile);
  }

  /** `atBase`: the next chunk lasts the base interval (after a seam before a signal: see SIGNALLED_END_MS). */
  private scheduleRotation(atBase = false): void {
    if (this.collected) return;
    // A decided switch to coarser sampling is made at the base interval, not after a chunk that
    // grew while the thread was busy (up to 1 s: a short load test would end before it).
    const ms = this.pacing.next(atBase || this.coarsen !== undefined);
    this.armRotation(ms, performance.now());
  }

  /** How long after the last seam we rotate a thread whose chunks are `ms` long: OWN_SEAM_SLACK times the probe's chunk (at least `ms`) where the probe seams itself. */
  private rotationDelay(ms: number): number {
    return this.leavesSeamsToProbe() ? Math.max(ms, this.probeChunkMs) * OWN_SEAM_SLACK : ms;
  }

  /** Keeps how long the probe's chunk that starts at this seam lasts, when the reading says (a worker's: CHUNK_MS_AT). */
  private probePaced(reading: SeamReading): void {
    const ms = reading[CHUNK_MS_AT];
    if (typeof ms === 'number' && ms > 0) this.probeChunkMs = ms;
  }

  /** Whether this worker's probe makes its seams itself at our pace (it was told the pace in use). */
  private leavesSeamsToProbe(): boolean {
    return this.seamsItself && this.toldPaceMs === this.hooks.chunkIntervalMs();
  }

  /**
   * Rotates `ms` after `from`; in a worker whose probe seams itself (leavesSeamsToProbe), not if
   * one of its chunks started since `from`: then `ms` after that start.
   */
  private armRotation(ms: number, from: number): void {
    if (this.rotationTimer) clearTimeout(this.rotationTimer); // one timer (a seam before a signal re-arms it)
    this.rotationTimer = setTimeout(() => {
      if (this.collected) return;
      if (this.seamSeenAt > from && this.leavesSeamsToProbe()) {
        this.seams.leftToProbe++;
        this.armRotation(ms, this.seamSeenAt);
        return;
      }
      this.queue = this.queue.then(() => this.rotate()).catch(() => undefined).finally(() => this.scheduleRotation());
    }, Math.max(0, from + this.rotationDelay(ms) - performance.now()));
    this.rotationTimer.unref();
  }

  /**
   * Starts the next chunk, then ends the current one (the ended chunk arrives as
   * Profiler.consoleProfileFinished, or as Profiler.stop's answer for chunk 0). A thread whose
   * probe has not loaded (yet) keeps its current chunk. `prompt`: the thread is waited for (a
   * seam before a signal), so the answers are not lazy and no switch of the interval is made.
   */
  private async rotate(prompt = false): Promise<boolean> {
    if (this.collected || this.consoleless) return false;
    if (this.coarsen && this.chunk > 0 && !prompt) { await this.rotateAtLoop(); return false; }
    const next = this.chunk + 1;
    // Lazy answers (PromptAcks): the thread runs on meanwhile. A collection waits for this
    // rotation: it hurries what is in flight, and what is sent after it began is not lazy (no
    // collection has begun here: checked above, nothing awaited since).
    const pace = this.seamsItself ? this.hooks.chunkIntervalMs() : undefined;
    const r = await this.target.send('Runtime.evaluate', { expression: profileChunkExpression(next, this.chunk, pace, prompt), returnByValue: true }, undefined, !prompt);
    if (!this.seamRead(r?.result?.value)) return false;
    this.seams.recorder++;
    this.toldPaceMs = pace;
    const ended = this.chunk;
    this.chunk = next;
    if (ended === 0) this.chunkReceived((await this.target.send('Profiler.stop', {}, undefined, !this.collected && !prompt)).profile);
    return true;
  }

  /**
   * Another recorded thread is about to send this process `signal`, which ends a process by
   * default (a pool's kill() of its worker process: recorder/probe/beforeEnds.ts): every thread of it streams out what it ran so far (its
   * probe writes its records, and its chunk in progress ends: seamNow). If the signal ends it, what
   * is lost is only what ran after (the round trip of the signalling thread's release: a few ms), as for a
   * terminate()d worker, and it does not count as an abrupt end (see lost); if it runs on (a
   * SIGTERM handler), it is recorded as before.
   */
  async seamBeforeSignal(signal: string): Promise<void> {
    if (measureOff('signalSeams')) return;
    // Workers' workers too, wherever Node attached them (as flushProbes and findWorker go).
    const live = [...this.workers.values()].filter((w) => w.recorder && !w.target.isGone);
    await Promise.all([this.seamNow(signal), ...live.map((w) => w.recorder!.seamBeforeSignal(signal))]);
  }

  /**
   * The probe writes its records and the chunk in progress ends (the next starts), both asked at
   * once and waited for; the next rotation is timed from here. A thread being collected (its exit
   * announced as the kill() comes: a vitest fork ending by itself) is waited for instead: a signal
   * during its collection ended it with the collection half done (its last chunk lost).
   */
  private async seamNow(signal: string): Promise<void> {
    // Released, its start's answers not yet read: the thread runs (a child that printed its first
    // line, which its parent waits for to kill it), and its first chunk with it.
    if (!this.running && !this.collected) await this.starting?.catch(() => undefined);
    if (this.collected) { await this.queue.catch(() => undefined); return; }
    if (!this.running) return;
    this.target.hurry?.(); // a rotation in flight: answered at once
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    // A switch of the sampling interval in flight, armed while the thread is busy, would hold
    // the seam until the thread reaches its loop (up to ARM_WAIT_MS), past the kill's wait.
    this.seamWanted = true;
    this.wakeSwitch?.();
    const sentAt = performance.now();
    const flushed = this.target.send('Runtime.evaluate', { expression: FLUSH_EXPRESSION }, 5000).catch(() => undefined);
    const seam = this.queue.catch(() => undefined).then(() => { this.seamWanted = false; return this.rotate(true); });
    this.queue = seam.catch(() => undefined).finally(() => this.scheduleRotation(true));
    const [, made] = await Promise.all([flushed, seam.catch(() => false)]);
    if (made) this.signalSeam = { sentAt, signal, chunks: this.chunksReceived };
  }

  /** Set while a switch waits for the thread's loop: wakes its poll (a chunk ended: the probe's, at the loop; or the collection began). */
  private wakeSwitch: (() => void) | undefined;
  /** The requests the thread had begun when its sampling changed (its seam reading's count). */
  private requestsAtChange: number | undefined;
  /** A seam before a signal waits for the queue: a switch not begun at the loop yet gives up (rotateAtLoop). */
  private seamWanted = false;

  /**
   * Ends the current chunk, sets a coarser sampling interval and starts the next chunk, at the
   * thread's event loop (recorder/probe/loopSwitch.ts: V8 takes a new interval only while no
   * profile runs, and its profiler, started anew, leaves code already running unattributed).
   * The probe, armed, ends its chunk at its next lag tick and waits there; we poll with the pair
   * (set the interval, the switch's status) and send `start` only once V8 took the interval: the
   * thread's loop is held until then (stated in the report). The probe may reach its loop between
   * the pair's two commands (the thread handles them one by one): a `start` sent with the pair
   * then began the next chunk at the old interval, and the switch was silently not made. A thread
   * that does not reach its loop within ARM_WAIT_MS, or whose wait ran out before V8 took the
   * interval, is tried again at the next rotation (at most MAX_SWITCH_TRIES times: each holds the
   * loop); a probe that cannot switch at its loop (an attach agent) is not switched, nor a thread
   * whose interval V8 refuses while its probe waits (the program runs a console.profile of its own).
   */
  private async rotateAtLoop(): Promise<void> {
    const why = this.coarsen!;
    this.coarsen = undefined;
    const armed = await this.target.send('Runtime.evaluate', { expression: SWITCH_ARM_EXPRESSION, returnByValue: true });
    if (armed?.result?.value !== true) return;
    this.switchTries++;
    const interval = this.intervalUs * coarserFactor(why);
    const deadline = performance.now() + ARM_WAIT_MS;
    const evaluate = async (expression: string): Promise<unknown> => (await this.target.send('Runtime.evaluate', { expression, returnByValue: true }))?.result?.value;
    let seams: SwitchSeams | undefined;
    let set = false;
    let waited = false;
    for (let pollMs = 1; ; pollMs = Math.min(MAX_POLL_MS, pollMs * 2)) {
      const [s, status] = await Promise.all([
        this.collected ? false : this.target.send('Profiler.setSamplingInterval', { interval }).then(() => true, () => false),
        evaluate(SWITCH_STATUS_EXPRESSION),
      ]);
      if (Array.isArray(status)) { seams = status as SwitchSeams; set = s; break; } // its wait ran out: set says whether before it started the next chunk
      // V8 took the interval (no chunk runs: the probe waits at its loop), or refused it while the
      // probe waited since our last poll (a profile of the program's own runs): start the next chunk.
      if (s || (waited && status === 1)) {
        const started = await evaluate(SWITCH_START_EXPRESSION);
        if (Array.isArray(started)) { seams = started as SwitchSeams; set = s; break; }
      }
      waited = status === 1;
      // A seam before a signal (seamNow) waits behind this switch: a thread armed but not at its
      // loop (busy) gives it up at once, as when its wait runs out, instead of holding the seam.
      if (this.collected || this.seamWanted || performance.now() > deadline) {
        const disarmed = await evaluate(SWITCH_DISARM_EXPRESSION);
        if (disarmed === false) continue; // begun meanwhile: the probe waits for our start
        this.retrySwitch(why);
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wakeSwitch = () => { clearTimeout(timer); resolve(); };
      });
      this.wakeSwitch = undefined;
    }
    const [ended, started, late] = seams;
    if (!this.seamRead(ended)) return;
    this.chunk++;
    if (!set) {
      debugLog(`${this.describe()}: the sampling interval was not changed at its loop (${late ? 'the probe waited too long' : 'V8 refused it'})`);
      if (late) this.retrySwitch(why);
      return;
    }
    this.intervalUs = interval;
    if (why === 'pool') this.poolCoarsened = true;
    this.hooks.samplingChanged(this.pid, this.tid, interval, started[1], why, started[1] - ended[1]);
    this.requestsAtChange = started[4];
  }

  /** Tries a switch not made again at the next rotation, unless it was tried MAX_SWITCH_TRIES times or the thread is collected. */
  private retrySwitch(why: CoarserReason): void {
    if (this.collected) return;
    if (this.switchTries < MAX_SWITCH_TRIES) this.coarsen = why;
    else debugLog(`${this.describe()}: the sampling interval was not changed after ${this.switchTries} tries`);
  }

  /**
   * Ends the current chunk: the last one of this thread. `sent` runs once its command is on its
   * way (the thread handles commands in order: one sent then runs after the chunk has ended).
   */
  private async collectLastChunk(sent: () => void): Promise<void> {
    if (this.chunk === 0) {
      const stopped = this.target.send('Profiler.stop');
      // A thread's probe may run a chunk of its own beside it (one whose first chunk fell back to Profiler.start): ended too.
      const own = this.threadsLoadProbe ? this.target.send('Runtime.evaluate', { expression: profileChunkExpression(0, 1), returnByValue: true }).catch(() => undefined) : undefined;
      sent();
      this.chunkReceived((await stopped).profile);
      if (own) this.seamRead((await own)?.result?.value);
      return;
    }
    const ended = this.target.send('Runtime.evaluate', { expression: profileChunkExpression(0, this.chunk), returnByValue: true });
    sent();
    if (this.seamRead((await ended)?.result?.value)) return;
    // A thread whose probe never took over its first chunk (a worker started without our preload,
    // a probe that failed to set up): ended here. Its profile arrives as
    // Profiler.consoleProfileFinished, before this answer.
    if (this.chunk === 1 && this.threadsLoadProbe) {
      const received = this.chunksReceived;
      await this.target.send('Runtime.evaluate', { expression: FIRST_CHUNK_END_EXPRESSION, returnByValue: true });
      if (this.chunksReceived > received) return;
    }
    throw new Error('the probe did not end the last profile chunk');
  }

  /** Whether the probe made the seam (its answer: a SeamReading); keeps the CPU reading and feeds the sampling policy. */
  private seamRead(value: unknown): boolean {
    if (!Array.isArray(value)) return false;
    const reading = value as SeamReading;
    const [cpuMs, hrUs] = reading;
    if (cpuMs >= 0) this.hooks.threadCpu(this.pid, this.tid, { cpuMs, hrUs });
    this.pacing.observe(reading);
    this.probePaced(reading);
    this.requestsSeen(reading);
    // Only a process's main thread is switched mid-run (see the constructor: its workers start coarser instead).
    if (this.hooks.adaptiveSampling && this.isProcessMain) this.coarsen ??= this.policy.observe(reading);
    return true;
  }

  /** Tells the collector how many requests the thread began since its sampling changed, if it did. */
  private requestsSeen(reading: SeamReading): void {
    if (this.requestsAtChange !== undefined && reading[4] >= this.requestsAtChange) this.hooks.requestsSinceChange?.(this.pid, this.tid, reading[4] - this.requestsAtChange);
  }

  /** The longest a chunk in progress lasts: the pace, OWN_SEAM_SLACK times it (or the probe's chunk, if longer) in a worker that seams itself. */
  private lossBoundMs(): number {
    return this.seamsItself ? Math.round(Math.max(this.pacing.current(), this.probeChunkMs) * OWN_SEAM_SLACK) : this.pacing.current();
  }

  private logSeams(): void {
    if (this.probeSeams) debugLog(`${this.describe()}: ${this.seams.recorder} chunk rotations by the recorder, ${this.seams.probe} seams by its probe (${this.seams.leftToProbe} rotations left to it)`);
  }

  private describe(): string {
    return `pid ${this.pid}${this.tid ? ` worker ${this.tid}` : ''}`;
  }

  /**
   * What could not be collected from a thread that is gone (its connection closed, or closed while
   * it was being collected). Nothing, when it went within SIGNALLED_END_MS of a seam made before a
   * signal, with no chunk since: ended by that signal, it ran unrecorded only after the seam.
   */
  private lost(reason: string): void {
    if (this.probeEndedLast) return;
    const seam = this.signalSeam;
    const sinceSeamMs = seam && seam.chunks === this.chunksReceived ? performance.now() - seam.sentAt : Infinity;
    if (sinceSeamMs <= SIGNALLED_END_MS) {
      debugLog(`${this.describe()}: gone (${reason}) ${sinceSeamMs.toFixed(1)} ms after the seam made before its ${seam!.signal}`);
      return;
    }
    this.hooks.warn(this.chunksReceived > 0
      ? `${this.describe()} ended abruptly (${reason}): its CPU samples after the last streamed chunk (at most its last ~${Math.ceil(Math.min(this.lossBoundMs(), sinceSeamMs))} ms) are not recorded, nor its awaits, sync I/O and requests since its probe last wrote them (it writes every ~100 ms while its event loop turns, and before it sends a message (a worker's postMessage, a child's process.send) or a worker blocks in Atomics.wait)`
      : `no CPU profile for ${this.describe()}: ${reason}`);
  }

  /** The thread's probe ended its last chunk at its exit (ExitAnnouncement.ended), which has arrived: nothing is left to collect. */
  private probeEndedLast = false;

  /**
   * A worker's probe ended its last chunk itself at exit, with `reading` at that seam, and went on
   * without waiting for us: its profile arrived before this announcement (one session, in order).
   * A collection under way finds it gone or its chunk ended, and loses nothing. Should our own
   * Profiler.start run in it (its first chunk fell back to it: chunk 0), that one is still collected.
   */
  private endedByProbe(reading: SeamReading): void {
    if (this.releasing) return;
    this.releasing = Promise.resolve();
    debugLog(`${this.describe()}: its probe ended its last chunk at exit`);
    this.seamRead(reading);
    if (this.chunk === 0) { void this.collect(); return; }
    this.probeEndedLast = true;
    if (this.collected) return;
    this.collected = true;
    this.stopExpectingWorkers();
    this.wakeSwitch?.();
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    this.logSeams();
  }

  /** The thread is gone (its connection closed or it was detached): nothing more can be collected from it, nor from its workers. */
  ended(): void {
    for (const w of this.workers.values()) w.target.detached();
    if (this.collected) return;
    this.collected = true;
    this.stopExpectingWorkers();
    this.wakeSwitch?.();
    if (this.rotationTimer) clearTimeout(this.rotationTimer);
    this.lost('it ended without an exit the recorder could see');
    this.logSeams();
  }

  private async attachWorker(p: { sessionId: string; workerInfo: { workerId: string; title: string; url: string } }): Promise<void> {
    const target = new WorkerTarget(this.target, p.sessionId);
    if (p.workerInfo.url.startsWith('node:internal/')) {
      // Node's own threads (the ESM loader's hooks) are not the program's: let them run.
      this.workers.set(p.sessionId, { target, recorder: null });
      await target.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      return;
    }
    const tid = workerThreadId(p.workerInfo.title);
    if (tid === undefined) {
      // Recorded under a wrong id, its profile would be another thread's lane: it runs unrecorded, and the report says so.
      this.workers.set(p.sessionId, { target, recorder: null });
      await target.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      this.hooks.warn(`no CPU profile for a worker of pid ${this.pid}: its thread id is not in the title Node gave it (${JSON.stringify(p.workerInfo.title)})`);
      return;
    }
    const recorder = new ThreadRecorder(target, this.pid, tid, this.hooks, this.poolCoarsened, this.threadsLoadProbe, this.threadsLoadProbe, this.consoleless);
    recorder.root = this.root;
    this.workers.set(p.sessionId, { target, recorder });
    this.hooks.threadAlive(1);
    target.onDetached = () => { this.hooks.threadAlive(-1); recorder.ended(); };
    this.hooks.status(`attached to ${p.workerInfo.title} (pid ${this.pid})`);
    const t0 = performance.now();
    debugLog(`attached to worker ${JSON.stringify(p.workerInfo)}`);
    try { await recorder.start(false); debugLog(`worker ${tid} running after ${(performance.now() - t0).toFixed(0)} ms`); }
    catch (e) {
      // The worker may have exited already; make sure it is not left waiting for us.
      target.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      this.hooks.warn(`could not record worker ${tid} of pid ${this.pid}: ${(e as Error).message}`);
    }
  }

  /**
   * Stops the profiler (and tracing) of this thread and its workers; idempotent. `sent` runs once
   * this thread's last commands are sent (at once if there are none): what it sends then is
   * handled after them.
   */
  async collect(sent: () => void = () => undefined): Promise<void> {
    // A rotation in flight is waited for: its lazy answers must not come up to 40 ms late now.
    this.target.hurry?.();
    const live = [...this.workers.values()].filter((w) => w.recorder && !w.target.isGone);
    const work: Promise<unknown>[] = live.map((w) => w.recorder!.collect().catch(() => undefined));
    const once = () => { const f = sent; sent = () => undefined; f(); };
    // Workers' commands go through this thread's session and may still wait behind a rotation:
    // with a worker alive, `sent` waits for everything to come back.
    const ownSent = live.length === 0 ? once : () => undefined;
    if (this.collected) work.push(this.queue.catch(() => undefined).then(ownSent)); // a collection under way
    else {
      this.collected = true;
      this.stopExpectingWorkers();
      this.wakeSwitch?.(); // a switch waiting for the loop gives up (the probe is told before the last chunk ends)
      if (this.rotationTimer) clearTimeout(this.rotationTimer);
      this.queue = this.queue.catch(() => undefined).then(() => this.collectLastChunk(ownSent)).catch((e) => { ownSent(); this.lost(e.message); }).finally(() => this.logSeams());
      work.push(this.queue);
      if (this.tracing) { const t = performance.now(); work.push(this.stopTracing().then(() => debugLog(`tracing stopped in ${(performance.now() - t).toFixed(1)} ms`))); }
    }
    try { await Promise.all(work); } finally { once(); }
  }

  /** Asks every thread's probe to write what it has (used before stopping the program). */
  async flushProbes(): Promise<void> {
    await Promise.all([
      this.target.send('Runtime.evaluate', { expression: FLUSH_EXPRESSION }, 5000).catch(() => undefined),
      ...[...this.workers.values()].map((w) => w.recorder?.flushProbes()),
    ]);
  }

  /**
   * Stops thread-pool tracing; resolves once every trace event has arrived. Node queues them for
   * the main thread (NodeTracing.dataCollected) before it sends tracingComplete, and sends them
   * after it: a command sent once tracingComplete is here is answered after them (one queue).
   */
  private stopTracing(): Promise<void> {
    if (!this.tracingDone) {
      this.tracingDone = new Promise<void>((resolve) => {
        this.target.on('NodeTracing.tracingComplete', () => { this.target.send(NO_OP_COMMAND, {}, 5000).then(() => resolve(), () => resolve()); });
        this.target.send('NodeTracing.stop').catch((e) => { this.hooks.warn(`tracing stop failed in pid ${this.pid}: ${e.message}`); resolve(); });
        setTimeout(resolve, 10000).unref();
      });
    }
    return this.tracingDone;
  }

  /** Workers this thread created whose attachment has not come yet, and attachments that came before their announcement (see expectWorker). */
  private readonly workersExpected: (() => void)[] = [];
  private attachesAhead = 0;

  /**
   * Thread `tid` of this process (this thread or one of its workers) created a worker thread (the
   * probe's workerStartFile): the new worker's `NodeWorker.attachedToWorker`, which comes through
   * that thread's session, is awaited on the process's connection (PromptAcks.expect) until it
   * comes, the thread is collected, or WORKER_ATTACH_WAIT_MS have passed (then it comes as it
   * would have without the announcement: up to 40 ms late). An attachment that came before its
   * announcement was seen counts for it. Sequential workers (one started as the last one ended)
   * each waited ~20 ms more in the program's kernel without it: 8 of them 52 → 31 ms each
   * (bench/fixedCost.mjs --compare, 9 rounds).
   */
  expectWorker(tid: number): void {
    if (tid !== this.tid) { for (const w of this.workers.values()) w.recorder?.expectWorker(tid); return; }
    if (this.attachesAhead > 0) { this.attachesAhead--; return; } // it came first
    if (this.collected || !this.target.expect) return;
    void this.target.expect(new Promise<void>((resolve) => {
      const timer = setTimeout(done, WORKER_ATTACH_WAIT_MS);
      const workersExpected = this.workersExpected;
      function done(): void { clearTimeout(timer); const i = workersExpected.indexOf(done); if (i >= 0) workersExpected.splice(i, 1); resolve(); }
      workersExpected.push(done);
    }));
  }

  /** No worker attaches to a thread that is going: its expectations end now. */
  private stopExpectingWorkers(): void {
    for (const done of [...this.workersExpected]) done();
  }

  /**
   * Thread `tid` of this process (this thread or one of its workers) announced its exit through
   * the run directory (exitAnnouncementFile): handled as its exit binding's call, whichever comes first.
   */
  exitAnnounced(tid: number): void {
    if (tid === this.tid) { void this.collectAndRelease(); return; }
    for (const w of this.workers.values()) w.recorder?.exitAnnounced(tid);
  }

  /**
   * This thread is about to end one of its workers or signal one of its child processes (the
   * probe's BEFORE_END_BINDING: recorder/probe/beforeEnds.ts) and waits for us in `phase`:
   * - {worker: threadId}, a terminate(): that worker's probe writes its records and its last chunk
   *   is collected (both commands sent at once: the worker handles them in order, as interrupts if
   *   it is busy);
   * - {pid, signal}, a kill(): the recorded processes it reaches (that process, those under a
   *   launcher, or a process group's: pid below -1) stream out what they ran so far (hooks.beforeSignal);
   * then this thread is released and the call goes on. A worker or process we do not record (not
   * attached yet, gone) is released at once.
   */
  private async beforeEnd(payload: string): Promise<void> {
    const t = performance.now();
    let request: Partial<BeforeEnd> & { worker?: unknown; pid?: unknown; signal?: unknown } = {};
    try { request = JSON.parse(payload) ?? {}; } catch { /* released below */ }
    const phase = Number.isSafeInteger(request.phase) && request.phase! >= RELEASE_BEFORE_END ? request.phase! : RELEASE_BEFORE_END;
    let what: string;
    if (request.pid !== undefined) {
      const whom = typeof request.pid === 'number' && request.pid < -1 ? `process group ${-request.pid}` : `pid ${String(request.pid)}`;
      what = `${whom} seamed before its ${String(request.signal)}`;
      if (typeof request.pid === 'number' && typeof request.signal === 'string' && this.hooks.beforeSignal) {
        // undefined: the hook did not answer within the wait (it does not reject).
        const seamed = await bounded(this.hooks.beforeSignal(request.pid, request.signal), SIGNAL_SEAM_WAIT_MS);
        if (seamed === 0) what = `${whom}: no recorded process to seam before its ${request.signal}`;
        if (seamed === undefined) what = `${whom} not seamed within ${SIGNAL_SEAM_WAIT_MS} ms before its ${request.signal}: released`;
      }
    } else {
      const w = this.root.findWorker(request.worker);
      what = `worker ${String(request.worker)} collected before its terminate()${w ? '' : ' (not recorded)'}`;
      if (w) await Promise.all([w.flushProbes(), w.collect()]).catch(() => undefined);
    }
    await this.target.send('Runtime.evaluate', { expression: releaseExpression(phase) }).catch(() => undefined);
    debugLog(`${this.describe()}: ${what} in ${(performance.now() - t).toFixed(1)} ms`);
  }

  /** The recorder of the process's main thread (this one's, or its ancestor's among the workers). */
  private root: ThreadRecorder = this;

  /**
   * The live worker `tid` among this thread's workers and theirs: a worker started by a worker
   * may come attached through an ancestor's session, so a terminate() is looked up from the root.
   */
  private findWorker(tid: unknown): ThreadRecorder | undefined {
    for (const { target, recorder } of this.workers.values()) {
      if (!recorder) continue;
      if (recorder.tid === tid && !target.isGone) return recorder;
      const nested = recorder.findWorker(tid);
      if (nested) return nested;
    }
    return undefined;
  }

  /** Set once the thread's exit is handled (the exit binding, or a process waiting for us to disconnect). */
  private releasing: Promise<void> | null = null;
  /** The process's inspector tells us when it waits for us to hang up (NodeRuntime.notifyWhenWaitingForDisconnect took). */
  private notifiesAtDisconnect = false;
  private processWaits: () => void = () => undefined;
  /** Resolved once the process waits for us to hang up (NodeRuntime.waitingForDisconnect came). */
  private readonly waitsForHangUp = new Promise<void>((resolve) => { this.processWaits = resolve; });

  /**
   * Collects the exiting thread's last chunk and trace events and lets it go on. The release is
   * sent right behind the last commands (the thread handles them in order), not after their
   * answers came back: the thread ends one round trip sooner. We hang up once everything came back;
   * from a process's main thread released at its 'exit' event, only once the process waits for
   * that (after its 'exit' listeners: Node waits for a connected client to hang up before it ends),
   * or is gone. Until then a kill() in an 'exit' listener that runs after the probe's (cleanup
   * code ending its children) still makes its seam (beforeEnd; the probe asks: beforeEnds.ts).
   */
  private collectAndRelease(): Promise<void> {
    this.releasing ??= (async () => {
      const t = performance.now();
      debugLog(`exit announced by pid ${this.pid} thread ${this.tid}`);
      let released: Promise<unknown> | undefined;
      const release = () => { released ??= this.target.send('Runtime.evaluate', { expression: releaseExpression(RELEASE_EXIT) }).catch(() => undefined); };
      await this.collect(release).catch(() => undefined);
      release();
      await released;
      debugLog(`pid ${this.pid} thread ${this.tid} collected in ${(performance.now() - t).toFixed(1)} ms`);
      if (this.isProcessMain && this.threadsLoadProbe && this.notifiesAtDisconnect) {
        await Promise.race([this.waitsForHangUp, ...(this.target.closed ? [this.target.closed] : [])]);
      }
      this.target.close?.(); // the exiting process's inspector.close() waits for us to hang up
    })();
    return this.releasing;
  }
}
