/**
 * TypeScript through esbuild (the recorder passes the path of its own copy). Source maps are
 * kept: the probe records them with the file's sites, and appends them inline so Node's
 * --enable-source-maps shows .ts lines in the program's own stack traces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

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

/** For CommonJS (require is synchronous): one run of esbuild's binary per file. */
export function transpileTypeScript(source: string, file: string, format: 'cjs' | 'esm', esbuildPath: string): Transpiled {
  const r = loadEsbuild(esbuildPath).transformSync(source, transformOptions(file, format));
  return { code: r.code, map: JSON.parse(r.map) };
}

/**
 * For the ESM load hook (asynchronous, on Node's loader thread): esbuild's long-lived service
 * process transpiles every file of the run, where a run of its binary per file costs a process
 * start each (the service does not keep the program alive).
 */
export async function transpileTypeScriptAsync(source: string, file: string, format: 'cjs' | 'esm', esbuildPath: string): Promise<Transpiled> {
  const r = await loadEsbuild(esbuildPath).transform(source, transformOptions(file, format));
  return { code: r.code, map: JSON.parse(r.map) };
}

function transformOptions(file: string, format: 'cjs' | 'esm') {
  return { loader: file.endsWith('x') ? 'tsx' : 'ts', format, sourcemap: 'external', sourcefile: file, target: 'node18' };
}

function loadEsbuild(esbuildPath: string): any {
  if (!esbuild) {
    // Without worker threads esbuild's transformSync runs its binary per call: no extra thread in the program.
    const saved = process.env.ESBUILD_WORKER_THREADS;
    process.env.ESBUILD_WORKER_THREADS = '0';
    // createRequire: this also runs in the ESM hooks bundle, where there is no `require`.
    try { esbuild = createRequire(path.join(esbuildPath, 'package.json'))(esbuildPath); } finally {
      if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS; else process.env.ESBUILD_WORKER_THREADS = saved;
    }
  }
  return esbuild;
}

export function withInlineMap(code: string, map: unknown): string {
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
