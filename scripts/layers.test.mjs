// The layers hold: no import cycle anywhere, no edge the table in layers.mjs does not allow.
// And the checker itself catches a bad edge, a type-only one included, and a cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph, checkLayers, forbidden, scanSpecifiers } from './layers.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A throwaway source tree: { 'analyzer/a.ts': '…' }. */
function tree(files) {
  const root = mkdtempSync(join(tmpdir(), 'cl-layers-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

test('the product has no import cycle and no import across the layers the table forbids', async () => {
  const graph = await importGraph(ROOT);
  assert.ok(graph.size > 80, `only ${graph.size} source files found`);
  // The edges the one-way data flow is about are really in the graph.
  assert.ok(graph.get('cli/main.ts').has('recorder/profile.ts') && graph.get('cli/finishProfile.ts').has('analyzer/analyze.ts'));
  assert.ok(graph.get('extension/panel/profileRunner.ts').has('analyzer/analyze.ts'));
  const { cycles, violations } = checkLayers(graph);
  assert.deepEqual(cycles, []);
  assert.deepEqual(violations, []);
});

test('the checker fails on a type-only import from the analyzer into the recorder, on node:* in the analyzer, and on a cycle', async () => {
  const root = tree({
    'analyzer/a.ts': "import type { Opts } from '../recorder/opts';\nimport { basename } from 'node:path';\nexport const a = (o: Opts) => basename(o.file);\n",
    'analyzer/b.ts': "import { c } from './c';\nexport const b = () => c();\n",
    'analyzer/c.ts': "import type { X } from './b';\nexport const c = (): X | 1 => 1;\nexport type X = 2;\n",
    'recorder/opts.ts': 'export interface Opts { file: string }\n',
    'extension/x.ts': "import { main } from '../cli/main';\nexport const x = main;\n",
    'cli/main.ts': 'export const main = 1;\n',
    'recorder/run.ts': "import { a } from '../analyzer/a';\nimport type { X } from '../analyzer/c';\nexport const run = (x: X) => [a, x];\n",
    'webview/w.ts': "import * as vscode from 'vscode';\nexport const w = vscode;\n",
  });
  const graph = await importGraph(root);
  // esbuild drops the type-only import; the text scan keeps it.
  assert.ok(graph.get('analyzer/a.ts').has('recorder/opts.ts'));
  const { cycles, violations } = checkLayers(graph);
  assert.deepEqual(cycles, ['analyzer/b.ts → analyzer/c.ts → analyzer/b.ts']);
  assert.deepEqual(violations, [
    'analyzer/a.ts → node:path: analyzer must not use Node (node:path)',
    'analyzer/a.ts → recorder/opts.ts: analyzer must not import recorder (recorder/opts.ts)',
    'extension/x.ts → cli/main.ts: extension must not import cli (cli/main.ts)',
    'recorder/run.ts → analyzer/a.ts: recorder may import only types from analyzer (analyzer/a.ts)',
    'webview/w.ts → pkg:vscode: only extension/ may import vscode (webview does)',
  ]);
});

test('the table: the recorder may use the raw record types but not the analysis; front ends compose both', () => {
  assert.equal(forbidden('recorder/profile.ts', 'analyzer/raw.ts', false), undefined);
  assert.match(forbidden('recorder/profile.ts', 'analyzer/analyze.ts', true), /recorder may import only types from analyzer/);
  assert.match(forbidden('recorder/probe/index.ts', 'recorder/profile.ts'), /probe must not import recorder/);
  assert.equal(forbidden('cli/main.ts', 'analyzer/analyze.ts'), undefined);
  assert.equal(forbidden('extension/panel/profileRunner.ts', 'recorder/profile.ts'), undefined);
  assert.match(forbidden('webview/main.ts', 'node:zlib'), /webview must not use Node/);
  assert.match(forbidden('webview/main.ts', 'cli/reportPage/page.ts'), /webview must not import reportPage/);
  assert.match(forbidden('cli/reportPage/page.ts', 'webview/timeline.ts'), /reportPage must not import webview/);
  assert.equal(forbidden('cli/reportPage/page.ts', 'webview/styles.ts'), undefined);
});

test('specifiers are read from import/export statements, type positions and require, not from strings in code', () => {
  const text = [
    "import type { A } from './a';",
    'import {',
    '  b,',
    "  type B,",
    "} from '../b.js';",
    "export { c } from './c';",
    "type D = import('./d').D;",
    "const e = require('node:fs');",
    "const args = ['--import', 'tsx'];",
    "// import { f } from './commented';",
    "const msg = `import x from '..'`;",
  ].join('\n');
  assert.deepEqual(scanSpecifiers(text).sort(), ['../b.js', './a', './c', './d', 'node:fs']);
});
