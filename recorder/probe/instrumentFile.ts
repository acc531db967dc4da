import { instrument } from './transform';
import { syncCallNames, poolCallNames } from './ioNames';

let names: { sync: Set<string>; pool: Set<string> } | null = null;

/** Decides what to instrument: user files, not node internals, not node_modules unless asked. */
export function isUserFile(file: string, includeNodeModules: boolean, ownDir: string): boolean {
  if (!file.startsWith('/') && !/^[A-Za-z]:\\/.test(file)) return false;
  if (file.startsWith(ownDir)) return false;
  return includeNodeModules || !/[\\/]node_modules[\\/]/.test(file);
}

/** Instrumented source of a user file, or the source unchanged if it cannot be parsed. */
export function instrumentSource(source: string, file: string, isModule: boolean, map?: unknown): string {
  names ??= { sync: syncCallNames(), pool: poolCallNames() };
  try {
    const out = instrument({ source, file, isModule, map, syncNames: names.sync, poolNames: names.pool });
    return out ? out.code : source;
  } catch {
    return source; // an instrumentation bug must never break the user's program
  }
}
