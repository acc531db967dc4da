// The product's layers and the imports allowed between them, and a checker for both.
//
// Data flows one way: recorder/ (runs the program, hands over a raw recording) → analyzer/
// (pure: raw recording + analysis options → report) → the front ends cli/ and extension/,
// which compose the two and show the report through cli/reportPage/ (host side of the page)
// and webview/ (the page itself, in the browser).
//
// importGraph() builds the graph of every source file (tests and fixtures left out): esbuild's
// metafile (bundle: true, so every edge is resolved as the build resolves it) plus a scan of
// the source text, because esbuild drops imports used only as types (`import type`, and value
// imports whose bindings are only used in types) and those still tie the layers together.
// checkLayers() returns every cycle and every edge the LAYERS table does not allow.
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { builtinModules } from 'node:module';

/** Folders with source, most specific first (a file belongs to the first layer whose prefix it has). */
export const LAYERS = [
  // The probe, preloaded into the profiled program: Node, its own helpers, the raw record's format.
  { name: 'probe', prefix: 'recorder/probe/', may: ['probe', 'probe-shared', 'raw-record', 'launcher-names', 'analyzer'], typesOnly: ['analyzer'], node: true, packages: ['acorn', 'esbuild', 'p-limit', 'jsonc-parser', '@jridgewell/trace-mapping'] },
  // The launcher: spawns, attaches over CDP, collects. Fills in the raw record (analyzer/raw.ts;
  // from the rest of the analyzer types only), never analyzes.
  { name: 'recorder', prefix: 'recorder/', may: ['recorder', 'probe', 'raw-record', 'formatting', 'analyzer'], typesOnly: ['analyzer'], node: true, packages: ['chrome-remote-interface', 'ws', 'esbuild'] },
  // Pure: no node:*, no vscode, no DOM; only itself and pure packages.
  { name: 'analyzer', prefix: 'analyzer/', may: ['analyzer'], node: false, packages: ['@jridgewell/trace-mapping'] },
  // The browser page: analyzer types and pure analyzer modules (formatting), never Node.
  { name: 'webview', prefix: 'webview/', may: ['webview', 'analyzer'], node: false, packages: ['d3', 'd3-axis', 'd3-scale', 'd3-selection', 'd3-zoom'] },
  // Host side of the page (Node): analyzer types, webview's DOM-free modules (styles, packed format).
  { name: 'reportPage', prefix: 'cli/reportPage/', may: ['reportPage', 'analyzer', 'webview-shared'], node: true, packages: [] },
  // Front ends: compose recorder + analyzer, show through cli/reportPage (the CLI's HTML report, which the
  // extension's panel reuses); apart from it the extension never imports cli/.
  { name: 'cli', prefix: 'cli/', may: ['cli', 'recorder', 'analyzer', 'reportPage', 'sample-lessons'], node: true, packages: [] },
  { name: 'extension', prefix: 'extension/', may: ['extension', 'recorder', 'analyzer', 'reportPage', 'webview-shared'], node: true, packages: ['vscode', 'jsonc-parser', 'acorn', 'acorn-walk'] },
];

/** Modules of a layer that others may use although they may not use the whole layer. */
export const SHARED = {
  // The raw record's format (types and the constants of its packed rows): written by the
  // recorder, read by the analyzer. Its only values are constants, no logic.
  'raw-record': ['analyzer/raw.ts'],
  // Pure formatting of milliseconds and seconds (status lines, summaries): the one formatter.
  'formatting': ['analyzer/format.ts'],
  // What the probe shares with the launcher: its options (env JSON), the /proc readers, the per-user cache folder,
  // the code cache the CLI's bundles and the probe run from.
  'probe-shared': ['recorder/probeOptions.ts', 'recorder/procFs.ts', 'recorder/measureOff.ts', 'recorder/userCacheDir.ts', 'recorder/codeCache.ts'],
  // Which processes are launchers (pure, argv only): the probe skips their CPU profile, the analyzer dims them.
  'launcher-names': ['analyzer/launchers.ts'],
  // The lessons table of the samples (which sample pairs teach what), for the matrix.
  'sample-lessons': ['samples/lessons.ts'],
  // webview modules without DOM code: the page's stylesheet, the packed columns' format, the message protocol,
  // The timeline's model and its first frame's preview, which the host builds (webview/preview.ts).
  'webview-shared': ['webview/styles.ts', 'webview/packedColumns.ts', 'webview/protocol.ts',
    'webview/preview.ts', 'webview/model.ts', 'webview/timelineModel.ts', 'webview/levels.ts', 'webview/lod.ts',
    'webview/stairs.ts', 'webview/rowLabels.ts', 'webview/requestsRow.ts'],
};

const SOURCE = /\.(ts|mts|cts)$/;
const isTest = (f) => /\.test\.[mc]?[tj]s$/.test(f) || f.split('/').includes('fixtures') || f.split('/').includes('hostTests');

