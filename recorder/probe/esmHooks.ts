/**
 * ES module resolve and load hooks (registered by the probe with module.register). Runs on
 * Node's loader thread: it resolves TypeScript's import forms and transforms source; the
 * instrumented module registers its own site table with the runtime of whichever thread
 * evaluates it. What the hooks do is moduleHooks.ts, shared with the synchronous hooks the probe
 * registers in the program's thread where Node has module.registerHooks (loadHooks.ts).
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { ProbeOptions } from '../probeOptions';
import { transpileTypeScriptAsync } from './typescript';
import { moduleHooks, type ModuleHooks } from './moduleHooks';

let hooks: ModuleHooks;

export function initialize(opts: ProbeOptions): void {
  // esbuild's long-lived service transpiles every TypeScript file of the run (see transpileTypeScriptAsync).
  hooks = moduleHooks(opts, async (file) =>
    transpileTypeScriptAsync(await readFile(file, 'utf8'), file, 'esm', { distDir: path.dirname(opts.probePath), esbuildPath: opts.esbuildPath }));
}

export async function resolve(specifier: string, context: any, nextResolve: any) {
  return hooks.resolve(specifier, context, nextResolve);
}

export async function load(url: string, context: any, nextLoad: any) {
  return hooks.load(url, context, nextLoad);
}
