/**
 * The part of the probe that parses and instruments (acorn and the transform): a bundle of
 * its own (dist/instrumenter.js), loaded only when a thread meets a file that is not in the
 * run's cache yet. Most worker threads never load it.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { instrument } from './transform';
import { syncCallNames, poolCallNames } from './ioNames';

let names: { sync: Set<string>; pool: Set<string> } | null = null;

export function instrumentCode(source: string, file: string, isModule: boolean, map?: unknown): string {
  names ??= { sync: syncCallNames(), pool: poolCallNames() };
  const out = instrument({ source, file, isModule, map, original: originalWithoutContent(file, map),
    syncNames: names.sync, poolNames: names.pool });
  return out ? out.code : source;
}

/**
 * The user's file, read again, when another loader (tsx) transpiled it and left a map of that
 * one file without its text: labels then read names from it. Undefined in every other case.
 */
function originalWithoutContent(file: string, map: unknown): string | undefined {
  const m = map as { sources?: unknown[]; sourcesContent?: unknown[] } | undefined;
  if (!m || !Array.isArray(m.sources) || m.sources.length !== 1 || typeof m.sourcesContent?.[0] === 'string') return undefined;
  const source = m.sources[0];
  if (typeof source !== 'string') return undefined;
  try {
    const named = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(path.dirname(file), source);
    return named === file ? readFileSync(file, 'utf8') : undefined;
  } catch { return undefined; }
}
