import type { AnalysisContext } from '../context';

/**
 * The lanes (`pid:tid`) where a test runner ran the code under test (the probe's `testRunner`
 * record): a runner's worker threads run it async as it runs in production, so what blocks there
 * counts as on a main thread.
 */
export function lanesRunningTests(ctx: AnalysisContext): Set<string> {
  return new Set(ctx.run.threads.filter((t) => t.records.some((r) => r.t === 'testRunner')).map((t) => `${t.pid}:${t.tid}`));
}
