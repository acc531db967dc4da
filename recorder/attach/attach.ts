import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RawRun, RawThread, ProbeRecord, RawProcessTree } from '../../analyzer/raw';
import type { Recording } from '../profileOptions';
import type { ThreadProfile } from '../../analyzer/exportCpuProfile';
import { AGENT_BINDING, EXIT_BINDING, agentExpression } from '../probeOptions';
import { procReadable, THREAD_CPU_ESTIMATED } from '../procFs';
import { ClientTarget, connectClient, bounded, type Target } from '../launcher/target';
import { ThreadRecorder } from '../launcher/threadRecorder';
import { ProfileCollector, DEFAULT_SAMPLING_US } from '../launcher/profileCollector';
import { startProcessTree } from '../launcher/processTree';
import { distFile } from '../launcher/distFiles';
import { debugLog } from '../launcher/debugLog';
import { withExternalMaps } from '../launcher/threadLogs';
import { AttachError, endpointAt, openInspector, type InspectorEndpoint } from './inspectorEndpoint';
import { readProcProcess, processEnded } from './procProcess';

export { AttachError } from './inspectorEndpoint';

/** A running process: by pid (Linux: its inspector is opened with SIGUSR1), or an inspector already listening on loopback. */
export type AttachTarget = { pid: number } | { host: string; port: number };

export interface AttachOptions {
  /** Detach after this long. Default: when stop() is called (or the process exits). */
  durationMs?: number;
  /** Detach when this signal aborts (like stop()). */
  signal?: AbortSignal;
  /** CPU sampling interval in microseconds. Default 1000. */
  samplingIntervalUs?: number;
  /** Progress messages for a UI. */
  onStatus?(message: string): void;
}

export interface AttachRun {
  pid: number;
  /** Resolves with the raw recording once detached (or the process exited); never rejects. */
  readonly done: Promise<Recording>;
  /** Detach: the process keeps running, as it was before the attach. */
  stop(): void;
}

/** An agent that hears nothing from us for this long (recorder frozen, connection lost) undoes itself. */
const ABANDON_AFTER_MS = 60_000;

/**
 * Records a process that is already running, then detaches and leaves it as it was. Resolves
 * once recording has started; throws AttachError for a target it may not or cannot attach to
 * (not loopback, no such pid, not node, another user's, already recorded).
 *
 * Over the inspector, as the launcher does (ThreadRecorder: CPU profiles of the main thread and
 * of every worker, existing or new, streamed in chunks; the thread-pool trace), plus an agent
 * injected into each thread (recorder/probe/attachAgent.ts: lag ticks, pool requests, HTTP
 * requests). The result is the same RawRun a launch produces, with `attached` set. Detaching
 * stops the profilers and tracing, disposes of the agents (timers, channel subscriptions,
 * bindings), and closes the inspector if this attach opened it.
 */
