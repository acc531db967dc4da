import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, ChildProcess } from 'node:child_process';
import type { Report } from '../analyzer/report';
import type { RawRun, CpuProfile } from '../analyzer/raw';
import { analyze } from '../analyzer/analyze';
import type { ProfileOptions, ProfileRun, LaneProfile } from './profileOptions';
import { OPTIONS_ENV, ProbeOptions, RELEASE_START, releaseExpression } from './probeOptions';
import { debugLog } from './launcher/debugLog';
import { resolveCommand } from './launcher/command';
import { StderrFilter } from './launcher/stderrFilter';
import { Rendezvous, Announcement } from './launcher/rendezvous';
import { ClientTarget } from './launcher/target';
import { ThreadRecorder, RecorderHooks } from './launcher/threadRecorder';
import { readThreadLogs } from './launcher/threadLogs';
import { startProcessTree } from './launcher/processTree';
import { distFile } from './launcher/distFiles';
import { INSTRUMENT_ERRORS } from './probe/instrumentFile';

export { CommandError } from './launcher/command';

const CDP = require('chrome-remote-interface');
const NO_DOMAINS = { version: { major: '1', minor: '3' }, domains: [] };

/**
 * Runs a program under the inspector and records it (see ProfileOptions). Throws
 * CommandError at once for input that cannot run (missing file); after that, `done` always
 * resolves with a report, whatever the program does.
 */
