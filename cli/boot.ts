/**
 * dist/cli.js, the `concurrency-lens` command: runs the CLI itself (dist/cliMain.js, built from
 * cli/main.ts) from V8's code cache (recorder/codeCache.ts). Kept small: it is compiled on every run.
 */
import * as path from 'node:path';
import { runBundle } from '../recorder/codeCache';
import { userCacheRoot } from '../recorder/userCacheDir';
import { debugLog } from '../recorder/launcher/debugLog';
import { applyOwnFlags, underDefaultFlags } from './ownV8Flags';

// Start-up runs under V8's defaults where V8 allows it (see there); otherwise the flags apply now,
// before any code cache is read or made.
applyOwnFlags('boot');
runBundle(path.join(__dirname, 'cliMain.js'), userCacheRoot(), (use) => debugLog(`code cache ${use}`),
  { prefix: 'cli', byFlags: false, cacheFlags: underDefaultFlags });
