// Labels of transpiled TypeScript read as the .ts source: real esbuild output (CommonJS, as the probe
// and tsx produce it) and its real source map go through the transform.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { instrument } from './transform';

const syncNames = new Set(['readFileSync']);
const poolNames = new Set(['readFile']);

const SOURCE = `import axios from 'axios';
import pLimit from 'p-limit';
import { readFile as rf } from 'node:fs/promises';
import def, { named } from './x.js';
import * as fsp from 'node:fs/promises';

export async function go(u: string): Promise<void> {
  await axios.get<string>(u);
  await pLimit(3)(() => 1);
  await rf(u, 'utf8');
  await fsp.readFile(u);
  await def.get(named);
  await named.thing(u);
  await new axios.Agent();
  await def;
}
`;

function labels(code: string, map: unknown, original?: string): string[] {
  const out = instrument({ source: code, file: '/app/a.ts', isModule: false, map, original, syncNames, poolNames });
  assert.ok(out, 'transpiled code should parse');
  return out.sites.filter((s) => s.kind === 'await' || s.kind === 'combinator').map((s) => s.label);
}

const WRITTEN = ['await axios.get()', 'await pLimit(3)()', 'await rf()', 'await fsp.readFile()', 'await def.get()',
  'await named.thing()', 'await new axios.Agent()', 'await def'];

describe('await labels of esbuild CommonJS output use the names of the .ts source', () => {
  it('with the map esbuild returns (sourcesContent included)', () => {
    const r = transformSync(SOURCE, { loader: 'ts', format: 'cjs', sourcemap: 'external', sourcefile: '/app/a.ts', target: 'node18' });
    assert.match(r.code, /import_axios\.default\.get/, 'esbuild renamed the import (the case under test)');
    assert.deepEqual(labels(r.code, JSON.parse(r.map)), WRITTEN);
  });

  it('minified inside an IIFE with a map without sourcesContent (as tsx emits it), reading the original file', () => {
    const r = transformSync(SOURCE, { loader: 'ts', format: 'cjs', sourcemap: 'external', sourcefile: '/app/a.ts', target: 'node18', minifyWhitespace: true, sourcesContent: false });
    const code = `(()=>{\n${r.code}\n})()`;
    const map = JSON.parse(r.map);
    map.mappings = `;${map.mappings}`; // the IIFE's first line
    assert.deepEqual(labels(code, map, SOURCE), WRITTEN);
  });

  it('without a map: the import\'s own name, never esbuild\'s binding', () => {
    const r = transformSync(SOURCE, { loader: 'ts', format: 'cjs', target: 'node18' });
    const got = labels(r.code, undefined);
    for (const l of got) assert.doesNotMatch(l, /import_|\(0,/, l);
    assert.deepEqual(got.slice(0, 2), ['await axios.get()', 'await p_limit(3)()']);
  });

  it('ES module output keeps the source names as they are', () => {
    const r = transformSync(SOURCE, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: '/app/a.ts', target: 'node18' });
    const out = instrument({ source: r.code, file: '/app/a.ts', isModule: true, map: JSON.parse(r.map), syncNames, poolNames });
    assert.deepEqual(out!.sites.filter((s) => s.kind === 'await').map((s) => s.label), WRITTEN);
  });
});

// vitest runs the code under test as vite's module runner transforms it (`import * as fs` reads
// `__vite_ssr_import_0__.readFileSync`); the probe hides the import awaits (testRunnerHooks.ts).
const VITE_SOURCE = `import * as fs from 'node:fs';
import { readFileSync as rfs, statSync } from 'node:fs';
import pLimit from 'p-limit';
import * as fsp from 'node:fs/promises';
export async function go(u) {
  const a = fs.readFileSync(u, 'utf8');
  const b = rfs(u);
  statSync(u);
  await pLimit(2)(() => 1);
  await fsp.readFile(u);
  return a + b;
}
`;

describe("labels of vite's SSR output (vitest) use the names of the source", () => {
  const viteLabels = async (withMap: boolean) => {
    const { moduleRunnerTransform } = await import('vite');
    const r = await moduleRunnerTransform(VITE_SOURCE, null, '/app/a.js', VITE_SOURCE);
    assert.ok(r, 'vite transformed the module');
    assert.match(r.code, /__vite_ssr_import_0__\.readFileSync/, 'vite renamed the import (the case under test)');
    const code = r.code.split('await __vite_ssr_import__(').join('void  __vite_ssr_import__(');
    const out = instrument({ source: code, file: '/app/a.js', isModule: true, map: withMap ? r.map : undefined, syncNames: new Set(['readFileSync', 'statSync']), poolNames });
    assert.ok(out);
    return out.sites.filter((s) => s.kind !== 'fn').sort((a, b) => a.line - b.line).map((s) => s.label);
  };
  it('with its source map', async () => {
    assert.deepEqual(await viteLabels(true), ['fs.readFileSync()', 'rfs()', 'statSync()', 'await pLimit(2)()', 'await fsp.readFile()']);
  });
  it("without one: the module's name, never vite's binding", async () => {
    const got = await viteLabels(false);
    for (const l of got) assert.doesNotMatch(l, /__vite_ssr|\(0,/, l);
    assert.deepEqual(got, ['fs.readFileSync()', 'fs.readFileSync()', 'fs.statSync()', 'await p_limit(2)()', 'await promises.readFile()']);
  });
});

describe('labels of other transpilers\' CommonJS output without a map: the module\'s name, not the binding', () => {
  const sites = (code: string) => instrument({ source: code, file: '/app/a.js', isModule: false, syncNames: new Set(['readFileSync']), poolNames })!
    .sites.filter((s) => s.kind !== 'fn').sort((a, b) => a.line - b.line).map((s) => s.label);
  it("babel's (@babel/plugin-transform-modules-commonjs: interop wrappers, or its own name for the module)", () => {
    const code = [
      'var _fs = require("fs");',
      'var _promises = _interopRequireDefault(require("node:fs/promises"));',
      'var _pLimit = _interopRequireDefault(require("p-limit"));',
      'async function go(u) {',
      '  (0, _fs.readFileSync)(u);',
      '  await _promises.default.readFile(u);',
      '  await (0, _pLimit.default)(2)(() => 1);',
      '}',
    ].join('\n');
    // Babel's interop wrapper no longer hides what a binding is: _promises' readFile is a
    // thread-pool call, and _pLimit a dependency whose call is a library call.
    assert.deepEqual(sites(code), ['fs.readFileSync()', 'await promises.readFile()', 'promises.readFile()', 'await p_limit(2)()', 'p_limit()']);
  });
  it("tsc's with importHelpers (tslib's helpers)", () => {
    const code = 'const tslib_1 = require("tslib");\nconst fs_1 = tslib_1.__importDefault(require("fs"));\nasync function go(u) {\n  fs_1.default.readFileSync(u);\n}\n';
    assert.deepEqual(sites(code), ['__importDefault()', 'fs.readFileSync()']); // tslib's helper is a library call too
  });
  it("a program's own requires keep the names it wrote", () => {
    const code = 'const _ = require("lodash");\nconst fs_ = require("fs");\nasync function go(u) {\n  await _.get(u);\n  fs_.readFileSync(u);\n}\n';
    assert.deepEqual(sites(code), ['await _.get()', '_.get()', 'fs_.readFileSync()']); // the await, and lodash's call as a library call
  });
});
