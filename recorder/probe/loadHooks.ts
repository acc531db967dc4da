import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from './thread';
import { inspectorRequested, isInspector } from './inspectorAccess';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { ProbeOptions } from '../probeOptions';
import { measureOff } from '../measureOff';
import { isUserFile, instrumentSource, loadedSourceText, type InstrumentContext } from './instrumentFile';
import { isTypeScript, transpileTypeScript, strippedTypeScript, withInlineMap, moduleFormat, packageTypeOf, type Transpiled, type TranspileContext } from './typescript';
import { moduleHooks, type ModuleHooks } from './moduleHooks';
import { tsFallback, tsPathsAlias } from './tsResolve';
import { hasNodeFlag } from './nodeFlags';

/**
 * Instruments user files as Node loads them: CommonJS through Module.prototype._compile
 * (every .js/.cjs file, whoever requires it), TypeScript through require.extensions, and
 * ES modules through load hooks (moduleHooks.ts): module.registerHooks' in the thread itself,
 * in every thread, where syncHooksUsable; else module.register's, where the thread's entry point is
 * an ES module or a loader flag is given.
 */
/** Captured before the probe wraps fs.*Sync. */
const readFileSyncOriginal = fs.readFileSync;
const realpathSyncOriginal = fs.realpathSync;
let firstFile: string | undefined;
let loadingDepth = 0;

/** True while a require() is loading a module (its file reads are module loading). */
export function isLoadingModule(): boolean {
  return loadingDepth > 0;
}

/** The first module this thread compiled: a worker's script (require.main is unset in workers). */
export function firstCompiledFile(): string | undefined {
  return firstFile;
}

/**
 * `onCompiled(file, exports)` sees every CommonJS module once it has run (the test-runner
 * adapters wait for their runner's internals there). `esmEntry` false: an ES-module entry point
 * gets no ES-module hooks of ours (vitest's, whose code under test the probe gets elsewhere);
 * --import/--loader or a program's own module.register() still bring them.
 */
