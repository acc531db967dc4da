import { TraceMap, originalPositionFor, decodedMappings, LEAST_UPPER_BOUND } from '@jridgewell/trace-mapping';
import { fileUrlToPath } from './paths';
import type { SourceLocation } from './report';

/**
 * Maps positions in what V8 ran back to the user's files. JavaScript is instrumented without
 * adding lines, so only transpiled code needs a real source map: TypeScript a loader transpiled
 * (ours, tsx's: the same file), or a compiler's output whose map lies beside it (`tsc`: the
 * original file, see sourceFile). Lines are 1-based; columns in and out are 0-based / 1-based as named.
 */
export class SourceMapper {
  private readonly maps = new Map<string, TraceMap>();

  addMap(file: string, map: unknown): void {
    if (!map || this.maps.has(file)) return;
    try { this.maps.set(file, new TraceMap(map as any)); } catch { /* unusable map: keep generated positions */ }
  }

  /** Whether the script (a path or a file URL) has a source map. */
  hasMap(fileOrUrl: string): boolean {
    return this.maps.size > 0 && this.maps.has(fileUrlToPath(fileOrUrl));
  }

  /**
   * `line` 1-based, `column0` 0-based (or undefined: first mapping on the line). Result 1-based.
   * A column V8 did not give (a frame's -1: code a runner evaluated, such as vitest's) counts as
   * undefined; a position the map cannot take keeps the generated one (never throws).
   */
  locate(fileOrUrl: string, line: number, column0?: number): SourceLocation {
    const file = fileUrlToPath(fileOrUrl);
    const map = this.maps.get(file);
    const column = column0 !== undefined && column0 >= 0 ? column0 : undefined;
    if (map && line >= 1) {
      const p = column === undefined
        ? originalPositionFor(map, { line, column: 0, bias: LEAST_UPPER_BOUND })
        : originalPositionFor(map, { line, column });
      if (p.line != null) return { file: sourceFile(file, p.source), line: p.line, column: (p.column ?? 0) + 1 };
    }
    return { file, line, column: (column ?? 0) + 1 };
  }

  /**
   * A position known by its line alone (a CPU profile's line ticks) in the function that starts
   * at `fn` (line 1-based, column 0-based). Mapped as `locate` maps it when that line of what V8
   * ran comes from one line of the user's file. When it comes from several (a file transpiled
   * without its line breaks: tsx's esbuild output is whitespace-minified, a module on one line),
   * the line tells nothing: the first mapping on it is the module's first statement, whatever ran.
   * Then the function's own start is returned, mapped with its column, and `exact` is false.
   */
  locateLine(fileOrUrl: string, line: number, fn: { line: number; column0: number }): { location: SourceLocation; exact: boolean } {
    const map = this.maps.get(fileUrlToPath(fileOrUrl));
    // Without the function's column, its start on that one line is no better than the line.
    if (map && fn.column0 >= 0 && linesMappedFrom(map, line) > 1) return { location: this.locate(fileOrUrl, fn.line, fn.column0), exact: false };
    return { location: this.locate(fileOrUrl, line), exact: true };
  }
}

/**
 * The file a mapped position is in: the map's source when it names another file by an absolute
 * path (a compiler's output mapped to its input, `dist/app.js` → `src/app.ts`: the probe gives
 * such maps' sources as absolute paths), else the file that ran (a loader's in-memory transpile
 * maps a file to itself; a relative or `webpack://` source names no file here).
 */
function sourceFile(file: string, source: string | null): string {
  if (!source) return file;
  const named = fileUrlToPath(source);
  return named.startsWith('/') || /^[A-Za-z]:[\\/]/.test(named) ? named : file;
}

/** How many distinct original lines generated line `line` (1-based) maps to. */
function linesMappedFrom(map: TraceMap, line: number): number {
  const segments = decodedMappings(map)[line - 1] ?? [];
  const seen = new Set<string>();
  for (const s of segments) if (s.length >= 4) { seen.add(`${s[1]}:${s[2]}`); if (seen.size > 1) break; }
  return seen.size;
}
