/**
 * dist/probeBoot.js, what NODE_OPTIONS `--require`s into every process and worker thread of a
 * profiled program: runs the probe itself (dist/probe.js, built from index.ts) from V8's code
 * cache (recorder/codeCache.ts), so that no process or thread compiles it again (its top level
 * and the functions its start runs: ~5 ms of CPU per worker thread). Kept small: it is compiled
 * in every one. The probe keeps its own file name (dist/probe.js: its frames are the probe's,
 * recorder/probeOptions.ts probePath); a failing cache falls back to compiling it.
 */
import * as path from 'node:path';
import { runBundle } from '../codeCache';
import { userCacheRoot } from '../userCacheDir';

/**
 * What decides whether V8 takes the data besides the bundle: its flags, which the program's
 * processes may be given on their command line or in NODE_OPTIONS (the inspector's are Node's).
 */
const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].filter((f) => !/^--inspect/.test(f)).join('\0');
runBundle(path.join(__dirname, 'probe.js'), userCacheRoot(), undefined, { prefix: 'probe', key: flags });
