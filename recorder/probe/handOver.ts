/**
 * Hand-overs: a thread that runs another program with the child_process sync calls and inherited
 * stdio (`execFileSync(tool, args, { stdio: 'inherit' })`) gives that program its terminal and
 * does nothing until it ends. Node shims of native tools are made of this (TypeScript 7's `tsc`,
 * biome, turbo, esbuild's fallback), and so are build scripts (`execSync('npm run build',
 * { stdio: 'inherit' })`); the waits last as long as the tool runs.
 *
 * While the thread is blocked there, V8's sampler still interrupts it every interval (a signal
 * and a stack walk that finds the same native frame) and its profiler thread processes each
 * tick: on a 2-core machine that took the cores from the tool itself (`npx tsc` of TypeScript 7,
 * whose native compiler keeps both cores busy: 1.26× the plain run's wall time, 1.11× with the
 * pause; medians of 5 alternating runs). So the probe ends the thread's CPU profile chunk before such
 * a call (no profile runs: V8's sampler stops) and starts the next when it returns (V8's profiler
 * start, ~10 ms of the thread's time, once per hand-over). A recorder's rotation that comes in
 * between (in the call's own JavaScript, before or after the wait) starts no chunk: one started
 * before the wait sampled all of it. The wait is logged (`handOver` record: what ran, when,
 * the thread's own CPU meanwhile) and the report says the thread was not sampled then.
 *
 * The three sync calls of child_process are wrapped in Proxies of themselves (same name, length,
 * properties): Node publishes no diagnostics channel for them, and the sampler must be stopped
 * before the thread blocks. Other calls (pipes, captured output: `execSync('git rev-parse HEAD')`)
 * are not paused and are sampled as before: they are short, and a profiler restart would cost
 * more than their samples. Every call's `env` of its own keeps the recording's variables
 * (childEnv.ts), through the same wrappers.
 *
 * A thread whose program never loads child_process does not load it for this either (it took
 * ~6.5 ms of every process's and worker's start, most of them leaves that spawn nothing): the
 * calls are wrapped as the program's first `require()` of it returns (CommonJS), or at once when
 * it is loaded already or the thread's entry point runs as an ES module (an `import` of a
 * built-in reaches no CommonJS hook). An ES module imported later by a CommonJS entry that is the
 * first to load child_process gets the unwrapped calls: its hand-overs are then sampled as any
 * other blocking call (what the wait costs, not what the report says).
 */
import { now } from './clock';
import { threadRunMs } from './threadCpuClock';

/** What the probe logs of a paused hand-over (analyzer/raw.ts `handOver`): probe clock; the thread's on-CPU ms at both ends (-1: unknown). */
export interface HandOver { call: string; command: string; at: number; until: number; cpuAt: number; cpuUntil: number }

/** The thread's CPU profile chunks (threadGauges.ts profileChunker). */
export interface PausableChunks {
  /** Ends the running chunk and starts none (V8's sampler stops when no other profile runs); true if one ran. */
  pause(): boolean;
  /**
   * Starts the next chunk if none runs (a rotation may have started one meanwhile); returns when
   * the running chunk started (now(): the sampling resumed then).
   */
  resume(): number;
}

const SYNC_CALLS = ['spawnSync', 'execFileSync', 'execSync'] as const;
/** Longest command text kept in a record. */
const MAX_COMMAND_CHARS = 200;

/**
 * Wraps child_process's sync calls so that a hand-over pauses `chunker`'s profile; `done` gets each
 * paused one. `esmEntry`: the thread's entry point runs as an ES module (wrapped at once).
 */
export function pauseSamplingInHandOvers(chunker: PausableChunks, done: (h: HandOver) => void, esmEntry: boolean, argsFor: (args: unknown[]) => unknown[] = (a) => a): void {
  const wrap = () => wrapSyncCalls(chunker, done, argsFor);
  const loaded: boolean = (process as any).moduleLoadList?.includes('NativeModule child_process') ?? true;
  if (esmEntry || loaded) wrap();
  else whenFirstRequired('child_process', wrap);
}

/**
 * Calls `then` once, as the first CommonJS `require()` of built-in `name` returns (before the
 * caller has its exports), then takes its hook out of Module._load again if it is still the
 * outermost (else it stays, doing nothing more).
 */
function whenFirstRequired(name: string, then: () => void): void {
  const Module = require('node:module');
  const load = Module._load;
  let due = true;
  const hook = function (this: unknown, request: unknown, ...rest: unknown[]) {
    const exports = load.call(this, request, ...rest);
    if (due && (request === name || request === `node:${name}`)) {
      due = false;
      if (Module._load === hook) Module._load = load;
      try { then(); } catch { /* the calls stay unwrapped */ }
    }
    return exports;
  };
  Module._load = hook;
}

