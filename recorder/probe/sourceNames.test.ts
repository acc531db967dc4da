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
