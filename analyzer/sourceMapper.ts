import { TraceMap, originalPositionFor, LEAST_UPPER_BOUND } from '@jridgewell/trace-mapping';
import { fileUrlToPath } from './paths';
import type { SourceLocation } from './report';

/**
 * Maps positions in what V8 ran back to the user's files. JavaScript is instrumented without
 * adding lines, so only TypeScript (transpiled by esbuild, map recorded with its sites) needs
 * a real source map. Lines are 1-based; columns in and out are 0-based / 1-based as named.
 */
export class SourceMapper {
  private readonly maps = new Map<string, TraceMap>();

  addMap(file: string, map: unknown): void {
    if (!map || this.maps.has(file)) return;
    try { this.maps.set(file, new TraceMap(map as any)); } catch { /* unusable map: keep generated positions */ }
  }

  /** `line` 1-based, `column0` 0-based (or undefined: first mapping on the line). Result 1-based. */
  locate(fileOrUrl: string, line: number, column0?: number): SourceLocation {
    const file = fileUrlToPath(fileOrUrl);
    const map = this.maps.get(file);
    if (map) {
      const p = column0 === undefined
        ? originalPositionFor(map, { line, column: 0, bias: LEAST_UPPER_BOUND })
        : originalPositionFor(map, { line, column: column0 });
      if (p.line != null) return { file, line: p.line, column: (p.column ?? 0) + 1 };
    }
    return { file, line, column: (column0 ?? 0) + 1 };
  }
}
