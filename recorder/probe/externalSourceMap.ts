import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Captured before the probe wraps fs.*Sync: reading a map is the recorder's I/O, not the program's.
const { readFileSync, statSync, existsSync } = fs;

/** `//# sourceMappingURL=app.js.map` at the end of a file (a data: URL is an inline map: instrumentFile.ts). */
const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;
/** A URL's scheme (`https:`, `webpack:`): such a map or source is no file here. */
const URL_SCHEME = /^[a-z][a-z\d+.-]*:/i;
/** Larger maps (a bundle's) are not read: the file's own positions are kept. */
const MAX_MAP_BYTES = 8 * 1024 * 1024;

/**
 * The map file a compiler named at the end of its output (`tsc` with `sourceMap`, babel, esbuild,
 * swc: `dist/app.js` ends `//# sourceMappingURL=app.js.map`), as `--enable-source-maps` finds it:
 * relative to the file, or a file: URL. Undefined when there is no such comment (a data: URL is
 * an inline map: instrumentFile.ts) or it names another scheme. Nothing is read. Never throws.
 */
export function externalMapFile(code: string, file: string): string | undefined {
  const m = MAP_COMMENT.exec(code.slice(-4096));
  if (!m || m[1].startsWith('data:')) return undefined;
  try {
    const url = m[1];
    return url.startsWith('file:') ? fileURLToPath(url) : URL_SCHEME.test(url) ? undefined : path.resolve(path.dirname(file), decodeURI(url));
  } catch { return undefined; }
}

/**
 * The map in `mapFile` (externalMapFile), with its `sources` as absolute paths (resolved against
 * the map's folder and its `sourceRoot`), so the analyzer can name the original file
 * (`src/app.ts`) without knowing where the map was; a source that is a URL of another scheme
 * (`webpack://…`) stays as it is. Undefined when the map is missing, too large or not a map, or
 * none of the files it names is here. Read by the probe when it instruments a file (for the
 * labels) and by the recorder for the analysis (the site table names the file, not its content:
 * instrumentFile.ts). Never throws.
 */
export function readExternalMap(mapFile: string): unknown {
  try {
    if (statSync(mapFile).size > MAX_MAP_BYTES) return undefined;
    const map = JSON.parse(readFileSync(mapFile, 'utf8'));
    if (!map || typeof map !== 'object' || !Array.isArray(map.sources) || (typeof map.mappings !== 'string' && !Array.isArray(map.sections))) return undefined;
    const root = typeof map.sourceRoot === 'string' ? map.sourceRoot : '';
    const base = root.startsWith('file:') ? fileURLToPath(root) : path.resolve(path.dirname(mapFile), root);
    map.sources = map.sources.map((s: unknown) => {
      if (typeof s !== 'string') return s;
      if (s.startsWith('file:')) return fileURLToPath(s);
      return URL_SCHEME.test(s) && !/^[a-z]:[\\/]/i.test(s) ? s : path.resolve(base, s);
    });
    delete map.sourceRoot;
    // A map whose files are not here (built elsewhere, sources not shipped) would put the
    // findings where nobody can open them: the file that ran is better.
    const files = map.sources.filter((s: unknown): s is string => typeof s === 'string' && path.isAbsolute(s));
    if (files.length > 0 && !files.some((f: string) => existsSync(f))) return undefined;
    return map;
  } catch { return undefined; }
}
