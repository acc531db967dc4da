/** Timing traces of the recorder itself, on stderr, when CL_DEBUG is set (for developers). */
const t0 = performance.now();

export function debugLog(message: string): void {
  if (process.env.CL_DEBUG) process.stderr.write(`[cl ${(performance.now() - t0).toFixed(0)} ms] ${message}\n`);
}