/** Every source file under the layer folders of `root`, relative with '/'. */
export function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !isTest(rel)) out.push(rel);
    }
  };
  for (const l of LAYERS) if (existsSync(join(root, l.prefix))) walk(l.prefix.replace(/\/$/, ''));
  return [...new Set(out)].sort();
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]);
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** `./x`, `./x.js` → the .ts file it names (as TypeScript with NodeNext would), or undefined. */
function resolveRelative(root, from, spec) {
  const base = resolve(root, dirname(from), spec);
  const stem = base.replace(/\.[mc]?js$/, '');
  for (const c of [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return relative(root, c).split(sep).join('/');
  }
  return undefined;
}

/** What a module specifier looks like: relative, node:, or a package name with an optional subpath. */
const MODULE_NAME = /^(\.{1,2}\/[^\s'"]*|node:[\w/]+|(@[\w.-]+\/)?[a-z0-9][\w.-]*(\/[\w.@-]+)*)$/;

/** Static specifiers in the text: `import … from`, `export … from`, `import '…'`, `import('…')` (type positions too). */
export function scanSpecifiers(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specs = new Set();
  // Statements start a line (after `export`/`import`); `import('…')` and `require('…')` may stand anywhere.
  for (const re of [/^\s*(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"\n]+)['"]/gm, /^\s*import\s*['"]([^'"\n]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) if (MODULE_NAME.test(m[1])) specs.add(m[1]);
  }
  return [...specs];
}

/**
 * The import graph of `root`'s sources: Map file → Set of targets, where a target is a relative
 * source path, `node:<name>` for a builtin, or `pkg:<name>` for a package. `graph.values`
 * holds the edges esbuild keeps (`from→to`): the others exist only as types.
 */
export async function importGraph(root) {
  const files = sourceFiles(root);
  const graph = new Map(files.map((f) => [f, new Set()]));
  graph.values = new Set();
  let fromBuild = true;
  const add = (from, to) => {
    if (!graph.has(from)) return;
    graph.get(from).add(to);
    if (fromBuild) graph.values.add(`${from}→${to}`);
  };
  // Value imports, resolved by esbuild as the build does.
  const result = await esbuild.build({
    absWorkingDir: root, entryPoints: files, bundle: true, write: false, metafile: true, outdir: 'out-layers',
    platform: 'node', format: 'esm', packages: 'external', external: ['vscode'], logLevel: 'silent',
  });
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.path.startsWith('<')) continue; // esbuild's own runtime helpers
      if (imp.external && imp.path.startsWith('.')) { const to = resolveRelative(root, file, imp.path); add(file, to ?? imp.path); }
      else if (imp.external) add(file, isBuiltin(imp.path) ? `node:${imp.path.replace(/^node:/, '')}` : `pkg:${packageOf(imp.path)}`);
      else add(file, imp.path);
    }
  }
  // Type-only imports (and anything else esbuild dropped), from the text.
  fromBuild = false;
  for (const f of files) {
    for (const spec of scanSpecifiers(readFileSync(join(root, f), 'utf8'))) {
      if (spec.startsWith('.')) { const to = resolveRelative(root, f, spec); if (to) add(f, to); }
      else add(f, isBuiltin(spec) ? `node:${spec.replace(/^node:/, '')}` : `pkg:${packageOf(spec)}`);
    }
  }
  return graph;
}

export function layerOf(file) {
  return LAYERS.find((l) => file.startsWith(l.prefix));
}

/**
 * Whether `from` may import `to` (a source path, node:*, pkg:*); `asValue`: the import survives
 * bundling (not only types). Returns the reason it may not, or undefined.
 */
export function forbidden(from, to, asValue = true) {
  const layer = layerOf(from);
  if (!layer) return undefined;
  if (to.startsWith('node:')) return layer.node ? undefined : `${layer.name} must not use Node (${to})`;
  if (to.startsWith('pkg:')) {
    const pkg = to.slice(4);
    if (pkg === 'vscode' && layer.name !== 'extension') return `only extension/ may import vscode (${layer.name} does)`;
    return layer.packages.includes(pkg) ? undefined : `${layer.name} must not import the package ${pkg}`;
  }
  for (const [group, members] of Object.entries(SHARED)) if (layer.may.includes(group) && members.includes(to)) return undefined;
  const target = layerOf(to);
  if (!target) return `${layer.name} imports ${to}, outside every layer`;
  if (layer.may.includes(target.name)) {
    if (asValue && layer.typesOnly?.includes(target.name)) return `${layer.name} may import only types from ${target.name} (${to})`;
    return undefined;
  }
  return `${layer.name} must not import ${target.name} (${to})`;
}

/** Every elementary cycle found by a depth-first search (each reported once, from its smallest file). */
export function findCycles(graph) {
  const cycles = [];
  const seen = new Set();
  const state = new Map(); // 1: on the stack, 2: done
  const stack = [];
  const visit = (f) => {
    state.set(f, 1);
    stack.push(f);
    for (const to of graph.get(f) ?? []) {
      if (!graph.has(to)) continue;
      if (state.get(to) === 1) {
        const cycle = stack.slice(stack.indexOf(to));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const key = [...cycle.slice(start), ...cycle.slice(0, start)].join(' → ');
        if (!seen.has(key)) { seen.add(key); cycles.push(`${key} → ${cycle[start]}`); }
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

/** Everything wrong with a graph: cycles, then edges the table does not allow. */
export function checkLayers(graph) {
  const violations = [];
  for (const [from, tos] of graph) for (const to of tos) {
    const why = forbidden(from, to, !graph.values || graph.values.has(`${from}→${to}`));
    if (why) violations.push(`${from} → ${to}: ${why}`);
  }
  return { cycles: findCycles(graph), violations: violations.sort() };
}