export async function attach(target: AttachTarget, options: AttachOptions = {}): Promise<AttachRun> {
  const status = options.onStatus ?? (() => undefined);
  const endpoint: InspectorEndpoint = 'pid' in target ? await openInspector(target.pid) : await endpointAt(target.host, target.port);
  debugLog(`inspector at ${endpoint.host}:${endpoint.port} (${endpoint.openedByUs ? 'opened' : 'already open'})`);
  let client: any;
  for (let attempt = 1; !client; attempt++) {
    try {
      client = await connectClient(endpoint.host, endpoint.port, endpoint.webSocketUrl);
    } catch (e) {
      if (attempt < 3) { await new Promise((r) => setTimeout(r, 500 * attempt)); continue; }
      // Without a session nothing can close it (only the process itself can).
      const left = endpoint.openedByUs ? `; the inspector it opened for the attach is left listening at ${endpoint.host}:${endpoint.port}` : '';
      throw new AttachError(`could not connect to the inspector at ${endpoint.host}:${endpoint.port}: ${(e as Error).message}${left}`);
    }
  }
  const main = new ClientTarget(client);
  /** Hangs up; closes the inspector first when we opened it (Node then drops our connection). */
  const hangUp = async () => {
    if (endpoint.openedByUs) {
      // No client.close() meanwhile: closing from both ends at once crashes Node's inspector thread.
      main.send('Runtime.evaluate', { expression: `process.getBuiltinModule?.('inspector').close()` }, 5000).catch(() => undefined);
      await bounded(main.closed, 5000);
    }
    main.close();
    await bounded(main.closed, 2000);
  };

  const facts = await main.send('Runtime.evaluate', {
    expression: `[process.pid, process.ppid, process.version, typeof process.getBuiltinModule, typeof globalThis[Symbol.for('concurrency-lens')], process.argv, process.cwd()]`,
    returnByValue: true,
  }).catch((e) => ({ error: e }));
  const [pid, ppid, nodeVersion, getBuiltin, recorded, argv, cwd] = (facts?.result?.value ?? []) as [number, number, string, string, string, string[], string];
  const refuse = async (message: string) => { await hangUp(); return new AttachError(message); };
  if (typeof pid !== 'number') throw await refuse(`the inspector at ${endpoint.host}:${endpoint.port} did not answer: ${facts?.error?.message ?? facts?.exceptionDetails?.text ?? 'no result'}`);
  if (recorded !== 'undefined') throw await refuse(`pid ${pid} is already being recorded by Concurrency Lens`);
  if (getBuiltin !== 'function') throw await refuse(`pid ${pid} runs Node ${nodeVersion}: attaching needs Node ≥ 20.16 (process.getBuiltinModule)`);
  const proc = endpoint.process ?? readProcProcess(pid);
  const me = process.getuid?.();
  if (!endpoint.process && proc && me !== undefined && proc.uid !== me) throw await refuse(`pid ${pid} belongs to another user (uid ${proc.uid}; you are uid ${me}): Concurrency Lens attaches only to your own processes`);

  const warnings: string[] = [];
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const records = new Map<string, ProbeRecord[]>();
  const agents = new Map<string, Target>();
  const bundle = fs.readFileSync(distFile('attachAgent.js'), 'utf8');
  const expression = agentExpression(bundle, { binding: AGENT_BINDING, recorderPid: process.pid, abandonAfterMs: ABANDON_AFTER_MS, closeInspectorIfAbandoned: endpoint.openedByUs });
  // Sampling is never made coarser mid-run here: attaching is a short look at a running
  // process, and its pool load is not read (see samplingPolicy.ts).
  const collector = new ProfileCollector(options.samplingIntervalUs ?? DEFAULT_SAMPLING_US, cores, status, (m) => warnings.push(m), { adaptiveSampling: false, threadStarted: async (t, tpid, tid) => {
    const key = `${tpid}-${tid}`;
    const list: ProbeRecord[] = [];
    records.set(key, list);
    t.on('Runtime.bindingCalled', (p) => {
      if (p.name !== AGENT_BINDING) return;
      try { list.push(JSON.parse(p.payload)); } catch { /* not ours */ }
    });
    try {
      await t.send('Runtime.addBinding', { name: AGENT_BINDING });
      const r = await t.send('Runtime.evaluate', { expression, returnByValue: true });
      if (r?.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      agents.set(key, t);
    } catch (e) {
      warnings.push(`pid ${tpid}${tid ? ` worker ${tid}` : ''}: event-loop lag and HTTP requests not recorded (${(e as Error).message.split('\n')[0]})`);
    }
  } });

  const startEpochMs = Date.now();
  const startHrUs = Number(process.hrtime.bigint() / 1000n);
  const processTree = startProcessTree(pid, 100, (p) => p === pid);
  // The attached process's workers have no probe (only its main thread gets the agent).
  const recorder = new ThreadRecorder(main, pid, 0, collector.hooks, false, false);
  try {
    await recorder.start(true);
  } catch (e) {
    processTree.stop();
    await undo(agents, main);
    await hangUp();
    throw new AttachError(`recording pid ${pid} failed: ${(e as Error).message}`);
  }
  status(`attached to pid ${pid}`);

  let stopReason: RawRun['stopReason'] = 'stopped';
  let requested: (() => void) | undefined;
  const stopRequested = new Promise<void>((resolve) => { requested = resolve; });
  const stop = (reason: RawRun['stopReason']) => { stopReason = reason; requested?.(); };
  const durationTimer = options.durationMs ? setTimeout(() => stop('duration'), options.durationMs) : null;
  const onAbort = () => stop('stopped');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const done = (async (): Promise<Recording> => {
    let exited = await Promise.race([main.closed.then(() => true), stopRequested.then(() => false)]);
    if (durationTimer) clearTimeout(durationTimer);
    options.signal?.removeEventListener('abort', onAbort);
    if (exited) {
      stopReason = 'exit';
      recorder.ended();
    } else {
      status(`detaching from pid ${pid}…`);
      await bounded(recorder.flushProbes(), 5000);
      await bounded(recorder.collect(), 15000);
      await undo(agents, main);
      await hangUp();
      recorder.ended();
      // A stop that came as the process was exiting (before its connection closed here) is its exit.
      exited = processEnded(pid);
      if (exited) stopReason = 'exit';
    }
    const endHrUs = Number(process.hrtime.bigint() / 1000n);
    debugLog(`detached from pid ${pid}`);
    const profiles = collector.profiles();
    const maps = new Map<string, unknown>();
    const threads: RawThread[] = [...records].map(([key, list]) => {
      const [tpid, tid] = key.split('-').map(Number);
      withExternalMaps(list, maps);
      return { pid: tpid, tid, records: list, ...collector.threadParts(key, profiles) };
    });
    const raw: RawRun = {
      // /proc's command line has node's own flags too (process.argv has not): what a restart needs.
      command: proc?.argv.length ? proc.argv : argv ?? [], cwd: cwd ?? proc?.cwd ?? '',
      exitCode: null, signal: null, stopReason,
      startHrUs, endHrUs, startEpochMs, cores, nodeVersion, rootPid: pid,
      threads,
      processes: [{ pid, ppid, argv: argv ?? [], traceEvents: recorder.traceEvents, attached: true }],
      warnings,
      processTree: sinceFirstSample(processTree.stop()),
      attached: { pid, inspector: `${endpoint.host}:${endpoint.port}`, openedInspector: endpoint.openedByUs },
    };
    if (exited) warnings.push(`pid ${pid} exited (or closed its inspector) while attached: recorded until then`);
    if (!procReadable()) raw.degraded = [THREAD_CPU_ESTIMATED];
    warnings.push(...collector.samplingWarnings(startHrUs));
    if (process.env.CONCURRENCY_LENS_RAW) fs.writeFileSync(process.env.CONCURRENCY_LENS_RAW, JSON.stringify(raw));
    const threadProfiles: ThreadProfile[] = threads.flatMap((t) => (t.profile ? [{ pid: t.pid, tid: t.tid, profile: t.profile }] : []));
    return { raw, profiles: threadProfiles };
  })();

  return { pid, done, stop: () => stop('stopped') };
}

/**
 * Leaves every recorded thread as it was: the agents dispose of themselves (timers, channel
 * subscriptions, their global), the bindings are removed, the profilers disabled, and workers
 * no longer wait for a debugger when they start. Bounded: a thread that does not answer is gone.
 */
async function undo(agents: Map<string, Target>, main: Target): Promise<void> {
  const dispose = `globalThis[Symbol.for('concurrency-lens')]?.dispose?.(); delete globalThis[${JSON.stringify(EXIT_BINDING)}]; delete globalThis[${JSON.stringify(AGENT_BINDING)}]; undefined`;
  const threads = new Set<Target>([...agents.values(), main]);
  await bounded(Promise.all([...threads].map(async (t) => {
    await t.send('Runtime.evaluate', { expression: dispose }, 5000).catch(() => undefined);
    for (const name of [AGENT_BINDING, EXIT_BINDING]) await t.send('Runtime.removeBinding', { name }, 5000).catch(() => undefined);
    await t.send('Profiler.disable', {}, 5000).catch(() => undefined);
  })), 10_000);
  await main.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: false }, 5000).catch(() => undefined);
  await main.send('NodeWorker.disable', {}, 5000).catch(() => undefined);
}

/** CPU counted from the attach on: each process's cumulative CPU minus what it had at the first sample. */
function sinceFirstSample(tree: RawProcessTree): RawProcessTree {
  for (const p of tree.processes) {
    if (p.t.length === 0 || p.t[0] !== tree.rssSum.t[0]) continue; // started after the attach: all its CPU is the run's
    const u0 = p.userMs[0], s0 = p.systemMs[0];
    p.userMs = p.userMs.map((v) => v - u0);
    p.systemMs = p.systemMs.map((v) => v - s0);
  }
  return tree;
}
