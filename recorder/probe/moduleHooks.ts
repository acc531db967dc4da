/**
 * Our ES-module resolve and load hooks, written once for both kinds of hook Node has:
 * - module.register's, asynchronous, on Node's hooks thread (esmHooks.ts: `nextResolve` and
 *   `nextLoad` return promises);
 * - module.registerHooks', synchronous, in the program's own thread (Node 22.22.3+/24.11.1+;
 *   loadHooks.ts: they return the result itself).
 * `moduleHooks(opts, ownTypeScript)` gives the pair: each hook continues with whatever the next
 * one returned, a promise or not (`afterNext`), so both kinds share every decision. The
 * TypeScript files no other loader handles are transpiled by `ownTypeScript` (esbuild's
 * long-lived service for the asynchronous hooks, a run of its binary per file for the
 * synchronous ones: `transpileTypeScript` and `transpileTypeScriptAsync`), except where
 * `stripTypes` (Node's own type stripping, in the thread) takes an ES module's types out.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProbeOptions } from '../probeOptions';
import { isUserFile, instrumentSource, loadedSourceText } from './instrumentFile';
import { isTypeScript, withInlineMap, moduleFormat, type Transpiled } from './typescript';
import { tsFallback, tsPathsAlias } from './tsResolve';
import { VITEST_EVALUATOR, VITEST_ADOPT_CALL } from './testRunnerHooks';

/** What a hook may return: the result, or (asynchronous hooks) a promise of it. */
type Maybe<T> = T | Promise<T>;
type Next = (specifierOrUrl: string, context: any) => Maybe<any>;

/** Errors of a specifier Node found nothing at (a folder counts: `bundler` imports `./dir` for `./dir/index.ts`). */
const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

/**
 * `onValue` of what `run()` returned, or `onError` of what it threw (or rejected with), as
 * promise.then(onValue, onError) does: an error thrown by onValue is not given to onError.
 */
function afterNext<T, R>(run: () => Maybe<T>, onValue: (value: T) => Maybe<R>, onError: (e: unknown) => Maybe<R> = (e) => { throw e; }): Maybe<R> {
  let value: Maybe<T>;
  try { value = run(); } catch (e) { return onError(e); }
  return isThenable(value) ? value.then(onValue, onError) : onValue(value);
}

function isThenable<T>(value: Maybe<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** A require()'s resolution (its conditions: `require`, not `import`), as synchronous hooks see it. */
function isRequire(context: any): boolean {
  const conditions: unknown = context?.conditions;
  return Array.isArray(conditions) && conditions.includes('require') && !conditions.includes('import');
}

export interface ModuleHooks {
  resolve(specifier: string, context: any, nextResolve: Next): Maybe<any>;
  load(url: string, context: any, nextLoad: Next): Maybe<any>;
}

/**
 * `stripTypes(source, file)`: the TypeScript source with its types replaced by blanks (every line and
 * column where it was: no source map), as Node runs a `module-typescript` file; undefined where it
 * cannot (syntax that needs a transform: enums, namespaces…), which `ownTypeScript` transpiles.
 */
export function moduleHooks(opts: ProbeOptions, ownTypeScript: (file: string) => Maybe<Transpiled>, stripTypes?: (source: string, file: string) => string | undefined): ModuleHooks {
  const ownDir = path.dirname(opts.probePath);
  const ctx = { distDir: ownDir, runDir: opts.runDir, includeNodeModules: opts.includeNodeModules };

  /** A TypeScript file no other loader handles: transpiled and instrumented here. */
  const ownModule = (file: string) => {
    // A CommonJS TypeScript file (.cts, .ts outside "type": "module") goes to Node's CommonJS
    // loader, which the probe's require hook transpiles and instruments like any require().
    if (moduleFormat(file) === 'commonjs') return { format: 'commonjs', shortCircuit: true };
    return afterNext(() => ownTypeScript(file), ({ code, map }) =>
      ({ format: 'module', source: withInlineMap(instrumentSource(ctx, code, file, true, map), map), shortCircuit: true }));
  };

  return {
    /**
     * Imports made by a TypeScript file resolve as TypeScript resolves them (`./x.js` → `./x.ts`,
     * extensionless, tsconfig `paths`); see tsResolve.ts. Other loaders (tsx) resolve first when
     * they can: we only step in where the chain found nothing, or for a `paths` alias.
     */
    resolve(specifier, context, nextResolve) {
      // A require() (synchronous hooks see those too) resolves through Module._resolveFilename,
      // which the probe's CommonJS hooks make resolve TypeScript's forms (and which takes no file: URL).
      if (isRequire(context)) return nextResolve(specifier, context);
      const parent: unknown = context?.parentURL;
      const importer = typeof parent === 'string' && parent.startsWith('file:') ? fileURLToPath(parent) : undefined;
      if (!importer || !isTypeScript(importer)) return nextResolve(specifier, context);
      const aliased = tsPathsAlias(specifier, importer);
      if (aliased) return nextResolve(pathToFileURL(aliased).href, context);
      return afterNext(() => nextResolve(specifier, context), (resolved) => resolved, (e) => {
        const file = NOT_FOUND.has((e as NodeJS.ErrnoException)?.code ?? '') ? tsFallback(specifier, importer) : undefined;
        if (!file) throw e;
        return nextResolve(pathToFileURL(file).href, context);
      });
    },

    load(url, context, nextLoad) {
      if (!url.startsWith('file:')) return nextLoad(url, context);
      const file = fileURLToPath(url);
      // vitest compiles the code under test itself: its evaluator hands it to the probe (testRunnerHooks).
      if (VITEST_EVALUATOR.test(file)) {
        return afterNext(() => nextLoad(url, context), (result) => {
          if (result.format !== 'module' || result.source == null) return result;
          return { ...result, source: loadedSourceText(result.source) + VITEST_ADOPT_CALL };
        });
      }
      if (!isUserFile(file, opts.includeNodeModules, ownDir)) return nextLoad(url, context);
      return afterNext(() => nextLoad(url, context), (result) => {
        // Node's own type stripping (on by default from Node 22.18 and 23.6: formats
        // `module-typescript`, `commonjs-typescript`) is no other loader: its source still has the
        // types, and left to Node it would run uninstrumented. Stripped (stripTypes) or transpiled
        // by us, then instrumented, as where Node has none.
        if (result.format === 'module-typescript' && stripTypes && result.source != null) {
          const stripped = stripTypes(loadedSourceText(result.source), file);
          if (stripped !== undefined) return { ...result, format: 'module', source: instrumentSource(ctx, stripped, file, true) };
        }
        if (result.format === 'module-typescript' || result.format === 'commonjs-typescript') return ownModule(file);
        // CommonJS goes through Module._compile, which the probe instruments in the running thread.
        if (result.format !== 'module' || result.source == null) return result;
        return { ...result, source: instrumentSource(ctx, loadedSourceText(result.source), file, true) };
      }, (e) => {
        if (!isTypeScript(file)) throw e;
        return ownModule(file);
      });
    },
  };
}
