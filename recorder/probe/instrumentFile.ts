import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { InstrumentCache } from './instrumentCache';
import { originalWithoutContent } from './originalSource';
import { externalMapFile, readExternalMap } from './externalSourceMap';
import { measureOff } from '../measureOff';
import { asOwnWork } from './ownTime';

// Captured before the probe wraps fs.*Sync: the cache is the recorder's I/O, not the program's.
const { appendFileSync, statSync } = fs;

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
  /** Run directory: the cache of instrumented files when the one kept across runs cannot be used. */
  runDir: string;
  /** --include-node-modules: a bundle's dependencies are instrumented too (transform.ts, skipBundledDependencies). */
  includeNodeModules: boolean;
}

let instrumenter: { instrumentCode(source: string, file: string, isModule: boolean, map?: unknown, original?: string, mapFile?: string, includeNodeModules?: boolean): string } | null = null;
/** This thread's caches of instrumented files: across runs (see InstrumentCache), else the run's own. */
let caches: { kept?: InstrumentCache; run?: InstrumentCache } | undefined;

/**
 * Instrumented source of a user file, or the source unchanged if it cannot be parsed. The
 * result is cached by its exact inputs, across runs (InstrumentCache) or at least for the run,
 * so each file is parsed once however many workers and processes load it.
 */
/** A load hook's `source` (a string, or the bytes of one) as text. */
export function loadedSourceText(source: string | Uint8Array | ArrayBuffer): string {
  return typeof source === 'string' ? source : Buffer.from(source as Uint8Array).toString('utf8');
}

export function instrumentSource(ctx: InstrumentContext, source: string, file: string, isModule: boolean, map?: unknown): string {
  if (source.includes(INSTRUMENTED_MARK)) return source; // our hooks can be in a loader chain twice
  return asOwnWork(() => instrumented(ctx, source, file, isModule, map));
}

function instrumented(ctx: InstrumentContext, source: string, file: string, isModule: boolean, map?: unknown): string {
  map ??= inlineSourceMap(source);
  // A compiler's map beside its output (tsc's dist/app.js.map) is known by its file: the key
  // holds its path, size and time (a hit reads nothing more), and the table names it for the
  // recorder to read (code that carries a 5 kB map in its table took ~0.3 ms more per file to load).
  let mapFile = map === undefined ? externalMapFile(source, file) : undefined;
  let mapStamp: string | undefined;
  if (mapFile !== undefined) {
    try { const st = statSync(mapFile); mapStamp = `external map ${mapFile} ${st.size} ${st.mtimeMs}`; } catch { mapFile = undefined; }
  }
  const instrumenterPath = path.join(ctx.distDir, 'instrumenter.js');
  caches ??= {
    kept: measureOff('instrumentCache') ? undefined : InstrumentCache.open(instrumenterPath),
    run: InstrumentCache.open(instrumenterPath, path.join(ctx.runDir, 'cache')),
  };
  const cache = caches.kept ?? caches.run;
  // A map without the text it maps from (tsx's) has the instrumenter read the file again: that
  // text is one of its inputs, so it is in the key too (every input is: the entry is never stale).
  // An external map's source (tsc's .ts) is read on a miss only: the compiler rewrites the map
  // whenever it rewrites the output from it.
  let original: string | undefined;
  let key: string;
  if (mapStamp !== undefined) key = mapStamp;
  else {
    original = originalWithoutContent(file, map);
    const mapJson = map === undefined ? '' : JSON.stringify(map);
    key = original === undefined ? mapJson : `${mapJson}\n${original}`;
  }
  // With a map, what is instrumented depends on --include-node-modules too (a bundle's dependencies).
  if (ctx.includeNodeModules && (mapStamp !== undefined || map !== undefined)) key = `include-node-modules\n${key}`;
  const cached = cache?.get(file, isModule, source, key);
  if (cached !== undefined) return cached;
  if (mapFile !== undefined) {
    map = readExternalMap(mapFile);
    if (map === undefined) mapFile = undefined;
    else original = originalWithoutContent(file, map);
  }
  try {
    // createRequire: this code also runs in the ESM hooks bundle, where there is no `require`.
    instrumenter ??= createRequire(path.join(ctx.distDir, 'probe.js'))('./instrumenter.js');
    const code = instrumenter!.instrumentCode(source, file, isModule, map, original, mapFile, ctx.includeNodeModules);
    cache?.set(file, isModule, source, key, code);
    return code;
  } catch (e) {
    // Never break the user's program; do say that this file runs without async detail.
    try { appendFileSync(path.join(ctx.runDir, INSTRUMENT_ERRORS), `${file}: ${(e as Error).message}\n`); } catch { /* gone */ }
    return source;
  }
}

