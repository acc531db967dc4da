/**
 * dist/cliDeferred.js: what `profile` needs only once the program is spawned (the CDP client, the
 * analyzer and the report writers) and the other commands, in a bundle of its own. The start-up
 * bundle (dist/cliMain.js: arguments, the launcher) is compiled from V8's code cache before the
 * program is spawned, on its critical path; this one is compiled from its own cache while the
 * program boots, when one of these modules is first asked for. scripts/build.mjs maps cliMain's
 * imports of these names to `deferred(name)` (cli/deferredBundle.ts); from the sources (tests,
 * the extension) they are plain imports.
 */
import { loadCdpClient, loadWebSocket } from '../recorder/launcher/target';

/** The module cliMain imports as `name` (its exports), evaluated on first use. */
export function deferred(name: string): unknown {
  switch (name) {
    case 'chrome-remote-interface': return loadCdpClient();
    case 'ws': return loadWebSocket();
    case './finishProfile.js': return require('./finishProfile');
    case './attach.js': return require('./attach');
    case './compare.js': return require('./compare');
    case './matrix.js': return require('./matrix');
    case './usage.js': return require('./usage');
    default: throw new Error(`no deferred module '${name}'`);
  }
}
