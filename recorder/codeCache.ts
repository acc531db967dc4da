import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';
import { userCacheRoot, privateDir, nameHash } from './userCacheDir';

/** Start of a cache file: format version, then the bundle's length (uint32 LE), its bytes, V8's data. */
const MAGIC = Buffer.from('CLCC0001');
const HEADER = MAGIC.length + 4;

// Captured at load: in a recorded thread the probe (run from here) wraps fs's sync calls, and
// writing its cache at exit is the recorder's I/O, not the program's.
const { readFileSync, writeFileSync, renameSync, unlinkSync } = fs;
const threadId = (): number => { try { return (require('node:worker_threads') as typeof import('node:worker_threads')).threadId; } catch { return 0; } };

/** Who runs a bundle: the CLI (its own process), or the probe (every recorded process and thread). */
export interface BundleOptions {
  /** Start of the cache file's name. */
  prefix: string;
  /**
   * Also name the cache by the process's flags (execArgv and NODE_OPTIONS, but for inspector
   * ports, which differ from process to process): V8 refuses data made under other V8 flags, and
   * the probe runs in every process of a program, whose processes may be started with different
   * ones (`node --max-old-space-size=… worker.js`). One cache per set of flags; otherwise each
   * would rewrite the other's.
   */
  byFlags: boolean;
  /**
   * Write a missing cache this long after the bundle ran, or at exit if that comes first (an
   * unref'd timer: it keeps no process alive). A process that is killed (vitest's forks pool
   * SIGTERMs each fork once it is done) never gets to its exit. Unset: at exit only, as the CLI
   * (so that the cache holds the analyzer, compiled once the program has run).
   */
  writeAfterMs?: number;
  /**
   * Runs V8's reading and making of the cache under the flags its caches are made for, whatever
   * flags the process runs under by then: for the CLI, V8's defaults (cli/ownV8Flags.ts). V8
   * refuses a cache made under other flags. Unset: the flags of the moment (the probe sets none).
   */
  cacheFlags?: <T>(run: () => T) => T;
}

/**
 * Runs the CommonJS bundle `file` (the CLI: dist/cliMain.js, then dist/cliDeferred.js; the probe:
 * dist/probe.js, in every recorded process and thread) compiled with V8's code cache of an
 * earlier run, returns its exports, and leaves a cache for the next run when there was none or it
 * could not be used (Node 20 has no module.enableCompileCache). Saves compiling the code on every
 * run: its top level, and the functions a run compiles lazily (the CLI's analyzer and report
 * writers; the probe's start, lag ticks and flushes).
 *
 * Never stale: a cache file holds, besides V8's data, the exact bytes of the bundle it was made
 * from, and is used only when they are the bundle's bytes now (one comparison; no hash, as
 * loading crypto would delay the program's start). Node's version and architecture and the
 * bundle's path name the file; V8 itself refuses data of another V8 or other flags. The file
 * lives in the per-user folder (userCacheRoot(): only used if it is a real directory owned by
 * this user and closed to others), since it is code this process will run. It is written at
 * exit, after the run (so it holds what the run compiled), or `writeAfterMs` into it if sooner,
 * atomically (temporary file, rename).
 * Any failure of the cache falls back to compiling: the CLI runs the same either way.
 */
export function runBundle(file: string, cacheRoot = userCacheRoot(), onCompiled: (use: CodeCacheUse) => void = () => undefined,
  { prefix, byFlags, writeAfterMs, cacheFlags = (run) => run() }: BundleOptions = { prefix: 'cli', byFlags: false }): unknown {
  const source = readFileSync(file);
  const cacheDir = path.join(cacheRoot, 'code-cache');
  const usable = privateDir(cacheRoot) && privateDir(cacheDir);
  const flags = byFlags ? `-${nameHash(flagsOf(process.execArgv, process.env.NODE_OPTIONS))}` : '';
  const cacheFile = path.join(cacheDir, `${prefix}-${process.version}-${process.arch}-${nameHash(file)}${flags}.bin`);
  const cachedData = usable ? cachedDataFor(cacheFile, source) : undefined;
  // Node's CommonJS wrapper, on the bundle's first line (its line numbers stay as they are).
  // No import() in the bundle: V8 loses a vm.Script's import() callback when it comes from the
  // cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING on Node 20), and Node 22+'s default-loader option
  // prints an experimental warning on the program's stderr. The probe gets its import() from its
  // loader (recorder/probe/loader.ts).
  const script = cacheFlags(() => new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`, { filename: file, cachedData }));
  const use: CodeCacheUse = !usable ? 'off' : !cachedData ? 'missing' : script.cachedDataRejected ? 'refused' : 'used';
  // Once: the other threads and processes that found none either (a run's first ones) leave the
  // one the first of them wrote for these bytes (one for other bytes, an older build's, is replaced).
  if (use === 'missing' || use === 'refused') {
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      if (use === 'refused' || !cachedDataFor(cacheFile, source)) cacheFlags(() => writeCache(cacheFile, source, script));
    };
    process.once('exit', write);
    if (writeAfterMs !== undefined) setTimeout(write, writeAfterMs).unref();
  }
  onCompiled(use);
  const module: { exports: unknown; id: string; filename: string; loaded: boolean } = { exports: {}, id: file, filename: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

/**
 * How a run used the code cache: V8 took it ('used'); there was none made from these exact bytes
 * ('missing'), or V8 refused it ('refused': another V8 or other flags), and one is written (at
 * exit, or sooner: BundleOptions.writeAfterMs); or the cache folder is not safe to use ('off':
 * nothing read or written).
 */
export type CodeCacheUse = 'used' | 'missing' | 'refused' | 'off';

/** The flags that name a cache (BundleOptions.byFlags): the process's, and NODE_OPTIONS', but for inspector ports. */
function flagsOf(execArgv: readonly string[], nodeOptions = ''): string {
  return [...execArgv, ...nodeOptions.split(/\s+/)].filter((f) => f && !/^--(inspect|debug)(-brk|-port)?(=|$)/.test(f)).join(' ');
}

/** V8's data in `cacheFile` if it was made from exactly `source`. */
function cachedDataFor(cacheFile: string, source: Buffer): Buffer | undefined {
  let cache: Buffer;
  try { cache = readFileSync(cacheFile); } catch { return undefined; }
  if (cache.length <= HEADER || !cache.subarray(0, MAGIC.length).equals(MAGIC) || cache.readUInt32LE(MAGIC.length) !== source.length) return undefined;
  if (!cache.subarray(HEADER, HEADER + source.length).equals(source)) return undefined;
  return cache.subarray(HEADER + source.length);
}

function writeCache(cacheFile: string, source: Buffer, script: vm.Script): void {
  const tmp = `${cacheFile}.${process.pid}-${threadId()}.tmp`;
  try {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(source.length);
    writeFileSync(tmp, Buffer.concat([MAGIC, length, source, script.createCachedData()]), { mode: 0o600 });
    renameSync(tmp, cacheFile);
  } catch {
    try { unlinkSync(tmp); } catch { /* never written */ }
  }
}
