import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { followSyncHooks, esmLoaderFlags, importsOnlyTsx, syncHooksUsable } from './loadHooks';

// tsx 4.23+ on Node 22/24 installs synchronous hooks (module.registerHooks), which run before the
// probe's module.register hooks and answer without them. The probe follows: after the program's
// registerHooks call it adds its own synchronous load hook, which instruments what that loader
// made of a user file. Here `module` is a stand-in that keeps the hooks in order (this Node may
// have no registerHooks), and they are run as Node runs them: the last added first.
test('after a loader installs synchronous hooks, the probe adds one that instruments what it made of user files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-synchooks-'));
  try {
    type Load = (url: string, context: unknown, next: (url: string, context: unknown) => any) => any;
    const hooks: { load?: Load }[] = [];
    const fakeModule: any = { registerHooks: function registerHooks(h: { load?: Load }) { hooks.push(h); return { deregister() {} }; } };
    followSyncHooks(fakeModule, { distDir: path.resolve('dist'), runDir: dir, includeNodeModules: false }, { includeNodeModules: false } as any);
    const made: Record<string, { format: string; source: string }> = {
      [pathToFileURL(path.join(dir, 'routes.ts')).href]: { format: 'module', source: 'export async function f() { await g(); await g(); }\nasync function g() {}\n' },
      [pathToFileURL(path.join(dir, 'counter.cts')).href]: { format: 'commonjs', source: 'async function f() { for (const x of [1, 2]) await x; }\nmodule.exports = { f };\n' },
      [pathToFileURL(path.join(dir, 'node_modules', 'dep', 'index.js')).href]: { format: 'module', source: 'export async function h() { await 1; }\n' },
    };
    assert.equal(fakeModule.registerHooks.name, 'registerHooks', 'the program sees the name and length it had');
    assert.equal(fakeModule.registerHooks.length, 1);
    // The loader (tsx): answers itself.
    const loader = { load: ((url) => ({ ...made[url], shortCircuit: true })) as Load };
    const returned = fakeModule.registerHooks(loader);
    assert.ok(returned && typeof returned.deregister === 'function', "the program's registerHooks still returns its handle");
    assert.equal(hooks.length, 2, "ours added after the program's");
    assert.equal(hooks[0], loader);
    // The last added runs first, its next is the one added before it, and so on to Node's default.
    const load = (url: string) => hooks.reduce<(u: string, c: unknown) => any>((next, h) => (u, c) => h.load!(u, c, next), () => assert.fail('no default load needed'))(url, {});
    const [esm, cjs, dep] = Object.keys(made).map(load);
    assert.equal(esm.format, 'module');
    assert.match(esm.source, /__cl\$\.load\(/, 'the ES module is instrumented');
    assert.equal(cjs.format, 'commonjs');
    assert.match(cjs.source, /__cl\$\.load\(/, 'the CommonJS module is instrumented');
    assert.equal(dep.source, made[Object.keys(made)[2]].source, 'node_modules is not user code');
    // Instrumented once, even when our other hooks have done it already.
    const again = hooks[1].load!(Object.keys(made)[0], {}, () => ({ format: 'module', source: esm.source }));
    assert.equal(again.source, esm.source);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A main thread whose only ES-module loader flags are tsx's --import leaves the registration of our
// ES-module hooks to tsx's (they follow it): registered before, they put the loading of tsx itself
// behind Node's hooks thread.
test('--import and --loader flags are read from NODE_OPTIONS, then execArgv, in their every form', () => {
  assert.deepEqual(esmLoaderFlags(['--require', '/x/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs'], '--require "/p/probe.js" --inspect-publish-uid=http'),
    [{ flag: 'import', value: 'file:///x/node_modules/tsx/dist/loader.mjs' }]);
  assert.deepEqual(esmLoaderFlags(['--import=tsx', '--loader', 'ts-node/esm'], '--import "./setup.mjs" --experimental-loader=x.mjs'),
    [{ flag: 'import', value: './setup.mjs' }, { flag: 'experimental-loader', value: 'x.mjs' }, { flag: 'import', value: 'tsx' }, { flag: 'loader', value: 'ts-node/esm' }]);
  assert.deepEqual(esmLoaderFlags([], ''), []);
});

test("only tsx's own --import (as its CLI passes it, or as people write it) leaves our hooks to follow it", () => {
  const only = (...values: string[]) => importsOnlyTsx(values.map((value) => ({ flag: 'import', value })));
  assert.equal(only('file:///work/app/node_modules/tsx/dist/loader.mjs'), true, "tsx's CLI");
  assert.equal(only('file:///work/app/node_modules/.pnpm/tsx@4.19.2/node_modules/tsx/dist/loader.mjs'), true, 'pnpm');
  assert.equal(only('C:\\app\\node_modules\\tsx\\dist\\loader.mjs'), true, 'a Windows path');
  assert.equal(only('tsx'), true);
  assert.equal(only('tsx/esm'), true);
  assert.equal(only('tsx', 'tsx/esm'), true);
  assert.equal(only('tsx/cjs'), false, 'CommonJS hooks only: no module.register');
  assert.equal(only('tsx', './setup.mjs'), false, 'another --import may load user ES modules before tsx registers');
  assert.equal(only('./node_modules/tsx/dist/cli.mjs'), false);
  assert.equal(only('my-tsx'), false);
  assert.equal(only(), false, 'no --import: an ES module entry needs ours at once');
  assert.equal(importsOnlyTsx([{ flag: 'loader', value: 'tsx' }]), false, '--loader: Node starts the hooks thread itself');
});

// module.registerHooks is used where tsx 4.23 uses it: the versions after the fixes its
// CommonJS and require(esm) paths needed (the API itself is from 22.15 and 23.5).
test('our hooks run in the thread itself (module.registerHooks) on Node 22.22.3+, 24.11.1+, 25.1+ and 26+', () => {
  for (const v of ['22.22.3', '22.23.5', '24.11.1', '24.22.3', '25.1.0', '26.0.0', '27.3.1']) assert.equal(syncHooksUsable(v, 'function'), true, v);
  for (const v of ['20.20.2', '22.15.0', '22.22.2', '23.11.0', '24.11.0', '24.1.5', '25.0.0']) assert.equal(syncHooksUsable(v, 'function'), false, v);
  assert.equal(syncHooksUsable('24.22.3', 'undefined'), false, 'not without the API');
});
