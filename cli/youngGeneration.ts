import { measureOff } from '../recorder/measureOff';
import type { OwnFlag } from './ownFlag';

/**
 * The CLI's young generation keeps the size it has (1 MB): V8 reads this factor whenever it would
 * grow it. The analysis and the report's text allocate in bursts of objects that mostly die
 * young; the young generation's growth (up to 2 × 16 MB) was fresh memory, each 4 kB page of it a
 * fault (~13 µs on a small VM). Applied once start-up is done (ownV8Flags.ts), before the
 * recording's traffic. `CONCURRENCY_LENS_MEASURE_OFF=youngGenGrowth` keeps V8's default.
 */
export const YOUNG_GENERATION_FLAG: OwnFlag = ['semi-space-growth-factor', 1, 2];

export function youngGenerationFlags(): OwnFlag[] {
  return measureOff('youngGenGrowth') ? [] : [YOUNG_GENERATION_FLAG];
}
