/**
 * Before this thread ends what the recorder records, the recorder takes what it has not streamed
 * yet. Two calls end another thread or process wherever it is, and what it had not streamed went
 * with it: its CPU profile chunk in progress and the probe's records since its last write.
 *
 * - `worker.terminate()`: pools terminate() their workers as a matter of course (piscina's and
 *   tinypool's destroy(), idle timeouts, a task's abort). The recorder has the worker's probe
 *   write its records and ends its last chunk (collected as at the worker's own exit).
 * - `child.kill(signal)` with a signal that ends a process by default: pools end their worker
 *   processes so (vitest's forks pool: fork.kill(), then SIGKILL if it lingers; jest-worker's and
 *   workerpool's forced ends; node --test's timeouts); and `process.kill(pid, signal)` of another
 *   process (tree-kill and supervisors end a program's processes by pid), or of a process group
 *   (`process.kill(-pgid, signal)`: Playwright ends a web server it launched, detached, so). The
 *   recorder has every thread of each process it records that the signal reaches write its records
 *   and makes a seam in each (its chunk in progress ends, the next starts): the process may also run
 *   on (a SIGTERM handler), recorded as before.
 *
 * So before either call this thread calls the recorder's BEFORE_END_BINDING and waits, bounded,
 * in the gate it waits in at start and exit (arrival.ts); then the call goes on as made. A thread
 * or process the recorder does not record (not attached yet, gone, a launcher) is released at once.
 *
 * What the program sees: terminate and the kills are Proxies of themselves (beforeCalls.ts),
 * called with the same `this` and arguments, their results and exceptions the same; a call is only
 * later by the recorder's round trip (~3–30 ms on a 2-core machine; ~1–2 ms for a process it does
 * not record; the recorder holds a kill() at most ~250 ms: threadRecorder.ts SIGNAL_SEAM_WAIT_MS). Only while `recording()` (not once this thread has been handed over, except
 * for a process's main thread handed over at its 'exit' event: cleanup code kills its children
 * from its own 'exit' listener, which runs after the probe's),
 * only where the recorder installed the binding (not an attached process), never for a worker or
 * child that has exited, for this process itself, its own group or every process (pid 0 or -1), nor for a kill
 * that does not end a process by default (signal 0, SIGUSR1, SIGCONT, SIGSTOP…), and never longer
 * than BEFORE_END_WAIT_LIMIT_MS. terminate() and child.kill() are installed as the thread creates
 * its first worker or child process (Node's diagnostics channels): a thread loads neither module
 * for this.
 *
 * A worker that exits ends the workers it started with it (process.exit() with one still running):
 * it makes the same request for each first (index.ts, before its exit's hand-over), with the
 * function collectBeforeEnds returns.
 */
import * as dc from 'node:diagnostics_channel';
import { waitForRecorder } from './arrival';
import { workerThreads } from './thread';
import { beforeCalls } from './beforeCalls';
import { BEFORE_END_BINDING, RELEASE_BEFORE_END, type BeforeEnd } from '../probeOptions';

/** The longest a terminate() or kill() waits for the recorder (a loaded machine's round trips take tens of ms). */
const BEFORE_END_WAIT_LIMIT_MS = 1000;
/** Phases of the waits before an end: RELEASE_BEFORE_END and this many after it, in turn. */
const PHASES = 0x10000;

/** Signals whose default action ends a process (signal(7)), by name; kill()'s default is SIGTERM. */
const ENDING = new Set(['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGABRT', 'SIGIOT', 'SIGUSR2', 'SIGALRM',
  'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGXFSZ', 'SIGBUS', 'SIGSEGV', 'SIGILL', 'SIGFPE', 'SIGTRAP', 'SIGSYS', 'SIGPOLL', 'SIGIO', 'SIGPWR', 'SIGSTKFLT', 'SIGLOST']);

/** The name of the ending signal a kill() with `signal` sends, or undefined (not ending, or not a valid signal: kill() throws as it would). */
export function endingSignal(signal: unknown): string | undefined {
  if (signal === undefined) return 'SIGTERM';
  if (typeof signal === 'number') {
    if (signal === 0) return undefined; // a liveness check (the probe's own too: arrival.ts)
    const signals = (require('node:os') as typeof import('node:os')).constants.signals as Record<string, number>;
    return Object.keys(signals).find((name) => signals[name] === signal && ENDING.has(name));
  }
  return typeof signal === 'string' && ENDING.has(signal) ? signal : undefined;
}

/**
 * The longest such a call waits once this thread has been handed over at its 'exit' (a kill() in
 * an 'exit' listener that runs after the probe's): above the recorder's own bound for a seam
 * before a signal (SIGNAL_SEAM_WAIT_MS, 250 ms), below BEFORE_END_WAIT_LIMIT_MS, so that the
 * process's end is not held long should the recorder no longer answer.
 */
const AT_EXIT_WAIT_LIMIT_MS = 500;

/**
 * `recording()`: whether the recorder still takes this thread's calls: 'running', 'atExit' (the
 * thread was handed over at its 'exit' event, and the recorder stays connected until the process
 * waits for it to disconnect: threadRecorder.ts collectAndRelease), or false (handed over
 * otherwise: nothing is asked).
 */
export function collectBeforeEnds(recording: () => 'running' | 'atExit' | false): (what: { worker: number }) => void {
  let calls = 0;
  const askFirst = (what: { worker: number } | { pid: number; signal: string }): void => {
    const binding = (globalThis as any)[BEFORE_END_BINDING];
    const state = typeof binding === 'function' && recording();
    if (!state) return;
    const request: BeforeEnd = { ...what, phase: RELEASE_BEFORE_END + (calls++ % PHASES) };
    try {
      binding(JSON.stringify(request));
      waitForRecorder(request.phase, state === 'atExit' ? AT_EXIT_WAIT_LIMIT_MS : BEFORE_END_WAIT_LIMIT_MS);
    } catch { /* no inspector session: nothing to wait for */ }
  };
  onFirst('worker_threads', () => {
    beforeCalls((workerThreads() as any).Worker?.prototype, 'terminate', (_args, worker: any) => {
      const tid = worker?.threadId;
      if (tid > 0) askFirst({ worker: tid });
    });
  });
  onFirst('child_process', () => {
    const { ChildProcess } = require('node:child_process') as typeof import('node:child_process');
    beforeCalls(ChildProcess?.prototype, 'kill', (args, child: any) => {
      const pid = child?.pid;
      if (!(pid > 0) || child.exitCode !== null || child.signalCode !== null) return;
      const signal = endingSignal(args[0]);
      if (signal) askFirst({ pid, signal });
    });
  });
  beforeCalls(process, 'kill', (args) => {
    const pid = args[0];
    // A pid below -1 is a process group (kill(2)): Playwright ends a web server it launched, and
    // everything that server started, with process.kill(-pid, 'SIGKILL').
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || (pid <= 0 && pid >= -1) || pid === process.pid) return;
    const signal = endingSignal(args[1]);
    if (signal) askFirst({ pid, signal });
  });
  // A worker that exits ends the workers it started with it (index.ts: before its exit's hand-over).
  return askFirst;
}

/** Runs `install` at the first message of diagnostics channel `name` (its module is loaded by then). */
function onFirst(name: string, install: () => void): void {
  let installed = false;
  dc.subscribe(name, () => {
    if (installed) return;
    installed = true;
    install();
  });
}