/** `argsFor`: the arguments each call is made with, from the program's (childEnv.ts: an env of its own keeps the recording's variables). */
function wrapSyncCalls(chunker: PausableChunks, done: (h: HandOver) => void, argsFor: (args: unknown[]) => unknown[]): void {
  // The module object itself (an `import * as` namespace in this bundle is a read-only copy).
  const cp = require('node:child_process') as Record<string, unknown>;
  for (const call of SYNC_CALLS) {
    const original = cp[call];
    if (typeof original !== 'function') continue;
    const wrapped = new Proxy(original as (...args: unknown[]) => unknown, {
      apply(target, thisArg, given) {
        const args = argsFor(given);
        if (!handsOver(args)) return Reflect.apply(target, thisArg, args);
        const cpuAt = threadRunMs();
        // False when no chunk runs (none yet, or an enclosing hand-over paused it): nothing to resume.
        const paused = chunker.pause();
        // The hole in the profile: from here (the sampler stopped in pause) until resume starts
        // the next chunk after the call (a rotation in between starts none: profileChunker).
        const at = now();
        try {
          return Reflect.apply(target, thisArg, args);
        } finally {
          if (paused) {
            const cpuUntil = threadRunMs();
            const until = chunker.resume();
            // Never into the program: its result or its exception stands. (resume starts the
            // next chunk now, so `until` equals `at` only for a call within the clock's resolution: no hole.)
            if (until > at) try { done({ call: `child_process.${call}`, command: commandOf(args), at, until, cpuAt, cpuUntil }); } catch { /* not recorded */ }
          }
        }
      },
    });
    try { cp[call] = wrapped; } catch { /* read-only in some builds */ }
  }
  require('node:module').syncBuiltinESMExports();
}

/** The options argument of spawnSync/execFileSync (file, [args], [options]) and execSync (command, [options]). */
function optionsOf(args: unknown[]): Record<string, unknown> | undefined {
  const o = Array.isArray(args[1]) ? args[2] : args[1];
  return o !== null && typeof o === 'object' ? o as Record<string, unknown> : undefined;
}

/** Whether the call gives the child this process's stdout and stderr (a hand-over), as Node's stdio option says it. */
export function handsOver(args: unknown[]): boolean {
  let stdio: unknown;
  try { stdio = optionsOf(args)?.stdio; } catch { return false; } // a getter that throws: Node throws it, not us
  if (stdio === 'inherit') return true;
  return Array.isArray(stdio) && inherits(stdio[1], 1) && inherits(stdio[2], 2);
}

/** 'inherit', the fd itself, or a stream on it (process.stdout: its `fd`). */
function inherits(v: unknown, fd: number): boolean {
  if (v === 'inherit' || v === fd) return true;
  if (v === null || typeof v !== 'object') return false;
  try { return (v as { fd?: unknown }).fd === fd; } catch { return false; }
}

function commandOf(args: unknown[]): string {
  const parts = [args[0], ...(Array.isArray(args[1]) ? args[1] : [])].map((a) => (typeof a === 'string' ? a : typeof a));
  const text = parts.join(' ');
  return text.length > MAX_COMMAND_CHARS ? `${text.slice(0, MAX_COMMAND_CHARS - 1)}…` : text;
}

/**
 * `process.execve` (Node ≥ 22.15, a main thread): the process replaces itself with another
 * program (TypeScript 7's `tsc` does, where it can, instead of waiting for its compiler). Nothing
 * of the probe survives that, nor the inspector: `before` gets the command first, and hands the
 * thread over as at its exit (the recorder collects its profile), so that what it recorded is
 * kept and the report can say what the pid ran next. `failed` runs if the call throws (the
 * program goes on, unprofiled from there).
 */
export function beforeExecve(before: (command: string) => void, failed: () => void): void {
  const execve = (process as unknown as Record<string, unknown>).execve;
  if (typeof execve !== 'function') return;
  const wrapped = new Proxy(execve as (...args: unknown[]) => unknown, {
    apply(target, thisArg, args) {
      // (file, args = [], env): args holds argv[0] first.
      try { before(commandOf([args[0], Array.isArray(args[1]) ? args[1].slice(1) : []])); } catch { /* not recorded */ }
      try {
        return Reflect.apply(target, thisArg, args);
      } catch (e) {
        try { failed(); } catch { /* not recorded */ }
        throw e;
      }
    },
  });
  try { (process as unknown as Record<string, unknown>).execve = wrapped; } catch { /* read-only */ }
}
