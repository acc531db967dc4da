/**
 * The part of the probe that parses and instruments (acorn and the transform): a bundle of
 * its own (dist/instrumenter.js), loaded only when a thread meets a file that is not in the
 * run's cache yet. Most worker threads never load it.
 */
import { instrument } from './transform';
import { syncCallNames, poolCallNames } from './ioNames';

let names: { sync: Set<string>; pool: Set<string> } | null = null;

/**
 * `original`: the user's file when the map left its text out (originalWithoutContent); `mapFile`:
 * where `map` was read from, which the table then names instead of holding the map;
 * `includeNodeModules`: a bundle's dependencies are instrumented too (else left alone, as their files are).
 */
export function instrumentCode(source: string, file: string, isModule: boolean, map?: unknown, original?: string, mapFile?: string, includeNodeModules = false): string {
  names ??= { sync: syncCallNames(), pool: poolCallNames() };
  const out = instrument({ source, file, isModule, map, original, mapFile,
    syncNames: names.sync, poolNames: names.pool, skipBundledDependencies: !includeNodeModules });
  return out ? out.code : source;
}
