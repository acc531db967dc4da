/**
 * ES module resolve and load hooks (registered by the probe with module.register). Runs on
 * Node's loader thread: it resolves TypeScript's import forms and transforms source; the
 * instrumented module registers its own site table with the runtime of whichever thread
 * evaluates it.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProbeOptions } from '../probeOptions';
import { isUserFile, instrumentSource, loadedSourceText } from './instrumentFile';
import { isTypeScript, transpileTypeScriptAsync, withInlineMap, moduleFormat } from './typescript';
import { tsFallback, tsPathsAlias } from './tsResolve';
import { VITEST_EVALUATOR, VITEST_ADOPT_CALL } from './testRunnerHooks';

let opts: ProbeOptions;

const ctxOf = () => ({ distDir: path.dirname(opts.probePath), runDir: opts.runDir });

export function initialize(data: ProbeOptions): void {
  opts = data;
}

/** Errors of a specifier Node found nothing at (a folder counts: `bundler` imports `./dir` for `./dir/index.ts`). */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

/**
 * Imports made by a TypeScript file resolve as TypeScript resolves them (`./x.js` → `./x.ts`,
 * extensionless, tsconfig `paths`); see tsResolve.ts. Other loaders (tsx) resolve first when they
 * can: we only step in where the chain found nothing, or for a `paths` alias.
 */
export async function resolve(specifier: string, context: any, nextResolve: any) {
  const parent: unknown = context?.parentURL;
  const importer = typeof parent === 'string' && parent.startsWith('file:') ? fileURLToPath(parent) : undefined;
  if (!importer || !isTypeScript(importer)) return nextResolve(specifier, context);
  const aliased = tsPathsAlias(specifier, importer);
  if (aliased) return nextResolve(pathToFileURL(aliased).href, context);
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    const file = NOT_FOUND.has((e as NodeJS.ErrnoException)?.code ?? '') ? tsFallback(specifier, importer) : undefined;
    if (!file) throw e;
    return nextResolve(pathToFileURL(file).href, context);
  }
}

export async function load(url: string, context: any, nextLoad: any) {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  // vitest compiles the code under test itself: its evaluator hands it to the probe (testRunnerHooks).
  if (VITEST_EVALUATOR.test(file)) {
    const result = await nextLoad(url, context);
    if (result.format !== 'module' || result.source == null) return result;
    return { ...result, source: loadedSourceText(result.source) + VITEST_ADOPT_CALL };
  }
  const ownDir = path.dirname(opts.probePath);
  if (!isUserFile(file, opts.includeNodeModules, ownDir)) return nextLoad(url, context);
  let result;
  try {
    result = await nextLoad(url, context);
  } catch (e) {
    if (!isTypeScript(file)) throw e;
    return ownTypeScript(file);
  }
  // Node's own type stripping (on by default from Node 22.18 and 23.6: formats `module-typescript`,
  // `commonjs-typescript`) is no other loader: its source still has the types, and left to Node
  // it would run uninstrumented. Transpiled by us, as where Node has none.
  if (result.format === 'module-typescript' || result.format === 'commonjs-typescript') return ownTypeScript(file);
  // CommonJS goes through Module._compile, which the probe instruments in the running thread.
  if (result.format !== 'module' || result.source == null) return result;
  return { ...result, source: instrumentSource(ctxOf(), loadedSourceText(result.source), file, true) };
}

/** A TypeScript file no other loader handles: transpiled and instrumented here. */
async function ownTypeScript(file: string) {
  // A CommonJS TypeScript file (.cts, .ts outside "type": "module") goes to Node's CommonJS
  // loader, which the probe's require hook transpiles and instruments like any require().
  if (moduleFormat(file) === 'commonjs') return { format: 'commonjs', shortCircuit: true };
  const source = await readFile(file, 'utf8');
  const { code, map } = await transpileTypeScriptAsync(source, file, 'esm', { distDir: path.dirname(opts.probePath), esbuildPath: opts.esbuildPath });
  return { format: 'module', source: withInlineMap(instrumentSource(ctxOf(), code, file, true, map), map), shortCircuit: true };
}
