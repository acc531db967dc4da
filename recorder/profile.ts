import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import type { RawRun } from '../analyzer/raw';
import type { ThreadProfile } from '../analyzer/exportCpuProfile';
import { ProfileCollector, DEFAULT_SAMPLING_US } from './launcher/profileCollector';
import type { ProfileOptions, ProfileRun, Recording, StopSignal } from './profileOptions';
import type { ProgramKilled } from '../analyzer/report';
import { signalTree, CAN_SIGNAL_TREE, OWN_PROCESS_GROUP } from './launcher/signalTree';
import { procReadable, THREAD_CPU_ESTIMATED } from './procFs';
import { formatSeconds } from '../analyzer/format';
import { OPTIONS_ENV, ProbeOptions, RELEASE_START, recordingNodeOptions, releaseExpression } from './probeOptions';
import { debugLog } from './launcher/debugLog';
import { resolveCommand } from './launcher/command';
import { StderrFilter } from './launcher/stderrFilter';
import { Rendezvous, Announcement } from './launcher/rendezvous';
import { ClientTarget, connectClient, bounded, loadCdpClient, warmCdpClient } from './launcher/target';
import { ThreadRecorder } from './launcher/threadRecorder';
import { readThreadLogs } from './launcher/threadLogs';
import { startProcessTree } from './launcher/processTree';
import { signalledProcesses } from './launcher/signalledProcesses';
import { distFile } from './launcher/distFiles';
import { INSTRUMENT_ERRORS } from './probe/instrumentFile';
import { pruneStaleFiles, runDirPrefix } from './staleFiles';

export { CommandError } from './launcher/command';

/**
 * Runs a program under the inspector and records it (see ProfileOptions). Throws
 * CommandError at once for input that cannot run (missing file); after that, `done` always
 * resolves with the raw recording, whatever the program does. The recorder does not analyze:
 * its callers (cli/, extension/) hand the recording to analyzer/analyze.ts.
 */
