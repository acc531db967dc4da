// Bundles every front end with esbuild. An entry whose source does not exist yet is skipped,
// so each part of the product can land on its own. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, writeFileSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const watch = process.argv.includes('--watch');
/** The repository's root: only its own sources are rewritten by builtinNamespacesAsRequire. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Minified: the probe and instrumenter are compiled in every profiled process and thread, the
// CLI on every run. Linked source maps keep stack traces readable (node --enable-source-maps).
// No keepNames: it wraps every closure the probe creates on the hot path (2–4× on promise storms).
// chrome-remote-interface's local protocol descriptor (500 kB of JSON, 70 % of the CLI bundle) is
// left out: we always pass our own (launcher/target.ts), and compiling it cost every run ~50 ms.
const noLocalProtocol = {
  name: 'no-local-cdp-protocol',
  setup(build) {
    build.onResolve({ filter: /^\.\/protocol\.json$/ }, (a) => (/chrome-remote-interface/.test(a.importer) ? { path: a.path, namespace: 'no-local-cdp-protocol' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-local-cdp-protocol' }, () => ({
      loader: 'js',
      contents: "throw new Error('chrome-remote-interface\\'s local protocol descriptor is not bundled: pass `protocol`');",
    }));
  },
};
// ws (under chrome-remote-interface) checks that every message it receives is UTF-8, in
// JavaScript byte by byte unless the optional package utf-8-validate is installed: CPU profiles
// arrive as large messages. Node's own buffer.isUtf8 (simdutf; Node ≥ 18.14) stands in for that
// package; without it ws keeps its own check (it loads the package in a try/catch).
const utf8ValidateFromNode = {
  name: 'utf-8-validate-from-node',
  setup(build) {
    build.onResolve({ filter: /^utf-8-validate$/ }, (a) => (/[\\/]ws[\\/]/.test(a.importer) ? { path: a.path, namespace: 'utf-8-validate-from-node' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'utf-8-validate-from-node' }, () => ({
      loader: 'js',
      contents: "const { isUtf8 } = require('node:buffer');\nif (typeof isUtf8 !== 'function') throw new Error('no buffer.isUtf8');\nmodule.exports = isUtf8;",
    }));
  },
};
// ws and chrome-remote-interface load https, tls and zlib at the top of their modules but use them
// only for wss:// (never: the inspector is on loopback, ws://) and permessage-deflate (the
// inspector does not offer it): loading them cost every run ~5 ms of CPU while the program
// started. Those imports get the module on its first property read instead (a Proxy).
const LAZY_BUILTINS = /^(node:)?(https|tls|zlib)$/;
const lazyBuiltinsForCdp = {
  name: 'lazy-builtins-for-cdp',
  setup(build) {
    build.onResolve({ filter: LAZY_BUILTINS }, (a) => (/[\\/](ws|chrome-remote-interface)[\\/]/.test(a.importer) ? { path: a.path.replace(/^node:/, ''), namespace: 'lazy-builtins-for-cdp' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtins-for-cdp' }, (a) => ({
      loader: 'js',
      contents: `let m;\nconst load = () => (m ??= require('node:${a.path}'));\nmodule.exports = new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load() });`,
    }));
  },
};
// dist/cliMain.js holds what runs before the program is spawned; what `profile` needs only after
// (the CDP client, the analyzer, the report writers) and the other commands are in
// dist/cliDeferred.js (cli/deferred.ts), which cliMain runs from its own code cache on first use
// (cli/deferredBundle.ts). V8 deserializes a bundle's whole code cache at once: before the split,
// that of the analyzer and the report writers delayed every program's start (~5 ms).
const DEFERRED = /^(chrome-remote-interface|ws|\.\/(finishProfile|attach|compare|matrix|usage)\.js)$/;
const DEFERRED_IMPORTERS = /[\\/](cli[\\/]main|recorder[\\/]launcher[\\/]target)\.ts$/;
const deferToSecondBundle = {
  name: 'defer-to-second-bundle',
  setup(build) {
    build.onResolve({ filter: DEFERRED }, (a) => (DEFERRED_IMPORTERS.test(a.importer) ? { path: a.path, namespace: 'deferred' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, (a) => ({
      loader: 'js', resolveDir: join(dirname(fileURLToPath(import.meta.url)), '..', 'cli'),
      contents: `module.exports = require('./deferredBundle.ts').deferred(${JSON.stringify(a.path)});`,
    }));
  },
};
const node = { platform: 'node', target: 'node18', bundle: true, sourcemap: 'linked', minify: process.env.CL_BUILD_NO_MINIFY !== '1', // CL_BUILD_NO_MINIFY=1: readable CPU profiles of the CLI and of the page (dist/webview.js)
  logLevel: 'warning', plugins: [noLocalProtocol, utf8ValidateFromNode, lazyBuiltinsForCdp] };
// In a CommonJS bundle, esbuild turns each `import * as fs from 'node:fs'` into a copy of the
// module object with a getter per export (`__toESM`): ~10% of the probe's load in every process
// and worker thread (fs alone is copied once per source file), and in the CLI 37 copies (fs 16
// times, path 14) made before the program is spawned, 47 more while it starts. For the probe and
// the CLI, such imports of Node's built-ins in our own sources are read as
// `import fs = require('node:fs')`: the module object itself, the same properties (a namespace is
// only ever read from). Sources are unchanged.
const builtinNamespacesAsRequire = {
  name: 'builtin-namespaces-as-require',
  setup(build) {
    build.onLoad({ filter: /[\\/](recorder|cli|analyzer)[\\/].*\.ts$/ }, async (args) => {
      if (!args.path.startsWith(ROOT) || args.path.includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replace(/^import \* as (\w+) from '(node:[\w/]+)';$/gm, "import $1 = require('$2');"), loader: 'ts' };
    });
  },
};
const entries = [
  // The CLI and the launcher (CommonJS so `bin` works without a loader)…
  { ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cliMain.js', format: 'cjs', external: ['esbuild'], plugins: [...node.plugins, deferToSecondBundle, builtinNamespacesAsRequire] },
  { ...node, entryPoints: ['cli/deferred.ts'], outfile: 'dist/cliDeferred.js', format: 'cjs', external: ['esbuild'], plugins: [...node.plugins, builtinNamespacesAsRequire] },
  // …started by the `bin`, which runs it from V8's code cache (recorder/codeCache.ts).
  { ...node, sourcemap: false, entryPoints: ['cli/boot.ts'], outfile: 'dist/cli.js', format: 'cjs', banner: { js: '#!/usr/bin/env node' }, plugins: [...node.plugins, builtinNamespacesAsRequire] },
  // The probe preloaded into every profiled process and thread: self-contained, small; the instrumenter is loaded on demand.
  { ...node, entryPoints: ['recorder/probe/index.ts'], outfile: 'dist/probe.js', format: 'cjs', external: ['esbuild'], plugins: [builtinNamespacesAsRequire] },
  // …run from V8's code cache by the loader that NODE_OPTIONS preloads (recorder/probe/loader.ts).
  { ...node, sourcemap: false, entryPoints: ['recorder/probe/loader.ts'], outfile: 'dist/probeLoader.js', format: 'cjs', plugins: [builtinNamespacesAsRequire] },
  // The agent the attach recorder injects into a running process's threads (evaluated, not loaded: iife).
  { ...node, sourcemap: false, entryPoints: ['recorder/probe/attachAgent.ts'], outfile: 'dist/attachAgent.js', format: 'iife' },
  // The probe's parser and transform (acorn inside), loaded only on a cache miss.
  { ...node, entryPoints: ['recorder/probe/instrumenter.ts'], outfile: 'dist/instrumenter.js', format: 'cjs', plugins: [builtinNamespacesAsRequire] },
  // ESM load hooks registered by the probe with module.register(). `require` for the modules it
  // shares with the CommonJS probe that load a built-in on first use (thread.ts).
  { ...node, entryPoints: ['recorder/probe/esmHooks.ts'], outfile: 'dist/esmHooks.mjs', format: 'esm', external: ['esbuild'],
    banner: { js: "import { createRequire as __clCreateRequire } from 'node:module'; const require = __clCreateRequire(import.meta.url);" } },
  // The VS Code extension host side.
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode', 'esbuild'] },
  // Extension-host test suites for `npm run test:vscode` (.vscode-test.mjs); not part of the .vsix.
  { ...node, minify: false, entryPoints: ['extension/hostTests/extension.suite.ts'], outfile: 'out/hostTests/extension.suite.cjs', format: 'cjs', external: ['vscode'] },
  // The timeline UI, shared by the VS Code panel and the CLI's HTML report.
  { platform: 'browser', target: 'es2022', bundle: true, sourcemap: false, minify: process.env.CL_BUILD_NO_MINIFY !== '1', logLevel: 'warning',
    entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', format: 'iife' },
].filter((e) => existsSync(e.entryPoints[0]));

mkdirSync('dist', { recursive: true });
mkdirSync('out/hostTests', { recursive: true });
if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  // Write each output to a temporary name, then rename: a run that starts while we build never
  // loads a half-written probe.
  const results = await Promise.all(entries.map((e) => esbuild.build({ ...e, write: false })));
  for (const r of results) for (const f of r.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
