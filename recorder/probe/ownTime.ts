import { now } from './clock';

/**
 * The probe's own synchronous work while the program loads its modules: instrumenting a file
 * (the instrumenter's load the first time, parsing, the cache), transpiling TypeScript, and the
 * runtime's registering of an instrumented file's site table as the file runs. It
 * holds the thread's event loop as the program's own module loading does, but the program run
 * plainly would not have done it: the lag ticks leave it out (index.ts, startLagTicks). On a run
 * that meets a file for the first time (every run of a fresh CI machine), instrumenting a small
 * script read as 25–35 ms of start-up lag in a program that only slept.
 *
 * Per thread (a module's state is per thread). Nested calls count once.
 */
let ownMs = 0;
let depth = 0;

/** Milliseconds this thread has spent in `asOwnWork` so far. */
export function ownLoadMs(): number {
  return ownMs;
}

/** Runs `work`, counting its time as the probe's own (see above). */
export function asOwnWork<T>(work: () => T): T {
  if (depth > 0) return work();
  depth++;
  const t0 = now();
  try {
    return work();
  } finally {
    depth--;
    ownMs += now() - t0;
  }
}
