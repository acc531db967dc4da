/** Timing traces of the recorder itself, on stderr, when CL_DEBUG is set (for developers). */
// process.hrtime, not performance.now(): the first use of `performance` loads perf_hooks, which
// the CLI does not need before it has started the program.
const t0 = process.hrtime.bigint();

export function debugLog(message: string): void {
  if (process.env.CL_DEBUG) process.stderr.write(`[cl ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms] ${message}\n`);
}
