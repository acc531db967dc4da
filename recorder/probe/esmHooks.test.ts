import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { initialize, load } from './esmHooks';

// Node 22.18+ and 24 strip TypeScript's types themselves: their default load gives a .ts file's
// source, types and all, as `module-typescript` (or `commonjs-typescript`). That is no loader of
// the program's: left to Node, the file ran uninstrumented (no findings on Node 22/24). Here
// Node's answer is given to the hook as those Nodes give it (this Node may have no type stripping).
test("Node's own type stripping is not a loader: the probe transpiles and instruments the TypeScript file", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cl-esmhooks-'));
  try {
    initialize({
      runDir: dir, probePath: path.resolve('dist/probe.js'), esmHooksPath: path.resolve('dist/esmHooks.mjs'),
      esbuildPath: path.dirname(require.resolve('esbuild/package.json')), includeNodeModules: false, maxSpans: 1000, recorderPid: process.pid,
    });
    const source = 'const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));\nexport async function main(): Promise<void> {\n  await wait(1);\n  await wait(2);\n}\n';
    const mts = path.join(dir, 'app.mts');
    writeFileSync(mts, source);
    const stripped = async () => ({ format: 'module-typescript', source: Buffer.from(source) });
    const esm = await load(pathToFileURL(mts).href, {}, stripped) as { format: string; source: string };
    assert.equal(esm.format, 'module');
    assert.match(esm.source, /__cl\$\.load\(/, 'instrumented');
    assert.match(esm.source, /const wait = \(ms\) => new Promise/, 'transpiled: the code has no types left');
    assert.match(esm.source, /sourceMappingURL=data:application\/json/, 'with its map to the .mts lines');

    // CommonJS TypeScript goes to Node's CommonJS loader, whose require hook of the probe transpiles and instruments it.
    const cts = path.join(dir, 'legacy.cts');
    writeFileSync(cts, 'export const x: number = 1;\n');
    const cjs = await load(pathToFileURL(cts).href, {}, async () => ({ format: 'commonjs-typescript', source: Buffer.from('') }));
    assert.deepEqual(cjs, { format: 'commonjs', shortCircuit: true });

    // What another loader made of a file (tsx: plain JavaScript as `module`) is instrumented as it is.
    const js = await load(pathToFileURL(mts).href, {}, async () => ({ format: 'module', source: 'export const y = 2;\n' })) as { format: string; source: string };
    assert.equal(js.format, 'module');
    assert.match(js.source, /export const y = 2;/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