export function startProfile(options: ProfileOptions): ProfileRun {
  const nodePath = options.nodePath ?? process.execPath;
  const resolved = resolveCommand(options.command, options.cwd, nodePath, options.runtimeArgs ?? []);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lens-'));
  const status = options.onStatus ?? (() => undefined);
  const warnings: string[] = [];
  const profiles = new Map<string, CpuProfile>();
  const laneProfiles: LaneProfile[] = [];
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
    NODE_OPTIONS: `--require ${JSON.stringify(probeOptions.probePath)} --inspect-publish-uid=http ${userNodeOptions}`.trim(),
    [OPTIONS_ENV]: JSON.stringify(probeOptions),
  };

  // Every profiled thread has its own V8 sampler thread: with many threads alive, sample each
  // less often so that profiling hundreds of workers does not drown the machine.
  const baseIntervalUs = options.samplingIntervalUs ?? 1000;
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  let alive = 0;
  let coarsest = baseIntervalUs;
  const hooks: RecorderHooks = {
    samplingIntervalUs: () => {
      const interval = Math.round(baseIntervalUs * Math.max(1, Math.ceil(alive / (cores * 4))));
      coarsest = Math.max(coarsest, interval);
      return interval;
    },
    threadAlive: (d) => { alive += d; },
    status,
    profileCollected: (pid, tid, profile) => profiles.set(`${pid}-${tid}`, profile),
    warn: (m) => warnings.push(m),
  };

  const attach = (a: Announcement) => {
    debugLog(`pid ${a.pid} announced`);
    const entry = { announcement: a, main: null as ThreadRecorder | null, closed: Promise.resolve() };
    processes.set(a.pid, entry);
    entry.closed = (async () => {
      const u = new URL(a.url);
      if (u.hostname !== '127.0.0.1') { warnings.push(`pid ${a.pid}: inspector not on loopback (${u.hostname}); not attached`); return; }
      let client: any;
      try {
        // We only use client.send()/client.on(): an empty protocol descriptor spares building
        // the API of every domain on each connection (~40 ms per process).
        client = await CDP({ host: u.hostname, port: Number(u.port), target: a.url, protocol: NO_DOMAINS });
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
    })();
  };
  const rendezvous = new Rendezvous(runDir, attach);

  debugLog('spawning');
  const startEpochMs = Date.now();
  const startHrUs = Number(process.hrtime.bigint() / 1000n);
  let child: ChildProcess;
  const pipeOut = options.stdio === 'pipe';
  const stderrFilter = new StderrFilter((text) => { if (pipeOut) options.onStderr?.(text); else { process.stderr.write(text); options.onStderr?.(text); } });
  let spawnError: string | undefined;
  try {
    child = spawn(resolved.file, resolved.args, {
      cwd: options.cwd, env, detached: process.platform !== 'win32',
      stdio: ['inherit', pipeOut ? 'pipe' : 'inherit', 'pipe'],
    });
  } catch (e) {
    spawnError = (e as Error).message;
    child = null as never;
  }
  // Every descendant (node or not: shells, esbuild, native compilers) is sampled from /proc.
  const processTree = startProcessTree(child?.pid, 100, (pid) => processes.has(pid));
  child?.stdout?.setEncoding('utf8').on('data', (d: string) => options.onStdout?.(d));
  child?.stderr?.setEncoding('utf8').on('data', (d: string) => stderrFilter.push(d));

  const exited = new Promise<{ code: number | null; signal: string | null; error?: string }>((resolve) => {
    if (!child) { resolve({ code: null, signal: null, error: spawnError }); return; }
    child.on('error', (e) => resolve({ code: null, signal: null, error: `could not start ${resolved.file}: ${e.message}` }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

  const killTree = (signal: NodeJS.Signals) => {
    if (!child?.pid) return;
    try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
  };

  const stop = async (reason: RawRun['stopReason']) => {
    if (stopping) return;
    stopping = true;
    stopReason = reason;
    status('stopping: collecting CPU profiles…');
    const mains = [...processes.values()].map((p) => p.main).filter((m): m is ThreadRecorder => !!m);
    await Promise.all(mains.map((m) => m.flushProbes()));
    await Promise.all(mains.map((m) => m.collect().catch(() => undefined)));
    killTree('SIGINT');
    const forced = setTimeout(() => killTree('SIGKILL'), 3000);
    await exited;
    clearTimeout(forced);
  };

  // Never leave the program behind if the recorder itself goes away.
  const onRecorderExit = () => killTree('SIGKILL');
  process.once('exit', onRecorderExit);
  void exited.then(() => process.removeListener('exit', onRecorderExit));

  const durationTimer = options.durationMs ? setTimeout(() => void stop('duration'), options.durationMs) : null;

  const done = (async (): Promise<Report> => {
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
    const threads = readThreadLogs(runDir).map((t) => ({ ...t, profile: profiles.get(`${t.pid}-${t.tid}`) }));
    const raw: RawRun = {
      command: resolved.script && options.command[0] !== 'node' ? [resolved.script, ...options.command.slice(1)] : options.command,
      cwd: options.cwd,
      exitCode: result.code,
      signal: result.signal,
      error: result.error,
      stopReason: result.error ? 'error' : stopReason,
      startHrUs, endHrUs, startEpochMs,
      cores,
      nodeVersion: process.version,
      blockingThresholdMs: options.blockingThresholdMs ?? 20,
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
    if (processes.size === 0 && !result.error) warnings.push('no node process of the program could be recorded');
    if (coarsest > baseIntervalUs) warnings.push(`with many threads alive, CPU sampling was slowed to every ${coarsest / 1000} ms for threads that started then`);
    debugLog('logs read');
    // Debugging aid: the raw recording, exactly as the analyzer sees it.
    if (process.env.CONCURRENCY_LENS_RAW) {
      fs.writeFileSync(process.env.CONCURRENCY_LENS_RAW, JSON.stringify(raw, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
    }
    const report = analyze(raw);
    debugLog('analyzed');
    for (const lane of report.lanes) {
      const profile = profiles.get(`${lane.pid}-${lane.threadId}`);
      if (profile) laneProfiles.push({ laneId: lane.id, label: lane.label, profile });
    }
    fs.rmSync(runDir, { recursive: true, force: true });
    return report;
  })();

  return {
    done,
    stop: () => { void stop('stopped'); },
    profiles: laneProfiles,
  };
}
