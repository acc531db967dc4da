import { setFlagsFromString } from 'node:v8';
import { measureOff } from '../recorder/measureOff';

/**
 * The CLI's young generation keeps the size it starts with (1 MB): V8 reads this factor whenever
 * it would grow it. The analysis and the report's text allocate in bursts of objects that mostly
 * die young; the young generation's growth (up to 2 × 16 MB) was fresh memory, each 4 kB page of
 * it a fault (~13 µs on a small VM). Set as the CLI starts, before any code cache is read or
 * made: V8's code cache carries a hash of its flags, and a cache made under other flags is
 * refused (set once the CLI had started, every run refused the cache the last one made).
 */
export function holdYoungGeneration(): void {
  if (!measureOff('youngGenGrowth')) setFlagsFromString('--semi-space-growth-factor=1');
}