export function installLoadHooks(opts: ProbeOptions, onCompiled: (file: string, exports: unknown) => void = () => undefined, esmEntry = true): void {
  const Module = require('node:module');
  const ownDir = path.dirname(opts.probePath);
  const ctx = { distDir: ownDir, runDir: opts.runDir, includeNodeModules: opts.includeNodeModules };
  const tsCtx = { distDir: ownDir, esbuildPath: opts.esbuildPath };
  const maps = new Map<string, unknown>();

  // Sync fs calls made while a module loads are Node's loader (and ours), not the program's I/O.
  const load = Module._load;
  Module._load = function (this: unknown, ...args: unknown[]) {
    loadingDepth++;
    try { return load.apply(this, args); } finally { loadingDepth--; }
  };

  // TypeScript's resolution for requires made by TypeScript files (`./x.js` meaning `./x.ts`,
  // tsconfig `paths`), where Node's own finds nothing (paths: before it, as TypeScript does).
  const resolveFilename = Module._resolveFilename;
  const resolveTs = function (this: unknown, request: unknown, parent: any, ...rest: unknown[]) {
    const importer: unknown = parent?.filename;
    if (typeof request !== 'string' || typeof importer !== 'string' || !isTypeScript(importer)) {
      return resolveFilename.call(this, request, parent, ...rest);
    }
    const aliased = tsPathsAlias(request, importer);
    if (aliased) return resolveFilename.call(this, aliased, parent, ...rest);
    try {
      return resolveFilename.call(this, request, parent, ...rest);
    } catch (e) {
      const file = (e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' ? tsFallback(request, importer) : undefined;
      if (!file) throw e;
      return resolveFilename.call(this, file, parent, ...rest);
    }
  };
  Module._resolveFilename = sameShape(resolveFilename, resolveTs);

  // Node passes a third argument, the format: `module` where a require() loads an ES module
  // (require(esm), Node 20.19+/22.12+: a piscina task file, `require('./lib.mjs')`), which Node
  // then compiles as one. It is passed on as it came; such a module is instrumented as an ES
  // module (as a script it does not parse, and ran uninstrumented). TypeScript formats
  // (`commonjs-typescript`, `module-typescript`: Node strips the types after this) are not ours
  // to parse.
  const compile = Module.prototype._compile;
  Module.prototype._compile = sameShape(compile, function (this: any, content: string, filename: string, ...rest: unknown[]) {
    firstFile ??= filename;
    const format = rest[0];
    if ((format === undefined || format === 'commonjs' || format === 'module') && isUserFile(filename, opts.includeNodeModules, ownDir)) {
      // An import() of node:inspector in this file would not pass Module._load (inspectorAccess.ts).
      if (content.includes('inspector')) inspectorRequested();
      const map = maps.get(filename);
      maps.delete(filename);
      content = instrumentSource(ctx, content, filename, format === 'module', map);
      if (map) content = withInlineMap(content, map);
    }
    const result = compile.call(this, content, filename, ...rest);
    onCompiled(filename, this.exports);
    return result;
  });

  const loadTs = (module: any, filename: string) => {
    const source = readFileSyncOriginal(filename, 'utf8'); // loading code, as Node's own loader does
    const { code, map } = transpileTypeScript(source, filename, 'cjs', tsCtx);
    maps.set(filename, map);
    enableSourceMaps();
    module._compile(code, filename);
  };
  for (const ext of ['.ts', '.cts', '.tsx']) Module._extensions[ext] = loadTs;

  if (typeof Module.register === 'function') {
    const register = Module.register;
    const registerHooks = Module.registerHooks;
    // Synchronous hooks in this thread where Node's can be trusted with them, as tsx does, and
    // where a TypeScript program's ES modules can be stripped of their types in the thread (else
    // esbuild's service, on the hooks thread, transpiles them ~10× faster than a run of its
    // binary per file); else module.register's.
    const strip = typeof Module.stripTypeScriptTypes === 'function' ? nodeTypeStripping(Module.stripTypeScriptTypes, tsCtx) : undefined;
    const inThread = syncHooksUsable(process.versions.node, typeof registerHooks) && (!!strip || !isTypeScript(process.argv[1] ?? '')) && !measureOff('inThreadHooks');
    let inThreadHooks: unknown;
    const ours = () => {
      if (!inThread) {
        register(pathToFileURL(opts.esmHooksPath).href, { data: { ...opts } });
        // Its hooks run in another thread, which sees the program's imports of node:inspector, not this one.
        inspectorRequested();
      } else inThreadHooks ??= registerHooks.call(Module, askingForInspector(moduleHooks(opts, readAndTranspile(tsCtx), strip)));
      esmHooks.registered = true;
    };
    // Hooks registered last run first: when another loader (tsx, ts-node/esm) registers its hooks,
    // register ours again after it, so we instrument what it produced. (Synchronous hooks run
    // before every module.register hook: once ours are in place, they see what those produced.)
    Module.register = sameShape(register, function (this: unknown, ...args: unknown[]) {
      const result = register.apply(this, args);
      ours();
      return result;
    });
    followSyncHooks(Module, ctx, opts, () => { esmHooks.registered = true; });
    Module.syncBuiltinESMExports();
    const loaderFlags = esmLoaderFlags();
    // In the thread itself, our hooks cost little: every thread gets them, and an ES module a
    // CommonJS thread import()s is instrumented too (`await import('./task.mjs')` in CommonJS
    // code). module.register's start a hooks thread (~35–50 ms a worker): only where the entry
    // point is an ES module, or a loader flag brings the ESM loader anyway. A worker's entry is
    // known only as it runs (followWorkerEntry).
    if (!isMainThread) followWorkerEntry(Module, () => { if (esmEntry && !esmHooks.registered && entryUsesEsmLoader()) ours(); });
    if ((esmEntry && (inThread || entryUsesEsmLoader())) || loaderFlags.length > 0) {
      // tsx's --import registers its hooks as it loads, and ours follow them (above): registered
      // now, they would only put the loading of tsx itself (and esbuild) behind Node's hooks thread
      // (and, in the thread, make ours transpile what tsx would).
      if (isMainThread && importsOnlyTsx(loaderFlags)) esmHooks.deferred = true;
      else ours();
      if (isTypeScript(process.argv[1] ?? '')) enableSourceMaps();
    }
  }
}

/** The in-thread hooks, sharing the inspector before an import (or require) of node:inspector resolves (inspectorAccess.ts). */
function askingForInspector(hooks: ModuleHooks): ModuleHooks {
  const { resolve } = hooks;
  return { ...hooks, resolve: (specifier, context, nextResolve) => { if (isInspector(specifier)) inspectorRequested(); return resolve(specifier, context, nextResolve); } };
}

/**
 * Whether module.registerHooks (Node 22.15+/23.5+) is in the versions tsx 4.23 uses it on:
 * 22.22.3+, 24.11.1+, 25.1+ and 26+ (fixes to its CommonJS and require(esm) paths came later than
 * the API). There it runs in the thread that registered it: no hooks thread to start (~90 ms
 * before an ES-module entry's first line, on Node 22.23.5).
 */
export function syncHooksUsable(version: string, registerHooks: string): boolean {
  if (registerHooks !== 'function') return false;
  const [major, minor, patch] = version.split('.').map(Number);
  const since: Record<number, [number, number]> = { 22: [22, 3], 24: [11, 1], 25: [1, 0] };
  if (major >= 26) return true;
  const from = since[major];
  return !!from && (minor > from[0] || (minor === from[0] && patch >= from[1]));
}

/**
 * Node's own type stripping (module.stripTypeScriptTypes, Node 22.13+), which is what Node runs a
 * `module-typescript` file through: our hooks instrument its output instead of handing Node the
 * types. The API warns that it is experimental, once per thread, on the program's stderr: the
 * program did not call it, so that warning is left unsaid (process.emitWarning is Node's only
 * while the call runs; a program calling the API itself later is not warned again).
 */
function nodeTypeStripping(stripTypeScriptTypes: (code: string, options?: object) => string, tsCtx: TranspileContext): (source: string, file: string) => string | undefined {
  const strip = (source: string) => {
    const emitWarning = process.emitWarning;
    process.emitWarning = () => undefined;
    try { return stripTypeScriptTypes(source, { mode: 'strip' }); } catch { return undefined; } finally { process.emitWarning = emitWarning; }
  };
  return (source, file) => strippedTypeScript(source, file, tsCtx, strip);
}

/** Our synchronous hooks' TypeScript: read and transpiled in the thread (esbuild's binary, kept across runs). */
function readAndTranspile(tsCtx: TranspileContext): (file: string) => Transpiled {
  return (file) => transpileTypeScript(readFileSyncOriginal(file, 'utf8'), file, 'esm', tsCtx);
}

/**
 * Our ES-module hooks in this thread: `deferred` when they waited for tsx's to be registered
 * first (installLoadHooks), `registered` once ours (module.register) or our synchronous hook
 * (followSyncHooks) are in place.
 */
const esmHooks = { deferred: false, registered: false };

/**
 * Why this thread's ES modules ran uninstrumented, if they did: ours waited for tsx's --import to
 * register its hooks, and it never did (read at the thread's exit, once the entry point has loaded).
 * Not said of the test runner's own process (`node --import tsx --test`), whose test files run in
 * child processes.
 */
export function esmHooksMissing(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string | undefined {
  if (!esmHooks.deferred || esmHooks.registered) return undefined;
  // Node's test runner runs each test file in a child process of its own (which loads tsx and is
  // recorded as any process): its own process loads no --import and none of the program's modules.
  if (execArgv.includes('--test') && ![...execArgv, ...nodeOptions.split(/\s+/)].some((f) => /^--(experimental-)?test-isolation=none$/.test(f))) return undefined;
  return "its ES modules were not instrumented (no awaits recorded from them): tsx's --import registered no module hooks";
}

/** The values of this process's --import / --loader flags (NODE_OPTIONS' first, as Node takes them). */
export function esmLoaderFlags(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): { flag: string; value: string }[] {
  const out: { flag: string; value: string }[] = [];
  const read = (args: readonly string[]) => {
    for (let i = 0; i < args.length; i++) {
      const m = /^--(import|loader|experimental-loader)(?:=(.*))?$/.exec(args[i]);
      if (!m) continue;
      const value = m[2] ?? args[++i] ?? '';
      out.push({ flag: m[1], value: value.replace(/^(["'])(.*)\1$/, '$2') });
    }
  };
  read(nodeOptions.split(/\s+/).filter(Boolean));
  read(execArgv);
  return out;
}

/**
 * Whether every ES-module loader flag is an --import of tsx's loader (`tsx`, `tsx/esm`, or its
 * files, as tsx's CLI passes them: `file:///…/node_modules/tsx/dist/loader.mjs`). Its modules
 * register tsx's hooks when they load, in a main thread (module.register, or module.registerHooks
 * on Node 22.22.3+/24.11.1+): tsx does not run without them.
 */
export function importsOnlyTsx(flags: readonly { flag: string; value: string }[]): boolean {
  return flags.length > 0 && flags.every(({ flag, value }) => flag === 'import' && (
    value === 'tsx' || value === 'tsx/esm' || /\/node_modules\/tsx\/dist\/(loader\.mjs|esm\/index\.mjs)$/.test(value.replace(/\\/g, '/'))));
}

/**
 * A loader that installs synchronous hooks (`module.registerHooks`, Node 22.15+/23.5+: tsx 4.23+
 * on Node 22/24) runs before every `module.register` hook, ours included, and may answer without
 * asking them; the CommonJS it hands Node that way did not reach our Module.prototype._compile
 * either (tsx's CommonJS project on Node 24). Its modules then ran uninstrumented. After each such
 * call the probe adds a synchronous load hook of its own (hooks added last run first), which
 * instruments the JavaScript the loader made of a user file, ES module or CommonJS (its inline
 * source map leads back to the .ts lines). Code our other hooks instrumented already is left as it
 * is (instrumentSource knows its own mark).
 */
export function followSyncHooks(Module: any, ctx: InstrumentContext, opts: ProbeOptions, followed: () => void = () => undefined): void {
  const registerHooks = Module.registerHooks;
  if (typeof registerHooks !== 'function') return;
  const load = (url: string, context: unknown, nextLoad: (url: string, context: unknown) => any) => {
    const result = nextLoad(url, context);
    const isModule = result?.format === 'module';
    if (!url.startsWith('file:') || !(isModule || result?.format === 'commonjs') || result.source == null) return result;
    const file = fileURLToPath(url);
    if (!isUserFile(file, opts.includeNodeModules, ctx.distDir)) return result;
    return { ...result, source: instrumentSource(ctx, loadedSourceText(result.source), file, isModule) };
  };
  Module.registerHooks = sameShape(registerHooks, function (this: unknown, ...args: unknown[]) {
    const result = registerHooks.apply(this, args);
    try { registerHooks.call(Module, { load }); followed(); } catch { /* the program's hooks stay in place */ }
    return result;
  });
}

/** A worker's entry file, once Node runs it (followWorkerEntry). */
let workerEntry: string | undefined;

/** The file a worker was started with (`new Worker(file)`), once Node runs it; undefined in a main thread and for `eval` workers. */
export function workerEntryFile(): string | undefined {
  return workerEntry;
}

/**
 * A worker's entry point is not known as its preloads (the probe) run: Node sets process.argv[1]
 * and calls Module.runMain(filename) only after them (lib/internal/main/worker_thread.js, Node 20
 * to 24; `eval` workers do not). `running()` is called there, before the entry loads: an ES-module
 * worker (`new Worker(new URL('./worker.js', import.meta.url))` under "type": "module", tinypool's
 * own ES-module entry) gets our hooks as a main thread's ES-module entry does. The wrapper
 * is used once, and Node's runMain is put back first.
 */
function followWorkerEntry(Module: any, running: () => void): void {
  const runMain = Module.runMain;
  if (typeof runMain !== 'function') return;
  Module.runMain = sameShape(runMain, function (this: unknown, ...args: unknown[]) {
    Module.runMain = runMain;
    if (typeof args[0] === 'string') workerEntry = args[0];
    try { running(); } catch { /* the worker runs uninstrumented */ }
    return runMain.apply(this, args);
  });
}

/** `wrapper` with the `name` and `length` of the built-in it stands for (what the program sees of it). */
function sameShape<F extends (...args: any[]) => unknown>(original: F, wrapper: F): F {
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  return wrapper;
}

/** --import / --loader make Node run the entry point through the ESM loader. */
export function usesEsmLoader(): boolean {
  return esmLoaderFlags().length > 0;
}

function enableSourceMaps(): void {
  (process as any).setSourceMapsEnabled?.(true);
}

/**
 * The main script as Node loads it: `process.argv[1]` through its symlinks (a package's bin in
 * node_modules/.bin: TypeScript 7's `tsc` is an extensionless ES module of a "type": "module"
 * package, linked from a folder whose package.json says nothing), unless --preserve-symlinks-main.
 */
function mainEntryFile(): string | undefined {
  const main = process.argv[1];
  if (!main) return undefined;
  if (hasNodeFlag('preserve-symlinks-main')) return main;
  try { return realpathSyncOriginal(main); } catch { return main; } // a name Node completes (`node app` for app.js)
}

/**
 * True when Node runs the main script through the ESM loader: an ES module (.mjs/.mts, or .js/.ts
 * under "type": "module"), or a .cts under "type": "module" (Node decides by package type).
 */
export function entryUsesEsmLoader(): boolean {
  const main = mainEntryFile();
  if (!main) return false;
  return moduleFormat(main) === 'module' || (/\.cts$/.test(main) && packageTypeOf(main) === 'module');
}
