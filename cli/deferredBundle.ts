import * as path from 'node:path';
import { runBundle } from '../recorder/codeCache';
import { userCacheRoot } from '../recorder/userCacheDir';
import { debugLog } from '../recorder/launcher/debugLog';
import { underDefaultFlags } from './ownV8Flags';

let bundle: { deferred(name: string): unknown } | undefined;

/**
 * Module `name` of dist/cliDeferred.js (cli/deferred.ts), the bundle run from its code cache on
 * first use. In dist/cliMain.js only: scripts/build.mjs turns its imports of the deferred
 * modules into calls of this.
 */
export function deferred(name: string): unknown {
  bundle ??= runBundle(path.join(__dirname, 'cliDeferred.js'), userCacheRoot(), (use) => debugLog(`deferred bundle: code cache ${use}`),
    { prefix: 'cli', byFlags: false, cacheFlags: underDefaultFlags }) as typeof bundle;
  return bundle!.deferred(name);
}
