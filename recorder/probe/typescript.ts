/**
 * TypeScript through esbuild (the recorder passes the path of its own copy). Source maps are
 * kept: the probe records them with the file's sites, and appends them inline so Node's
 * --enable-source-maps shows .ts lines in the program's own stack traces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { InstrumentCache } from './instrumentCache';
import { measureOff } from '../measureOff';
import { OWN_PROCESS_ENV } from '../probeOptions';
import { asOwnWork } from './ownTime';

// Captured before the probe wraps fs.*Sync: this is module loading, not the program's I/O.
const { readFileSync } = fs;

export interface Transpiled { code: string; map: unknown }

let esbuild: any;

export function isTypeScript(file: string): boolean {
  return /\.(ts|cts|mts|tsx)$/.test(file) && !file.endsWith('.d.ts');
}

/**
 * The module system a file runs in, as Node and TypeScript (`nodenext`) decide it: .mjs/.mts are
 * ES modules, .cjs/.cts CommonJS, anything else follows the `type` of the nearest package.json.
 */
export function moduleFormat(file: string): 'module' | 'commonjs' {
  if (/\.m[jt]s$/.test(file)) return 'module';
  if (/\.c[jt]s$/.test(file)) return 'commonjs';
  return packageTypeOf(file);
}

/** The `type` of the nearest package.json above `file` ('commonjs' if there is none). */
export function packageTypeOf(file: string): 'module' | 'commonjs' {
  return packageType(path.dirname(path.resolve(file)));
}

const typeByDir = new Map<string, 'module' | 'commonjs'>();

function packageType(dir: string): 'module' | 'commonjs' {
  let type = typeByDir.get(dir);
  if (type) return type;
  let json: string | undefined;
  try { json = readFileSync(path.join(dir, 'package.json'), 'utf8'); } catch { /* none here */ }
  if (json !== undefined) {
    try { type = JSON.parse(json).type === 'module' ? 'module' : 'commonjs'; } catch { type = 'commonjs'; }
  } else {
    const up = path.dirname(dir);
    type = up === dir ? 'commonjs' : packageType(up);
  }
  typeByDir.set(dir, type);
  return type;
}

/** Where the probe's bundles are (dist/) and esbuild is: what transpiling needs. */
export interface TranspileContext { distDir: string; esbuildPath: string }

/**
 * For CommonJS (require is synchronous): one run of esbuild's binary per file, unless an earlier
 * run transpiled the same text (transpiledKept).
 */
export function transpileTypeScript(source: string, file: string, format: 'cjs' | 'esm', ctx: TranspileContext): Transpiled {
  return asOwnWork(() => {
    const kept = transpiledKept(ctx, source, file, format);
    if (kept) return kept;
    const r = ours(() => loadEsbuild(ctx.esbuildPath).transformSync(source, transformOptions(file, format)));
    return keep(ctx, source, file, format, { code: r.code, map: JSON.parse(r.map) });
  });
}

/**
 * For the ESM load hook (asynchronous, on Node's loader thread): esbuild's long-lived service
 * process transpiles every file of the run, where a run of its binary per file costs a process
 * start each (the service does not keep the program alive). Kept across runs too.
 */
export async function transpileTypeScriptAsync(source: string, file: string, format: 'cjs' | 'esm', ctx: TranspileContext): Promise<Transpiled> {
  const kept = transpiledKept(ctx, source, file, format);
  if (kept) return kept;
  // The service process starts within the first call, synchronously.
  const r = await ours(() => loadEsbuild(ctx.esbuildPath).transform(source, transformOptions(file, format)));
  return keep(ctx, source, file, format, { code: r.code, map: JSON.parse(r.map) });
}

/**
 * An ES module's TypeScript with its types taken out by `strip` (Node's own type stripping: every
 * line and column stays where it was), kept across runs as transpiled files are (keyed by this
 * Node's version instead of esbuild's folder): a later run loads no stripper at all (its first use
 * in a thread costs ~115 ms, Node 22.23.5). Undefined where `strip` cannot.
 */
export function strippedTypeScript(source: string, file: string, ctx: TranspileContext, strip: (source: string) => string | undefined): string | undefined {
  return asOwnWork(() => {
    const keyed = { ...ctx, esbuildPath: `node ${process.version} type stripping` };
    const kept = transpiledKept(keyed, source, file, 'esm');
    if (kept) return kept.code;
    const code = strip(source);
    if (code !== undefined) keep(keyed, source, file, 'esm', { code, map: null });
    return code;
  });
}

/**
 * Transpiled files kept across runs, in the folder of instrumented files (InstrumentCache: its
 * place, safety and rules; entries of their own): a run of an unchanged TypeScript program starts
 * no esbuild (one process per file for CommonJS: ~1.1 s of 38 files). An entry holds the .ts text
 * it was made from, the format and esbuild's folder (the key), and is used only when they are
 * exactly the same. Undefined (no keeping) where the folder cannot be used safely.
 */
let transpiled: InstrumentCache | undefined | null = null;

function transpiledKept(ctx: TranspileContext, source: string, file: string, format: 'cjs' | 'esm'): Transpiled | undefined {
  // null: not opened yet (undefined: it cannot be used; not tried again).
  if (transpiled === null) transpiled = measureOff('instrumentCache') ? undefined : InstrumentCache.open(path.join(ctx.distDir, 'instrumenter.js'), undefined, 't');
  const text = transpiled?.get(file, format === 'esm', source, ctx.esbuildPath);
  if (text === undefined) return undefined;
  try { const [code, map] = JSON.parse(text); return typeof code === 'string' ? { code, map } : undefined; } catch { return undefined; }
}

function keep(ctx: TranspileContext, source: string, file: string, format: 'cjs' | 'esm', t: Transpiled): Transpiled {
  transpiled?.set(file, format === 'esm', source, ctx.esbuildPath, JSON.stringify([t.code, t.map]));
  return t;
}

/**
 * `run()` with OWN_PROCESS_ENV set in this thread's environment, which the processes esbuild
 * starts in it inherit (its binary per call, its service): the recorder leaves them out of the
 * program's processes.
 */
function ours<T>(run: () => T): T {
  return withEnv(OWN_PROCESS_ENV, '1', run);
}

/** `run()` with `name` set to `value` in this thread's environment, put back as it was before `run` returns: the program's code never sees it. */
function withEnv<T>(name: string, value: string, run: () => T): T {
  const saved = process.env[name];
  process.env[name] = value;
  try { return run(); } finally {
    if (saved === undefined) delete process.env[name]; else process.env[name] = saved;
  }
}

function transformOptions(file: string, format: 'cjs' | 'esm') {
  return { loader: file.endsWith('x') ? 'tsx' : 'ts', format, sourcemap: 'external', sourcefile: file, target: 'node18' };
}

function loadEsbuild(esbuildPath: string): any {
  if (!esbuild) {
    // Without worker threads esbuild's transformSync runs its binary per call: no extra thread in the program.
    // createRequire: this also runs in the ESM hooks bundle, where there is no `require`.
    esbuild = withEnv('ESBUILD_WORKER_THREADS', '0', () => createRequire(path.join(esbuildPath, 'package.json'))(esbuildPath));
  }
  return esbuild;
}

export function withInlineMap(code: string, map: unknown): string {
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
