import type { CpuProfile, TraceEvent } from '../../analyzer/raw';
import { EXIT_BINDING } from '../probeOptions';
import { Target, WorkerTarget } from './target';

/** Trace categories for thread-pool work (fs requests, crypto/zlib jobs, DNS lookups). */
const TRACE_CATEGORIES = ['node.threadpoolwork.async', 'node.threadpoolwork.sync', 'node.fs.async', 'node.dns.native'];

export interface RecorderHooks {
  samplingIntervalUs: number;
  /** True once the run is being stopped: threads exiting then are released at once. */
  stopping(): boolean;
  status(message: string): void;
  profileCollected(pid: number, tid: number, profile: CpuProfile): void;
  warn(message: string): void;
}

/**
 * Records one thread over CDP: starts the CPU profiler before any user code runs (the
 * thread waits for us), follows its workers, and collects the profile either when the
 * thread announces its exit (the probe calls the exit binding and waits) or when the run is
 * stopped. The main thread of a process also records thread-pool trace events.
 */
export class ThreadRecorder {
  private collected = false;
  private readonly workers = new Map<string, { target: WorkerTarget; recorder: ThreadRecorder }>();
  readonly traceEvents: TraceEvent[] = [];
  private tracing = false;
  private tracingDone: Promise<void> | null = null;

  constructor(readonly target: Target, readonly pid: number, readonly tid: number, private readonly hooks: RecorderHooks) {}

  async start(isProcessMain: boolean): Promise<void> {
    const t = this.target;
    t.on('Runtime.bindingCalled', (p) => { if (p.name === EXIT_BINDING) void this.collectAndRelease(); });
    t.on('NodeWorker.attachedToWorker', (p) => void this.attachWorker(p));
    t.on('NodeWorker.receivedMessageFromWorker', (p) => this.workers.get(p.sessionId)?.target.receive(p.message));
    t.on('NodeWorker.detachedFromWorker', (p) => { this.workers.get(p.sessionId)?.target.detached(); });
    await t.send('Runtime.addBinding', { name: EXIT_BINDING });
    await t.send('Profiler.enable');
    await t.send('Profiler.setSamplingInterval', { interval: this.hooks.samplingIntervalUs });
    await t.send('Profiler.start');
    if (isProcessMain) {
      t.on('NodeTracing.dataCollected', (p) => { for (const e of p.value ?? []) this.traceEvents.push(e); });
      try {
        await t.send('NodeTracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES } });
        this.tracing = true;
      } catch (e) { this.hooks.warn(`thread-pool tracing unavailable in pid ${this.pid}: ${(e as Error).message}`); }
    }
    await t.send('NodeWorker.enable', { waitForDebuggerOnStart: true }).catch(() => undefined);
    await t.send('Runtime.runIfWaitingForDebugger');
  }

  private async attachWorker(p: { sessionId: string; workerInfo: { workerId: string; title: string } }): Promise<void> {
    const target = new WorkerTarget(this.target, p.sessionId);
    const recorder = new ThreadRecorder(target, this.pid, Number(p.workerInfo.workerId), this.hooks);
    this.workers.set(p.sessionId, { target, recorder });
    this.hooks.status(`attached to ${p.workerInfo.title} (pid ${this.pid})`);
    try { await recorder.start(false); }
    catch (e) {
      // The worker may have exited already; make sure it is not left waiting for us.
      target.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
      this.hooks.warn(`could not record worker ${p.workerInfo.workerId} of pid ${this.pid}: ${(e as Error).message}`);
    }
  }

  /** Stops the profiler (and tracing) of this thread and its workers; idempotent. */
  async collect(): Promise<void> {
    const work: Promise<unknown>[] = [...this.workers.values()].map((w) => w.recorder.collect().catch(() => undefined));
    if (!this.collected) {
      this.collected = true;
      work.push(this.target.send('Profiler.stop').then((r) => this.hooks.profileCollected(this.pid, this.tid, r.profile))
        .catch((e) => this.hooks.warn(`no CPU profile for pid ${this.pid} thread ${this.tid}: ${e.message}`)));
      if (this.tracing) work.push(this.stopTracing());
    }
    await Promise.all(work);
  }

  /** Asks every thread's probe to write what it has (used before stopping the program). */
  async flushProbes(): Promise<void> {
    const expression = `globalThis[Symbol.for('concurrency-lens')]?.flush?.()`;
    await Promise.all([
      this.target.send('Runtime.evaluate', { expression }, 5000).catch(() => undefined),
      ...[...this.workers.values()].map((w) => w.recorder.flushProbes()),
    ]);
  }

  private stopTracing(): Promise<void> {
    if (!this.tracingDone) {
      this.tracingDone = new Promise<void>((resolve) => {
        this.target.on('NodeTracing.tracingComplete', () => resolve());
        this.target.send('NodeTracing.stop').catch((e) => { this.hooks.warn(`tracing stop failed in pid ${this.pid}: ${e.message}`); resolve(); });
        setTimeout(resolve, 10000).unref();
      });
    }
    return this.tracingDone;
  }

  private async collectAndRelease(): Promise<void> {
    await this.collect().catch(() => undefined);
    await this.target.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
  }
}