export function startProfile(options: ProfileOptions): ProfileRun {
  const nodePath = options.nodePath ?? process.execPath;
  const resolved = resolveCommand(options.command, options.cwd, nodePath, options.runtimeArgs ?? []);
  const runDir = fs.mkdtempSync(runDirPrefix());
  const status = options.onStatus ?? (() => undefined);
  const warnings: string[] = [];
  const processes = new Map<number, { announcement: Announcement; main: ThreadRecorder | null; closed: Promise<void> }>();
  let stopReason: RawRun['stopReason'] = 'exit';
  let stopping = false;

  const probeOptions: ProbeOptions = {
    runDir,
    probePath: distFile('probe.js'),
    esmHooksPath: distFile('esmHooks.mjs'),
    esbuildPath: path.dirname(require.resolve('esbuild/package.json')),
    includeNodeModules: options.includeNodeModules ?? false,
    maxSpans: 200_000,
    recorderPid: process.pid,
  };
  const userNodeOptions = options.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  const env = {
    ...process.env, ...options.env,
    NODE_OPTIONS: recordingNodeOptions(probeOptions.probePath, userNodeOptions),
    [OPTIONS_ENV]: JSON.stringify(probeOptions),
  };

  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const baseIntervalUs = options.samplingIntervalUs ?? DEFAULT_SAMPLING_US;
  // An interval the user chose (other than the default) is kept as it is.
  const collector = new ProfileCollector(baseIntervalUs, cores, status, (m) => warnings.push(m), {
    adaptiveSampling: baseIntervalUs === DEFAULT_SAMPLING_US,
    // A recorded thread is about to signal process `pid` (a kill()): the recorded processes it
    // reaches (it, or those under a launcher or shell it is) stream out what they ran so far.
    beforeSignal: async (pid, signal) => {
      const reached = signalledProcesses(pid, processes);
      await Promise.all(reached.map((m) => m.seamBeforeSignal(signal)));
      return reached.length;
    },
  });
  const hooks = collector.hooks;

  const attach = (a: Announcement) => {
    debugLog(`pid ${a.pid} announced`);
    const entry = { announcement: a, main: null as ThreadRecorder | null, closed: Promise.resolve() };
    processes.set(a.pid, entry);
    // A launcher is recorded by its probe and the /proc sampler only (no inspector: it runs no user code).
    if (a.url === undefined) { status(`${a.launcher} (pid ${a.pid}): launcher, not CPU-profiled`); return; }
    const url = a.url;
    entry.closed = (async () => {
      const u = new URL(url);
      if (u.hostname !== '127.0.0.1') { warnings.push(`pid ${a.pid}: inspector not on loopback (${u.hostname}); not attached`); return; }
      let client: any;
      try {
        client = await connectClient(u.hostname, Number(u.port), url);
      } catch (e) {
        warnings.push(`could not attach to pid ${a.pid}: ${(e as Error).message}`);
        return;
      }
      debugLog(`pid ${a.pid} connected`);
      const target = new ClientTarget(client);
      const recorder = new ThreadRecorder(target, a.pid, 0, hooks);
      entry.main = recorder;
      status(`attached to pid ${a.pid} (${path.basename(a.argv[1] ?? a.argv[0] ?? 'node')})`);
      try { await recorder.start(true); debugLog(`pid ${a.pid} running`); }
      catch (e) {
        warnings.push(`recording pid ${a.pid} failed: ${(e as Error).message}`);
        client.send('Runtime.evaluate', { expression: releaseExpression(RELEASE_START) }).catch(() => undefined);
      }
      await target.closed;
      recorder.ended();
    })();
  };
  const rendezvous = new Rendezvous(runDir, attach, (pid, tid) => processes.get(pid)?.main?.exitAnnounced(tid),
    (pid, tid) => processes.get(pid)?.main?.expectWorker(tid));

  debugLog('spawning');
  const startEpochMs = Date.now();
  const startHrUs = Number(process.hrtime.bigint() / 1000n);
  let child: ChildProcess;
  const pipeOut = options.stdio === 'pipe';
  const stderrFilter = new StderrFilter((text) => { if (pipeOut) options.onStderr?.(text); else { process.stderr.write(text); options.onStderr?.(text); } });
  let spawnError: string | undefined;
  try {
    child = spawn(resolved.file, resolved.args, {
      cwd: options.cwd, env, detached: OWN_PROCESS_GROUP,
      stdio: ['inherit', pipeOut ? 'pipe' : 'inherit', 'pipe'],
    });
  } catch (e) {
    spawnError = (e as Error).message;
    child = null as never;
  }
  debugLog('spawned');
  // Every descendant (node or not: shells, esbuild, native compilers) is sampled from /proc.
  const processTree = startProcessTree(child?.pid, 100, (pid) => processes.has(pid));
  child?.stdout?.setEncoding('utf8').on('data', (d: string) => options.onStdout?.(d));
  child?.stderr?.setEncoding('utf8').on('data', (d: string) => stderrFilter.push(d));
  // The CDP client is loaded (and its connection code run once) while the program starts, ready
  // when it announces its inspector.
  if (child) setImmediate(() => { loadCdpClient(); warmCdpClient(path.join(runDir, 'no-inspector-here')); });

  let mainExited = false;
  child?.on('exit', () => { mainExited = true; debugLog('program exited'); });
  const exited = new Promise<{ code: number | null; signal: string | null; error?: string }>((resolve) => {
    if (!child) { resolve({ code: null, signal: null, error: spawnError }); return; }
    child.on('error', (e) => resolve({ code: null, signal: null, error: `could not start ${resolved.file}: ${e.message}` }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

  const killTree = (signal: NodeJS.Signals) => signalTree(child, signal);

  // Stopping keeps the program's contract: it gets the signal the user sent (SIGINT, SIGTERM,
  // SIGHUP) and `graceMs` to shut down by itself (close listeners, finish in-flight work) under
  // recording; only then, or at the user's second stop, is its tree killed.
  const graceMs = options.graceMs ?? 10_000;
  let stopSignal: StopSignal | undefined;
  /** When the stop signal went to the program's tree (CLOCK_MONOTONIC µs): its shutdown ran from then to its exit. */
  let stopSignalAtHrUs: number | undefined;
  /** What kept each recorded process's event loop running when the stop came (RawRun.activeAtStop). */
  const activeAtStop: NonNullable<RawRun['activeAtStop']> = [];
  let killed: ProgramKilled | undefined;
  let killing = false;
  const attachedMains = () => [...processes.values()].map((p) => p.main).filter((m): m is ThreadRecorder => !!m);
  /** Writes out every thread's probe data and CPU profile (a process about to die without running JS again). */
  const collectAll = (mains: ThreadRecorder[], limitMs: number) => bounded(Promise.all(mains.map(async (m) => {
    await m.flushProbes();
    await m.collect().catch(() => undefined);
  })), limitMs);
  /**
   * A process with no handler of its own for `signal` dies of it at once, with no exit hook run:
   * collect its recording first. One with a handler keeps being recorded while it shuts down;
   * its probe hands over at exit.
   */
  const readyForSignal = (signal: StopSignal) => bounded(Promise.all(attachedMains().map(async (m) => {
    // With what still kept its event loop running (process.getActiveResourcesInfo: the timers,
    // servers, sockets and requests a program that would have exited by itself has none of).
    const expression = `[process.listenerCount(${JSON.stringify(signal)}), process.getActiveResourcesInfo()]`;
    const value = await m.target.send('Runtime.evaluate', { expression, returnByValue: true }, 3000).then((r) => r?.result?.value, () => undefined);
    if (Array.isArray(value) && Array.isArray(value[1])) activeAtStop.push({ pid: m.pid, resources: value[1].filter((x: unknown): x is string => typeof x === 'string') });
    if (!(Array.isArray(value) && Number(value[0]) > 0)) await collectAll([m], 5000);
  })), 8000);

  const kill = async (reason: ProgramKilled['reason']) => {
    if (killing) return;
    killing = true;
    if (!mainExited && child?.pid) {
      if (!stopping) { stopping = true; stopReason = 'stopped'; }
      status('killing the program…');
      await collectAll(attachedMains(), 3000);
      // It may have finished shutting down meanwhile: then it was not killed.
      if (!mainExited) killed = { reason, graceMs };
    }
    killTree('SIGKILL');
  };

  const stop = async (reason: RawRun['stopReason'], signal: StopSignal) => {
    if (stopping) return;
    // The program ended by itself (the report says so); a stop now only ends what it left running.
    if (mainExited) { killTree(signal); return; }
    stopping = true;
    stopReason = reason;
    stopSignal = signal;
    if (!CAN_SIGNAL_TREE) {
      warnings.push(`${process.platform} cannot send ${signal} to the program: its process tree was ended at once (its own shutdown code did not run)`);
      return kill('platform');
    }
    status(`stopping: sending ${signal}…`);
    await readyForSignal(signal);
    if (killing) return;
    stopSignalAtHrUs = Number(process.hrtime.bigint() / 1000n);
    killTree(signal);
    status(`waiting up to ${formatSeconds(graceMs)} for the program to shut down`);
    const forced = setTimeout(() => void kill('grace-period'), graceMs);
    await exited;
    clearTimeout(forced);
  };

  // Never leave the program behind if the recorder itself goes away.
  const onRecorderExit = () => killTree('SIGKILL');
  process.once('exit', onRecorderExit);
  void exited.then(() => process.removeListener('exit', onRecorderExit));

  const durationTimer = options.durationMs ? setTimeout(() => void stop('duration', 'SIGINT'), options.durationMs) : null;

  const done = (async (): Promise<Recording> => {
    const result = await exited;
    const endHrUs = Number(process.hrtime.bigint() / 1000n);
    debugLog('program closed');
    if (durationTimer) clearTimeout(durationTimer);
    stderrFilter.end();
    // Processes the program left running (daemons, orphans) get a moment, then are stopped.
    rendezvous.scan();
    const open = new Set(processes.keys());
    for (const [pid, p] of processes) void p.closed.then(() => open.delete(pid));
    const grace = new Promise((r) => setTimeout(r, 2000).unref());
    await Promise.race([Promise.all([...processes.values()].map((p) => p.closed)), grace]);
    rendezvous.close();
    if (open.size > 0) {
      // The main process is gone; what it left running is stopped, its recording kept.
      warnings.push(`stopped ${open.size} process${open.size > 1 ? 'es' : ''} still running after the main process exited (pid ${[...open].join(', ')})`);
      await Promise.all([...open].map((pid) => processes.get(pid)?.main?.collect().catch(() => undefined)));
      killTree('SIGKILL');
    }
    debugLog('sessions closed');
    const tree = processTree.stop();
    debugLog(`process tree: ${tree.processes.length} processes, ${tree.samples} samples, ${tree.costMs} ms CPU${tree.unavailable ? ` (off: ${tree.unavailable})` : ''}`);
    const traceByPid = new Map<number, RawRun['processes'][number]['traceEvents']>();
    for (const [pid, p] of processes) traceByPid.set(pid, p.main?.traceEvents ?? []);
    try {
      for (const line of fs.readFileSync(path.join(runDir, INSTRUMENT_ERRORS), 'utf8').split('\n')) {
        if (line) warnings.push(`not instrumented (no await detail): ${line}`);
      }
    } catch { /* none */ }
    const profiles = collector.profiles();
    debugLog('profiles merged');
    const threads = readThreadLogs(runDir).map((t) => ({ ...t, ...collector.threadParts(`${t.pid}-${t.tid}`, profiles) }));
    const raw: RawRun = {
      command: resolved.script && options.command[0] !== 'node' ? [resolved.script, ...options.command.slice(1)] : options.command,
      cwd: options.cwd,
      exitCode: result.code,
      signal: result.signal,
      error: result.error,
      stopReason: result.error ? 'error' : stopReason,
      ...(stopSignal && !result.error ? { stopSignal } : {}),
      ...(stopSignalAtHrUs !== undefined && !result.error ? { stopSignalAtHrUs } : {}),
      ...(activeAtStop.length ? { activeAtStop } : {}),
      ...(killed ? { killed } : {}),
      startHrUs, endHrUs, startEpochMs,
      cores,
      nodeVersion: process.version,
      rootPid: child?.pid,
      probePath: probeOptions.probePath,
      threads,
      processes: [...processes.values()].map((p) => ({
        pid: p.announcement.pid, ppid: p.announcement.ppid, argv: p.announcement.argv,
        traceEvents: traceByPid.get(p.announcement.pid) ?? [], attached: !!p.main,
      })),
      warnings,
      processTree: tree,
    };
    if (!procReadable(env)) raw.degraded = [...(raw.degraded ?? []), THREAD_CPU_ESTIMATED];
    if (processes.size === 0 && !result.error) warnings.push('no node process of the program could be recorded');
    warnings.push(...collector.samplingWarnings(startHrUs));
    debugLog('logs read');
    // Debugging aid: the raw recording, exactly as the analyzer sees it.
    if (process.env.CONCURRENCY_LENS_RAW) {
      fs.writeFileSync(process.env.CONCURRENCY_LENS_RAW, JSON.stringify(raw, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
    }
    const threadProfiles: ThreadProfile[] = threads.flatMap((t) => (t.profile ? [{ pid: t.pid, tid: t.tid, profile: t.profile }] : []));
    fs.rmSync(runDir, { recursive: true, force: true });
    pruneStaleFiles(runDir);
    const recording: Recording = { raw, profiles: threadProfiles };
    return recording;
  })();

  return {
    done,
    stop: (signal = 'SIGINT') => { void stop('stopped', signal); },
    kill: () => { void kill('second-stop'); },
    graceMs,
  };
}

