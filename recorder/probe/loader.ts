/**
 * dist/probeLoader.js, what NODE_OPTIONS preloads (`--require`) into every recorded process and
 * thread: runs the probe (dist/probe.js, built from index.ts) from V8's code cache
 * (recorder/codeCache.ts). Compiling the probe's 66 kB, and the functions its start compiles
 * lazily, was ~4.5 ms of each worker thread's CPU (bench/workerStart.mjs: a worker's thread CPU
 * at its first line, probe loaded and no recorder, 38.0 → 33.6 ms against 26.7 plain). One cache
 * per Node version and set of flags (BundleOptions.byFlags), written by the first thread that
 * found none, 150 ms into its run or at its exit. Kept small: it is compiled in every thread.
 */
import * as path from 'node:path';
import { runBundle } from '../codeCache';
import { userCacheRoot } from '../userCacheDir';
import { PROBE_LOADER, type ProbeLoaderHandoff } from '../probeOptions';

/** A missing cache is written this long after the probe ran (its start and first ticks compiled), or at exit. */
const PROBE_CACHE_WRITE_MS = 150;

runBundle(path.join(__dirname, 'probe.js'), userCacheRoot(), (use) => {
  const handoff: ProbeLoaderHandoff = { codeCache: use, importModule: (specifier) => import(specifier) };
  (globalThis as any)[PROBE_LOADER] = handoff;
}, { prefix: 'probe', byFlags: true, writeAfterMs: PROBE_CACHE_WRITE_MS });
