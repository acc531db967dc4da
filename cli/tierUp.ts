import { measureOff } from '../recorder/measureOff';
import type { OwnFlag } from './ownFlag';

/**
 * How many times V8's defaults the CLI's code runs before V8 optimizes it (TIER_UP_FACTOR).
 *
 * The CLI's heavy code runs once per recording, after the program exited: the analysis, a few
 * thousand to a few hundred thousand times round each loop. Under V8's defaults a small
 * recording's loops tier up to optimized code they then barely use, and the compiles run on V8's
 * worker threads (four) beside the analysis: on two cores, an HTTP fan-out's analysis (4,000
 * requests) ran 35–40 ms of main-thread CPU in 60–95 ms of wall, its main thread waiting its turn
 * for a core 20–40 ms while ~28 TurboFan compiles took ~100 ms of CPU. A budget four times the
 * default leaves the short loops unoptimized and still optimizes the long ones soon after they
 * start (a loaded server's 100k requests: the analysis as quick as before).
 */
const TIER_UP_FACTOR = 4;

/**
 * The budget flags by V8 major version, with each one's default (`node --v8-options`): V8 names
 * and scales them differently across versions, and refuses a flag it does not know with an error
 * on stderr. Versions not listed keep V8's defaults.
 */
type Budgets = [flag: string, defaultValue: number][];
/** Node 22 (V8 12.4) and 24 (13.6): invocations (times each function's bytecode size), per tier. */
const INVOCATION_COUNTS: Budgets = [['invocation-count-for-maglev', 400], ['invocation-count-for-turbofan', 3000]];
export const TIER_UP_FLAGS: Record<string, Budgets> = {
  // Node 20: one budget, in bytes of bytecode run.
  11: [['interrupt-budget', 67584]],
  12: INVOCATION_COUNTS,
  13: INVOCATION_COUNTS,
};

/**
 * The CLI's tier-up budgets under V8 `v8Major` (this one's by default; see TIER_UP_FACTOR),
 * applied once start-up is done (ownV8Flags.ts).
 * `CONCURRENCY_LENS_MEASURE_OFF=tierUp` keeps V8's defaults.
 */
export function tierUpFlags(v8Major = process.versions.v8.split('.')[0]): OwnFlag[] {
  if (measureOff('tierUp')) return [];
  return (TIER_UP_FLAGS[v8Major] ?? []).map(([flag, value]) => [flag, value * TIER_UP_FACTOR, value]);
}
