/**
 * dist/cli.js, the `concurrency-lens` command: runs the CLI itself (dist/cliMain.js, built from
 * cli/main.ts) from V8's code cache (codeCache.ts). Kept small: it is compiled on every run.
 */
import * as path from 'node:path';
import { runBundle } from './codeCache';
import { userCacheRoot } from '../recorder/userCacheDir';
import { debugLog } from '../recorder/launcher/debugLog';
import { setFlagsFromString } from 'node:v8';
import { measureOff } from '../recorder/measureOff';

// The young generation keeps the size it starts with (1 MB): V8 reads this factor whenever it
// would grow it. The CLI allocates in bursts (the analysis, the report's text) whose objects
// mostly die young; the growth (up to 2 × 16 MB) was fresh memory, each 4 kB page of it a fault
// (~13 µs on a small VM). After a 20M-promise run: the work after the program's exit 550–600 →
// 440–490 ms, 19,600 → 12,200 page faults; its CPU during the run is unchanged.
if (!measureOff('youngGenGrowth')) setFlagsFromString('--semi-space-growth-factor=1');

runBundle(path.join(__dirname, 'cliMain.js'), userCacheRoot(), (use) => debugLog(`code cache ${use}`));
