import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

// Captured before the probe wraps fs.*Sync: the cache is the recorder's I/O, not the program's.
const { readFileSync, writeFileSync, renameSync, mkdirSync, appendFileSync } = fs;

/** Decides what to instrument: user files, not node internals, not node_modules unless asked. */
export function isUserFile(file: string, includeNodeModules: boolean, ownDir: string): boolean {
  if (!file.startsWith('/') && !/^[A-Za-z]:\\/.test(file)) return false;
  if (file.startsWith(ownDir)) return false;
  return includeNodeModules || !/[\\/]node_modules[\\/]/.test(file);
}

const INSTRUMENTED_MARK = '__clS$=__cl$.load(';
/** File in the run directory listing files that could not be instrumented (read by the recorder). */
export const INSTRUMENT_ERRORS = 'instrument-errors.log';
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

export interface InstrumentContext {
  /** Folder of the probe's bundles (dist/). */
  distDir: string;
  /** Run directory: instrumented files are cached in its `cache/` for every thread and process. */
  runDir: string;
}

let instrumenter: { instrumentCode(source: string, file: string, isModule: boolean, map?: unknown): string } | null = null;

/**
 * Instrumented source of a user file, or the source unchanged if it cannot be parsed. The
 * result is cached per run by content, so each file is parsed once however many workers and
 * processes load it.
 */
export function instrumentSource(ctx: InstrumentContext, source: string, file: string, isModule: boolean, map?: unknown): string {
  if (source.includes(INSTRUMENTED_MARK)) return source; // our hooks can be in a loader chain twice
  map ??= inlineSourceMap(source);
  const cached = path.join(ctx.runDir, 'cache', `${fnv1a(file + '\0' + source)}-${source.length}${isModule ? 'm' : 'c'}.js`);
  try { return readFileSync(cached, 'utf8'); } catch { /* first to load it */ }
  try {
    // createRequire: this code also runs in the ESM hooks bundle, where there is no `require`.
    instrumenter ??= createRequire(path.join(ctx.distDir, 'probe.js'))('./instrumenter.js');
    const code = instrumenter!.instrumentCode(source, file, isModule, map);
    try {
      mkdirSync(path.dirname(cached), { recursive: true });
      const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch { /* cache is an optimization */ }
    return code;
  } catch (e) {
    // Never break the user's program; do say that this file runs without async detail.
    try { appendFileSync(path.join(ctx.runDir, INSTRUMENT_ERRORS), `${file}: ${(e as Error).message}\n`); } catch { /* gone */ }
    return source;
  }
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16).padStart(8, '0');
}
