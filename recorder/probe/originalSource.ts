import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Captured before the probe wraps fs.*Sync: reading the user's file again is the recorder's I/O.
const { readFileSync } = fs;

/**
 * The user's file as written, when a map of that one file leaves its text out: the file itself,
 * read again, when another loader (tsx) transpiled it in memory; the map's one source when a
 * compiler wrote the file from it (`tsc`'s `dist/app.js` from `src/app.ts`, its map beside it:
 * externalSourceMap.ts gives its sources as absolute paths). The instrumenter's labels then read
 * names from it. Undefined in every other case (the map holds the text, maps several files, or
 * there is none). It is one of the instrumenter's inputs, so it is part of an instrumented file's
 * cache key too.
 */
export function originalWithoutContent(file: string, map: unknown): string | undefined {
  const m = map as { sources?: unknown[]; sourcesContent?: unknown[] } | undefined;
  if (!m || !Array.isArray(m.sources) || m.sources.length !== 1 || typeof m.sourcesContent?.[0] === 'string') return undefined;
  const source = m.sources[0];
  if (typeof source !== 'string') return undefined;
  try {
    const named = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(path.dirname(file), source);
    return named === file || path.isAbsolute(source) ? readFileSync(named, 'utf8') : undefined;
  } catch { return undefined; }
}
