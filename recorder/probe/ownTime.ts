import { now } from './clock';

/**
 * The probe's own synchronous work on the program's thread, which a plain run would not have done.
 * It holds the thread's event loop as the program's own work does: the lag ticks leave it out
 * (index.ts, startLagTicks). Two kinds, counted apart because the report states each:
 *
 * - `load`: the probe's work as the program loads its modules: instrumenting a file (the
 *   instrumenter's load the first time, parsing, the cache), transpiling TypeScript, and the
 *   runtime's registering of an instrumented file's site table as the file runs. On a run that
 *   meets a file for the first time (every run of a fresh CI machine), instrumenting a small
 *   script read as 25–35 ms of start-up lag in a program that only slept.
 * - `chunks`: ending and starting the thread's CPU profile chunks (threadGauges.ts,
 *   profileChunker). Ending one makes V8 build that chunk's profile and the inspector serialize
 *   it, on this thread, in time that grows with the chunk's distinct stacks (~6–11 µs a node
 *   here): up to ~290 ms a chunk in a program of 1 ms tasks over deep, varied stacks
 *   (cli/fixtures/truth/wide-profile.js), 8–31 ms in jest's main process. Counted in, they read
 *   as that program's lag (p99 199–305 ms; its own tasks hold the loop ~1 ms).
 *
 * Per thread (a module's state is per thread). Nested calls count once, as the outer one's kind.
 */
export type OwnWorkKind = 'load' | 'chunks';

const ownMs: Record<OwnWorkKind, number> = { load: 0, chunks: 0 };
let depth = 0;

/** Milliseconds this thread has spent in `asOwnWork` for the program's files so far (kind `load`). */
export function ownLoadMs(): number {
  return ownMs.load;
}

/** Milliseconds this thread has spent ending and starting its CPU profile chunks so far (kind `chunks`). */
export function ownChunkMs(): number {
  return ownMs.chunks;
}

/** Milliseconds of the probe's own work of every kind so far: what the lag ticks leave out. */
export function ownWorkMs(): number {
  return ownMs.load + ownMs.chunks;
}

/** Runs `work`, counting its time as the probe's own of `kind` (see above). */
export function asOwnWork<T>(work: () => T, kind: OwnWorkKind = 'load'): T {
  if (depth > 0) return work();
  depth++;
  const t0 = now();
  try {
    return work();
  } finally {
    depth--;
    ownMs[kind] += now() - t0;
  }
}

/**
 * A lag timer's deadline: `ms` from when it was last `set()`, moved by the probe's own work since
 * (ownWorkMs), so that a tick's lag is measured as if that work had not happened. The probe's
 * lag ticks (index.ts) and an attached process's agent (attachAgent.ts) keep theirs so.
 */
export function ownWorkDeadline(ms: number): { set(): void; due(): number } {
  let expected = 0;
  let ownAtExpected = 0;
  return {
    set: () => { expected = now() + ms; ownAtExpected = ownWorkMs(); },
    due: () => expected + (ownWorkMs() - ownAtExpected),
  };
}
