/**
 * ES module load hooks (registered by the probe with module.register). Runs on Node's loader
 * thread: it only transforms source; the instrumented module registers its own site table
 * with the runtime of whichever thread evaluates it.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProbeOptions } from '../probeOptions';
import { isUserFile, instrumentSource } from './instrumentFile';
import { isTypeScript, transpileTypeScript, withInlineMap } from './typescript';
import { VITEST_EVALUATOR, VITEST_ADOPT_CALL } from './testRunnerHooks';

let opts: ProbeOptions;

const ctxOf = () => ({ distDir: path.dirname(opts.probePath), runDir: opts.runDir });

export function initialize(data: ProbeOptions): void {
  opts = data;
}

export async function load(url: string, context: any, nextLoad: any) {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  // vitest compiles the code under test itself: its evaluator hands it to the probe (testRunnerHooks).
  if (VITEST_EVALUATOR.test(file)) {
    const result = await nextLoad(url, context);
    if (result.format !== 'module' || result.source == null) return result;
    return { ...result, source: (typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8')) + VITEST_ADOPT_CALL };
  }
  const ownDir = path.dirname(opts.probePath);
  if (!isUserFile(file, opts.includeNodeModules, ownDir)) return nextLoad(url, context);
  let result;
  try {
    result = await nextLoad(url, context);
  } catch (e) {
    // No other loader handles TypeScript: transpile it ourselves.
    if (!isTypeScript(file)) throw e;
    const source = await readFile(file, 'utf8');
    const { code, map } = transpileTypeScript(source, file, 'esm', opts.esbuildPath);
    return { format: 'module', source: withInlineMap(instrumentSource(ctxOf(), code, file, true, map), map), shortCircuit: true };
  }
  // CommonJS goes through Module._compile, which the probe instruments in the running thread.
  if (result.format !== 'module' || result.source == null) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  return { ...result, source: instrumentSource(ctxOf(), source, file, true) };
}
