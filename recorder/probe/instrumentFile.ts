import { instrument } from './transform';
import { syncCallNames, poolCallNames } from './ioNames';

let names: { sync: Set<string>; pool: Set<string> } | null = null;

/** Decides what to instrument: user files, not node internals, not node_modules unless asked. */
export function isUserFile(file: string, includeNodeModules: boolean, ownDir: string): boolean {
  if (!file.startsWith('/') && !/^[A-Za-z]:\\/.test(file)) return false;
  if (file.startsWith(ownDir)) return false;
  return includeNodeModules || !/[\\/]node_modules[\\/]/.test(file);
}

const INSTRUMENTED_MARK = "__clS$=__cl$.load(";
const INLINE_MAP = /\/\/[#@] sourceMappingURL=data:application\/json;(?:charset=[^;,]+;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * The source map another loader (tsx, ts-node, babel) left inline in code it transpiled, so
 * locations still map to the user's original file.
 */
export function inlineSourceMap(code: string): unknown {
  const m = INLINE_MAP.exec(code.slice(-200_000));
  if (!m) return undefined;
  try { return JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')); } catch { return undefined; }
}

/** Instrumented source of a user file, or the source unchanged if it cannot be parsed. */
export function instrumentSource(source: string, file: string, isModule: boolean, map?: unknown): string {
  names ??= { sync: syncCallNames(), pool: poolCallNames() };
  if (source.includes(INSTRUMENTED_MARK)) return source; // our hooks can be in a loader chain twice
  map ??= inlineSourceMap(source);
  try {
    const out = instrument({ source, file, isModule, map, syncNames: names.sync, poolNames: names.pool });
    return out ? out.code : source;
  } catch {
    return source; // an instrumentation bug must never break the user's program
  }
}
