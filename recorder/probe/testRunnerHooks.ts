import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, workerThreads } from './thread';
import type { ProbeOptions } from '../probeOptions';
import { PROBE_GLOBAL } from '../probeOptions';
import { isUserFile, instrumentSource, type InstrumentContext } from './instrumentFile';

/**
 * `runsTests(runner)` is called whenever the runner is about to run user code in this thread
 * (the probe logs it once: the analyzer then treats the thread as running the code under test).
 *
 * Test runners that compile the code under test themselves, past Node's module loader (so past
 * the probe's load hooks): jest (vm.compileFunction in a vm context per test file) and vitest
 * (vite's module runner, vm.runInThisContext). Each gets the code instrumented at the one
 * internal method that hands it to V8, with the source the runner would have compiled; nothing
 * else of the runner changes, and nothing Node's built-ins look like.
 */

/** A runner's module as it finished loading: its file and exports. */
export type RunnerModuleAdapter = (file: string, exports: any) => void;

/**
 * jest-runtime: its (internal) ModuleExecutor.prototype.compile(scriptSource, filename) compiles
 * CommonJS in the test file's vm context. The class is not exported: it is reached through the
 * `executor` of the first Runtime that loads a module.
 */
const JEST_RUNTIME = /[\\/]node_modules[\\/]jest-runtime[\\/]build[\\/]index\.js$/;
/** vitest's VitestModuleEvaluator.prototype._runInlinedModule(context, code, module, span). */
export const VITEST_EVALUATOR = /[\\/]node_modules[\\/]vitest[\\/]dist[\\/]module-evaluator\.js$/;

/**
 * mocha --parallel's worker processes: workerpool forks of this script (worker.js before mocha 11),
 * each running whole test files. mocha compiles them through Node's loader (the probe's load hooks
 * instrument them), so only the thread's role is to tell: it is no pool member working for its
 * parent, but a process running the code under test.
 */
const MOCHA_WORKER = /[\\/]mocha[\\/]lib[\\/]nodejs[\\/]worker\.c?js$/;

/** Whether this process is one of mocha's parallel workers (its main script: `process.argv[1]`). */
export function isMochaWorker(script: string | undefined): boolean {
  return isMainThread && !!script && MOCHA_WORKER.test(script);
}

const ADOPTED = Symbol('concurrency-lens adopted');

/** For Module._compile: adapts jest-runtime once it is loaded (CommonJS). */
export function adaptJestRuntime(opts: ProbeOptions, runtime: unknown, runsTests: (runner: string) => void): RunnerModuleAdapter {
  const ctx = { distDir: path.dirname(opts.probePath), runDir: opts.runDir, includeNodeModules: opts.includeNodeModules };
  const ownDir = path.dirname(opts.probePath);
  const adoptExecutor = (executor: any) => {
    const proto = executor ? Object.getPrototypeOf(executor) : undefined;
    const compile = proto?.compile;
    if (typeof compile !== 'function' || compile[ADOPTED]) return;
    const adopted = function (this: any, scriptSource: unknown, filename: unknown) {
      if (typeof scriptSource === 'string' && typeof filename === 'string' && isUserFile(filename, opts.includeNodeModules, ownDir)) {
        const global = this?.environment?.global;
        if (global && provideRuntime(global, runtime)) {
          runsTests('jest');
          const args = [...arguments];
          args[0] = instrumentSource(ctx, scriptSource, filename, false);
          return compile.apply(this, args);
        }
      }
      return compile.apply(this, arguments as any);
    };
    Object.defineProperty(adopted, ADOPTED, { value: true });
    proto.compile = adopted;
  };
  return (file, exports) => {
    if (!JEST_RUNTIME.test(file)) return;
    const proto = (exports as any)?.default?.prototype;
    for (const name of ['requireModule', 'requireModuleOrMock', 'requireInternalModule']) {
      const method = proto?.[name];
      if (typeof method !== 'function') continue;
      proto[name] = function (this: any) {
        adoptExecutor(this?.executor);
        return method.apply(this, arguments as any);
      };
    }
  };
}

/**
 * Instrumented code finds the runtime as `globalThis[Symbol.for('concurrency-lens')]`; a test
 * file's vm context has a global of its own. The runtime goes there as a non-configurable
 * getter: jest's teardown soft-deletes (wraps, then deletes) what was set on its global, which
 * would reach into the runtime itself if it were a plain value.
 */
function provideRuntime(global: any, runtime: unknown): boolean {
  try {
    if (global[PROBE_GLOBAL] === runtime) return true;
    return Reflect.defineProperty(global, PROBE_GLOBAL, { get: () => runtime, enumerable: false, configurable: false });
  } catch { return false; }
}

/**
 * Called from vitest's module-evaluator.js (the probe's ES-module load hook appends the call):
 * instruments each user module vite's runner evaluates in this thread's own context.
 */
