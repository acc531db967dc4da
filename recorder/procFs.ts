import * as fs from 'node:fs';

/**
 * Linux's /proc gives per-thread CPU time (schedstat) and process figures no portable API has.
 * Where it is missing (macOS, Windows, a locked-down container), or switched off with
 * CONCURRENCY_LENS_NO_PROC=1 (which makes the fallbacks testable on Linux), the recorder and
 * the probe estimate instead and the report says so (`program.degraded`).
 */
export const NO_PROC_ENV = 'CONCURRENCY_LENS_NO_PROC';

/** Whether /proc readers may be used by a process with this environment. */
export function procReadable(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env): boolean {
  return env[NO_PROC_ENV] !== '1' && process.platform === 'linux' && fs.existsSync('/proc/thread-self/schedstat');
}

/** What `program.degraded` says when per-thread CPU time could not be read (the analyzer looks for it: analyzer/raw.ts). */
export { THREAD_CPU_ESTIMATED } from '../analyzer/raw';
