import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { initialize, load } from './esmHooks';
import { moduleHooks } from './moduleHooks';
import { transpileTypeScript } from './typescript';
import type { ProbeOptions } from '../probeOptions';

const optionsFor = (dir: string): ProbeOptions => ({
  runDir: dir, probePath: path.resolve('dist/probe.js'), esmHooksPath: path.resolve('dist/esmHooks.mjs'),
  esbuildPath: path.dirname(require.resolve('esbuild/package.json')), includeNodeModules: false, maxSpans: 1000, recorderPid: process.pid,
} as ProbeOptions);

const SOURCE = 'const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));\nexport async function main(): Promise<void> {\n  await wait(1);\n  await wait(2);\n}\n';

type Result = { format: string; source?: string; shortCircuit?: boolean };

/**
 * The load hook's answers for what Node 22.18+/24 give it (their own type stripping's formats),
 * and for what another loader made of a file. `sync`: the answers are results, not promises
 * (module.registerHooks' hooks must return them as they are).
 */
async function checkLoad(hook: (url: string, context: unknown, next: (url: string, context: unknown) => any) => any, dir: string, sync: boolean) {
  const settle = (r: unknown) => {
    assert.equal(typeof (r as { then?: unknown })?.then === 'function', !sync, sync ? 'a result, not a promise' : 'a promise');
    return r as Result | Promise<Result>;
  };
  const next = (r: Result) => (sync ? () => r : async () => r);
  const mts = path.join(dir, 'app.mts');
  writeFileSync(mts, SOURCE);
  const esm = await settle(hook(pathToFileURL(mts).href, {}, next({ format: 'module-typescript', source: Buffer.from(SOURCE) as any })));
  assert.equal(esm.format, 'module');
  assert.match(esm.source!, /__cl\$\.load\(/, 'instrumented');
  assert.match(esm.source!, /const wait = \(ms\) => new Promise/, 'transpiled: the code has no types left');
  assert.match(esm.source!, /sourceMappingURL=data:application\/json/, 'with its map to the .mts lines');

  // CommonJS TypeScript goes to Node's CommonJS loader, whose require hook of the probe transpiles and instruments it.
  const cts = path.join(dir, 'legacy.cts');
  writeFileSync(cts, 'export const x: number = 1;\n');
  const cjs = await settle(hook(pathToFileURL(cts).href, {}, next({ format: 'commonjs-typescript', source: Buffer.from('') as any })));
  assert.deepEqual(cjs, { format: 'commonjs', shortCircuit: true });

  // What another loader made of a file (tsx: plain JavaScript as `module`) is instrumented as it is.
  const js = await settle(hook(pathToFileURL(mts).href, {}, next({ format: 'module', source: 'export async function y() { await 2; }\n' })));
  assert.equal(js.format, 'module');
  assert.match(js.source!, /export async function y\(\)/);
  assert.match(js.source!, /__cl\$\.load\(/);

  // CommonJS as Node's loader gives it (a require() in the synchronous hooks' thread): untouched,
  // Module.prototype._compile instruments it.
  const cjsJs = { format: 'commonjs', source: 'module.exports = async () => { await 1; };\n' };
  assert.equal(await settle(hook(pathToFileURL(path.join(dir, 'a.cjs')).href, {}, next(cjsJs))), cjsJs);

  // A .ts file the chain could not load (no type stripping, or it is off): transpiled by us.
  const failing = sync ? () => { throw Object.assign(new Error('unknown extension'), { code: 'ERR_UNKNOWN_FILE_EXTENSION' }); }
    : async () => { throw Object.assign(new Error('unknown extension'), { code: 'ERR_UNKNOWN_FILE_EXTENSION' }); };
  const own = await settle(hook(pathToFileURL(mts).href, {}, failing));
  assert.match(own.source!, /__cl\$\.load\(/);
  // …but a JavaScript file's load error is the program's: thrown as it was.
  const jsFile = pathToFileURL(path.join(dir, 'missing.mjs')).href;
  await assert.rejects(async () => settle(hook(jsFile, {}, failing)), /unknown extension/);
}

// Node 22.18+ and 24 strip TypeScript's types themselves: their default load gives a .ts file's
// source, types and all, as `module-typescript` (or `commonjs-typescript`). That is no loader of
// the program's: left to Node, the file ran uninstrumented (no findings on Node 22/24). Here
// Node's answer is given to the hook as those Nodes give it (this Node may have no type stripping).
test("module.register's hooks: Node's own type stripping is not a loader, the probe transpiles and instruments the TypeScript file", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-esmhooks-'));
  try {
    initialize(optionsFor(dir));
    await checkLoad(load, dir, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The same hooks, synchronous, as the probe registers them with module.registerHooks in the
// program's thread (Node 22.22.3+/24.11.1+; end to end on those Nodes: cli/nodeVersions.test.mjs).
test("module.registerHooks' hooks: the same answers, returned as results", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-synchooks-'));
  try {
    const opts = optionsFor(dir);
    const hooks = moduleHooks(opts, (file) => transpileTypeScript(SOURCE, file, 'esm', { distDir: path.dirname(opts.probePath), esbuildPath: opts.esbuildPath }));
    await checkLoad(hooks.load, dir, true);

    // A TypeScript importer's `./lib.js` that Node finds nothing at means `./lib.ts`.
    writeFileSync(path.join(dir, 'lib.ts'), 'export const v: number = 1;\n');
    const parentURL = pathToFileURL(path.join(dir, 'main.ts')).href;
    const asked: string[] = [];
    const resolved = hooks.resolve('./lib.js', { parentURL }, (specifier: string) => {
      asked.push(specifier);
      if (specifier === './lib.js') throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' });
      return { url: specifier };
    });
    assert.deepEqual(resolved, { url: pathToFileURL(path.join(dir, 'lib.ts')).href });
    assert.deepEqual(asked, ['./lib.js', pathToFileURL(path.join(dir, 'lib.ts')).href]);
    // A require() (synchronous hooks see them too) is left to Module._resolveFilename, which the
    // probe's CommonJS hooks extend and which takes no file: URL.
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "paths": { "@lib/*": ["./*"] } } }\n');
    const imported = hooks.resolve('@lib/lib.js', { parentURL, conditions: ['node', 'import'] }, (specifier: string) => ({ url: specifier }));
    assert.match(imported.url, /^file:.*\/lib\.ts$/, "an import's `paths` alias is resolved by our hook");
    const required = hooks.resolve('@lib/lib.js', { parentURL, conditions: ['require', 'node'] }, (specifier: string) => ({ url: specifier }));
    assert.deepEqual(required, { url: '@lib/lib.js' }, "a require()'s is left as written");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
