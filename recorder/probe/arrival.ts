/**
 * The probe's arrival in a thread, and its hand-over with the recorder. This module is the first
 * of the probe to run (probe/index.ts imports it first): a process's main thread opens its
 * inspector and announces itself (the rendezvous file) as the probe starts loading, before the
 * rest of the probe is evaluated and set up. The recorder then connects and sends its start
 * commands while the probe loads (the inspector runs them between the probe's own statements, as
 * interrupts), instead of after: the ~15–25 ms of the probe's load overlap the recorder's
 * reaction to the file and its connection (~20 ms), in every process the program starts.
 *
 * Nothing of the program runs before the profiler is started, as before: the recorder's release
 * (RELEASE_START) is kept in the gate until the probe, set up, waits for it (index.ts,
 * awaitRecorder). Until the probe's runtime takes its place, `globalThis[PROBE_GLOBAL]` holds
 * only `release`, so the recorder's release is never lost; its other expressions find nothing
 * to call (`?.`) and say so (a rotation then keeps its chunk).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, workerThreads } from './thread';
import { inspectorAccess } from './inspectorAccess';
import { readProbeOptions, PROBE_GLOBAL, type ProbeOptions } from '../probeOptions';
import { launcherName } from '../../analyzer/launchers';
// The probe's own waits are not the program's: Atomics.wait as it was before the probe sliced it.
import { originalAtomicsWait } from './atomicsWait';

const gate = new Int32Array(new SharedArrayBuffer(4));
let recorderPid = 0;

/** How the probe arrived in this thread: null when it records nothing here (see arrive). */
export interface Arrival {
  options: ProbeOptions;
  /** A launcher's name (npm, npx…: a process's main thread that runs no user code); undefined otherwise. */
  launcher?: string;
  /** This process's inspector address, announced to the recorder (a main thread that is not a launcher). */
  url?: string;
  /** Why a main thread that is not a launcher has no inspector (it cannot be attached; it runs on). */
  noInspector?: string;
  /** Whether the recorder was told to attach (the thread must wait for its release before user code runs). */
  awaitsRecorder: boolean;
}

export const arrival: Arrival | null = arrive();

/**
 * Null when there is nothing to record: no options (not under the recorder), Node's ESM loader
 * thread (the only worker without a parentPort: it runs hooks, not the program), or the probe
 * already loaded in this thread. Never throws into the program.
 */
function arrive(): Arrival | null {
  const options = readProbeOptions();
  const isLoaderThread = !isMainThread && workerThreads().parentPort === null;
  if (!options || isLoaderThread || (globalThis as any)[PROBE_GLOBAL]) return null;
  recorderPid = options.recorderPid;
  (globalThis as any)[PROBE_GLOBAL] = { release };
  if (!isMainThread) return { options, awaitsRecorder: false };
  const launcher = launcherName(process.argv, true);
  // A launcher is not attached: see announce.
  if (launcher) { announce(options.runDir, { launcher }); return { options, launcher, awaitsRecorder: false }; }
  let url: string | undefined;
  try {
    // In a process's main thread only: workers open no inspector.
    const inspector = inspectorAccess();
    if (!inspector.url()) inspector.open(0, '127.0.0.1');
    url = inspector.url();
  } catch (e) {
    // Node throws a plain string here ("This Environment was initialized without a V8::Inspector").
    return { options, noInspector: e instanceof Error ? e.message : String(e), awaitsRecorder: false };
  }
  if (!url) return { options, noInspector: 'the inspector did not start', awaitsRecorder: false };
  return { options, url, awaitsRecorder: announce(options.runDir, { url }) };
}

/**
 * Writes this process's rendezvous file (recorder/launcher/rendezvous.ts): its inspector's `url`
 * for the recorder to attach to, or, for a launcher, its name. A launcher is not attached, so it
 * opens no inspector and never waits for the recorder: it costs the run no connection, profiler
 * start or stop (~2 round trips and ~20–40 ms of CPU each). Its children still load the probe
 * (they inherit NODE_OPTIONS) and are recorded in full. False when the run directory is gone
 * (the recorder stopped).
 */
function announce(runDir: string, how: { url: string } | { launcher: string }): boolean {
  try {
    const file = path.join(runDir, `attach-${process.pid}.json`);
    fs.writeFileSync(file + '.tmp', JSON.stringify({ pid: process.pid, ppid: process.ppid, argv: process.argv, ...how }));
    fs.renameSync(file + '.tmp', file);
    return true;
  } catch { return false; }
}

/** A cluster worker (Node deletes NODE_UNIQUE_ID before preloads run; a cluster worker has loaded cluster/child by then). */
export function isClusterWorker(): boolean {
  return ((process as any).moduleLoadList as string[] | undefined)?.includes('NativeModule internal/cluster/child') ?? false;
}

/** Ends the thread's wait of `phase` (the recorder evaluates releaseExpression; the probe's loop switch calls it too). */
export function release(phase: number): void {
  Atomics.store(gate, 0, phase);
  Atomics.notify(gate, 0);
}

/**
 * Blocks this thread until the recorder releases it (RELEASE_EXPRESSION), at most `limitMs`,
 * and never longer than the recorder lives. A release that came before the wait (the recorder
 * was quicker than the probe's load) ends it at once. The inspector keeps dispatching the
 * recorder's commands while the thread sleeps in Atomics.wait (they arrive as interrupts),
 * unlike a plain busy wait; unlike inspector.waitForDebugger() the wait is bounded.
 */
export function waitForRecorder(phase: number, limitMs: number): boolean {
  const end = Date.now() + limitMs;
  for (let seen = Atomics.load(gate, 0); seen !== phase && Date.now() < end && recorderAlive(); seen = Atomics.load(gate, 0)) {
    originalAtomicsWait(gate, 0, seen, 2);
  }
  return Atomics.exchange(gate, 0, 0) === phase;
}

function recorderAlive(): boolean {
  try { process.kill(recorderPid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
