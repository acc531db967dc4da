/**
 * Module resolution TypeScript has and Node lacks, for imports made by a TypeScript file:
 * `./x.js` naming `./x.ts` (also .mjs→.mts, .cjs→.cts, .jsx→.tsx), as `nodenext`/`node16` and
 * `bundler` resolution allow; extensionless files and folders with an index (`bundler`); and
 * the `paths`/`baseUrl` of the nearest tsconfig.json. Shared by the CommonJS hook
 * (Module._resolveFilename) and the ES module resolve hook. A file that exists under the
 * name written always wins: these rules only apply where Node found nothing, except `paths`,
 * which TypeScript consults before node_modules.
 */
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { importMappingFor, pathsCandidates, isFile } from './tsconfig';

/** What TypeScript substitutes for a JavaScript extension written in an import. */
const FOR_JS_EXTENSION: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'], '.jsx': ['.tsx', '.ts'], '.mjs': ['.mts'], '.cjs': ['.cts'],
};
/** Tried after an extensionless path, in TypeScript's order (`bundler`), then as JavaScript. */
const EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx'];

const isRelative = (s: string) => s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../');
const isBare = (s: string) => !isRelative(s) && !path.isAbsolute(s) && !/^[A-Za-z][A-Za-z\d+.-]*:/.test(s);
const BUILTINS = new Set(builtinModules);

/**
 * The file a TypeScript file's import `specifier` means when Node could not resolve it (a
 * relative or absolute path, or a bare name through `baseUrl`), or undefined.
 */
export function tsFallback(specifier: string, importer: string): string | undefined {
  if (isBare(specifier)) {
    const baseUrl = importMappingFor(path.dirname(importer))?.baseUrl;
    return baseUrl ? tsFileAt(path.resolve(baseUrl, specifier)) : undefined;
  }
  if (specifier.startsWith('file:')) return undefined;
  return tsFileAt(path.resolve(path.dirname(importer), specifier));
}

/** The file a bare specifier maps to through the `paths` of the importer's tsconfig.json, or undefined. */
export function tsPathsAlias(specifier: string, importer: string): string | undefined {
  if (!isBare(specifier) || BUILTINS.has(specifier)) return undefined; // `fs` is Node's, whatever `"*"` maps
  const mapping = importMappingFor(path.dirname(importer));
  if (!mapping) return undefined;
  for (const candidate of pathsCandidates(mapping, specifier)) {
    const file = isFile(candidate) ? candidate : tsFileAt(candidate);
    if (file) return file;
  }
  return undefined;
}

/**
 * The existing file TypeScript resolves `p` to: `x.ts` for a missing `x.js`, `x.ts`/`x.tsx`/
 * `x.js`/`x.jsx` for `x`, then `x/index.*`.
 */
function tsFileAt(p: string): string | undefined {
  const ext = path.extname(p);
  const substitutes = FOR_JS_EXTENSION[ext];
  if (substitutes) {
    const stem = p.slice(0, -ext.length);
    for (const e of substitutes) if (isFile(stem + e)) return stem + e;
  }
  for (const e of EXTENSIONS) if (isFile(p + e)) return p + e;
  for (const e of EXTENSIONS) { const index = path.join(p, `index${e}`); if (isFile(index)) return index; }
  return undefined;
}
