/** Timing traces of the recorder itself, on stderr, when CL_DEBUG is set (for developers). */
// process.hrtime, not performance.now(): the first use of `performance` loads perf_hooks, which
// the CLI does not need before it has started the program.
// One origin for every bundle of the CLI (dist/cliMain.js and dist/cliDeferred.js each have a copy of this module).
const t0: bigint = ((globalThis as any)[Symbol.for('concurrency-lens.debugLogOrigin')] ??= process.hrtime.bigint());

export function debugLog(message: string): void {
  if (!process.env.CL_DEBUG) return;
  // The CLI's own CPU so far (all its threads) and its minor page faults (each costs ~10 µs on a small VM).
  const u = process.resourceUsage();
  process.stderr.write(`[cl ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms, cpu ${((u.userCPUTime + u.systemCPUTime) / 1000).toFixed(0)} ms, faults ${u.minorPageFault}] ${message}\n`);
}
