import { AnyMap, traceSegment, type TraceMap } from '@jridgewell/trace-mapping';

const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

/**
 * Where a bundle's source map places its code in node_modules: a bundle (esbuild, webpack, Rollup)
 * is one file of the program's that holds its dependencies too. Instrumented whole, p-limit's own
 * `await result` counted beside the program's awaits it waits on, and a bundled library's awaits
 * were the program's sites. A predicate over a position of the generated file (0-based line,
 * column), or undefined when the map names no file in node_modules (a compiler's map of the
 * program's own files: nothing to ask). Never throws.
 */
export function bundledDependencies(map: unknown): ((line0: number, column: number) => boolean) | undefined {
  // Most maps are a compiler's of the program's own files: told from their sources alone.
  const listed = (map as { sources?: unknown } | null)?.sources;
  if (Array.isArray(listed) && !listed.some((s) => typeof s === 'string' && IN_NODE_MODULES.test(s))) return undefined;
  let traced: TraceMap;
  try { traced = new AnyMap(map as any) as unknown as TraceMap; } catch { return undefined; }
  const sources = (traced.resolvedSources ?? traced.sources) as (string | null)[];
  const inDependency = sources.map((s) => typeof s === 'string' && IN_NODE_MODULES.test(s));
  if (!inDependency.some(Boolean)) return undefined;
  return (line0, column) => {
    const segment = traceSegment(traced, line0, column);
    return segment != null && segment.length >= 4 && inDependency[segment[1]!] === true;
  };
}
