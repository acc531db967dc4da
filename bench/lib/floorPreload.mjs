// The floor's preload (bench/lib/v8Floor.ts), bundled once per bench run into a file of its own
// (it imports the analyzer's launcher list, TypeScript). timedRun's `floor` option runs under it.
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './timedRun.mjs';

/** Bundles the preload into `dir`; returns its path. */
export function buildFloorPreload(dir) {
  const outfile = join(dir, 'v8Floor.cjs');
  buildSync({ entryPoints: [join(ROOT, 'bench/lib/v8Floor.ts')], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning' });
  return outfile;
}
