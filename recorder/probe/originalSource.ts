import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Captured before the probe wraps fs.*Sync: reading the user's file again is the recorder's I/O.
const { readFileSync } = fs;

/**
 * The user's file, read again, when another loader (tsx) transpiled it and left a map of that
 * one file without its text: the instrumenter's labels then read names from it. Undefined in
 * every other case (the map holds the text, maps several files or another one, or there is none).
 * It is one of the instrumenter's inputs, so it is part of an instrumented file's cache key too.
 */
export function originalWithoutContent(file: string, map: unknown): string | undefined {
  const m = map as { sources?: unknown[]; sourcesContent?: unknown[] } | undefined;
  if (!m || !Array.isArray(m.sources) || m.sources.length !== 1 || typeof m.sourcesContent?.[0] === 'string') return undefined;
  const source = m.sources[0];
  if (typeof source !== 'string') return undefined;
  try {
    const named = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(path.dirname(file), source);
    return named === file ? readFileSync(file, 'utf8') : undefined;
  } catch { return undefined; }
}
