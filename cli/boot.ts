/**
 * dist/cli.js, the `concurrency-lens` command: runs the CLI itself (dist/cliMain.js, built from
 * cli/main.ts) from V8's code cache (recorder/codeCache.ts). Kept small: it is compiled on every run.
 */
import * as path from 'node:path';
import { runBundle } from '../recorder/codeCache';
import { userCacheRoot } from '../recorder/userCacheDir';
import { debugLog } from '../recorder/launcher/debugLog';
import { holdYoungGeneration } from './youngGeneration';
import { slowerTierUp } from './tierUp';

// Both before any code cache is read or made (see there).
holdYoungGeneration();
slowerTierUp();

runBundle(path.join(__dirname, 'cliMain.js'), userCacheRoot(), (use) => debugLog(`code cache ${use}`));