export function adoptVitestEvaluator(opts: ProbeOptions, evaluator: any, runsTests: (runner: string) => void, runtime: unknown): void {
  const ctx = { distDir: path.dirname(opts.probePath), runDir: opts.runDir, includeNodeModules: opts.includeNodeModules };
  const ownDir = path.dirname(opts.probePath);
  const proto = evaluator?.prototype;
  const run = proto?._runInlinedModule;
  if (typeof run !== 'function' || run[ADOPTED]) return;
  const adopted = function (this: any, context: any, code: unknown, module: any) {
    const file = module?.file;
    // vitest's vm pools (vmThreads, vmForks) evaluate each test file in a vm context of its own:
    // the runtime goes on that context's global first, as for jest's (else uninstrumented).
    const vmContext = this?.vm?.context;
    if (typeof code === 'string' && typeof file === 'string' && isUserFile(file, opts.includeNodeModules, ownDir)
      && (!vmContext || provideRuntime(vmContext, runtime))) {
      runsTests('vitest');
      const args = [...arguments];
      args[1] = instrumentViteModule(ctx, code, file);
      return run.apply(this, args);
    }
    return run.apply(this, arguments as any);
  };
  Object.defineProperty(adopted, ADOPTED, { value: true });
  proto._runInlinedModule = adopted;
}

const IMPORT_AWAIT = 'await __vite_ssr_import__(';
/** Same length, not an await: vite's own import awaits must not look like the user's awaits. */
const IMPORT_HIDDEN = 'void  __vite_ssr_import__(';
const VITE_INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;(?:charset=[^;,]+;)?base64,([A-Za-z0-9+/=]+)\s*(?:\/\/# vitestCache=\S*\s*)?$/;

/**
 * vite's code for a module: its `import`s became `await __vite_ssr_import__(…)` (not awaits of
 * the user's code: they are hidden from the instrumenter), and vitest puts a cache comment after
 * the inline source map (the map is taken from before it). Unchanged if it cannot be done exactly.
 */
function instrumentViteModule(ctx: InstrumentContext, code: string, file: string): string {
  let map: unknown;
  const m = VITE_INLINE_MAP.exec(code.slice(-500_000));
  if (m) { try { map = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')); } catch { /* keep generated positions */ } }
  const imports = code.split(IMPORT_AWAIT).length - 1;
  if (code.includes(IMPORT_HIDDEN)) return code;
  const out = instrumentSource(ctx, code.split(IMPORT_AWAIT).join(IMPORT_HIDDEN), file, true, map);
  const parts = out.split(IMPORT_HIDDEN);
  return parts.length - 1 === imports ? parts.join(IMPORT_AWAIT) : code;
}

/** Environment data (worker_threads) under which vitest's main thread tells its workers where its evaluator is. */
const EVALUATOR_KEY = 'concurrency-lens:vitest-module-evaluator';

/** vitest's own entry points: its CLI, and the scripts of its pool workers (threads, forks). */
const VITEST_ENTRY = /[\\/]vitest[\\/](?:vitest\.mjs|dist[\\/]workers[\\/][\w-]+\.js)$/;

/**
 * When this thread runs one of vitest's entry points (`process.argv[1]`: its CLI, or a pool
 * worker's script), the path of vitest's module-evaluator.js beside it; else undefined.
 */
export function vitestEvaluatorPath(): string | undefined {
  try {
    const main = process.argv[1];
    if (!main) return undefined;
    const entry = fs.realpathSync(main);
    if (!VITEST_ENTRY.test(entry)) return undefined;
    const pkg = entry.endsWith('.mjs') ? path.dirname(entry) : path.dirname(path.dirname(path.dirname(entry)));
    const evaluator = path.join(pkg, 'dist', 'module-evaluator.js');
    return fs.existsSync(evaluator) ? evaluator : undefined;
  } catch { return undefined; }
}

/**
 * vitest's processes and threads (its CLI, `--pool=forks` children, `--pool=threads` workers):
 * the probe imports vitest's module-evaluator.js itself (the same module instance vitest imports)
 * and adopts the class. It is evaluated within vitest's own module graph, before vitest can fetch
 * and evaluate any test module. So vitest needs no ES-module load hooks: they would put each of
 * its hundreds of module loads through Node's hooks thread, in every process and worker (on Node
 * 20 the hooks of a process do not reach its workers). The main thread also hands the path to
 * the workers it starts (worker_threads environment data), for workers whose script is not
 * vitest's own.
 */
export function adoptVitestInThreads(opts: ProbeOptions, runtime: unknown, runsTests: (runner: string) => void, evaluatorPath = vitestEvaluatorPath(),
  importModule: (specifier: string) => Promise<any> = (specifier) => import(specifier)): void {
  try {
    if (isMainThread && evaluatorPath && /[\\/]vitest\.mjs$/.test(fs.realpathSync(process.argv[1]))) workerThreads().setEnvironmentData(EVALUATOR_KEY, evaluatorPath);
    const evaluator = evaluatorPath ?? (isMainThread ? undefined : workerThreads().getEnvironmentData(EVALUATOR_KEY));
    if (typeof evaluator !== 'string') return;
    // The loader's import(): a probe run from V8's code cache has none of its own (recorder/codeCache.ts).
    importModule(pathToFileURL(evaluator).href).then((m) => adoptVitestEvaluator(opts, m.VitestModuleEvaluator, runsTests, runtime), () => undefined);
  } catch { /* not vitest as we know it: runs uninstrumented */ }
}

/** Appended to vitest's module-evaluator.js by the ES-module load hook. */
export const VITEST_ADOPT_CALL = `\n;globalThis[Symbol.for('concurrency-lens')]?.adoptVitestEvaluator?.(VitestModuleEvaluator);\n`;
