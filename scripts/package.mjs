// Packages the extension: one .vsix per platform VS Code runs on, each with the esbuild binary
// of that platform (the recorder uses esbuild to instrument TypeScript programs; esbuild is the
// bundles' one external runtime dependency, and its binary is native).
//
// Usage: node scripts/package.mjs [--target T …] [--out DIR] [--no-build]
//   T: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64 (default: all)
//   writes DIR/concurrency-lens-<T>.vsix (DIR default: the repository root)
//
// node_modules holds esbuild for this machine only (and its install script has copied this
// machine's binary over esbuild/bin/esbuild), so each package is staged in a temporary folder:
// the built files, a pristine `esbuild` and the target's `@esbuild/<platform>-<arch>`, both at
// the exact version installed here, fetched with `npm pack` and cached in the OS temp folder.
// The shipped esbuild finds the binary as its optional dependency (node_modules/@esbuild/…).
// The staged package.json lists only esbuild as a dependency, what the package really ships
// (everything else is bundled into dist/), so that `vsce`'s `npm list` sees a complete tree.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** vsce target → the esbuild platform package and where its binary is inside it. */
export const TARGETS = {
  'linux-x64': { pkg: '@esbuild/linux-x64', binary: 'bin/esbuild' },
  'linux-arm64': { pkg: '@esbuild/linux-arm64', binary: 'bin/esbuild' },
  'darwin-x64': { pkg: '@esbuild/darwin-x64', binary: 'bin/esbuild' },
  'darwin-arm64': { pkg: '@esbuild/darwin-arm64', binary: 'bin/esbuild' },
  'win32-x64': { pkg: '@esbuild/win32-x64', binary: 'esbuild.exe' },
};

/** Files of the repository the package is made of (.vscodeignore then picks within them). */
const SHIPPED = ['dist', 'docs', 'samples/walkthrough', 'extension/README.md', '.vscodeignore'];

/** The esbuild version installed in node_modules: the one the bundles were built and tested with. */
export function esbuildVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules/esbuild/package.json'), 'utf8')).version;
}

/** The folder where fetched npm tarballs are kept between runs. */
export const CACHE_DIR = join(tmpdir(), 'concurrency-lens-package-cache');

/** `npm pack` file name of a package: @esbuild/linux-x64@0.28.2 → esbuild-linux-x64-0.28.2.tgz. */
const tarballName = (name, version) => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

/** Paths of the tarballs of `names` at `version`, fetched with `npm pack` unless cached. */
export function fetchTarballs(names, version) {
  const dir = join(CACHE_DIR, version);
  mkdirSync(dir, { recursive: true });
  const missing = names.filter((n) => !existsSync(join(dir, tarballName(n, version))));
  if (missing.length > 0) {
    // Into a folder of our own, then renamed: a concurrent run never sees half a tarball.
    const tmp = mkdtempSync(join(dir, 'fetch-'));
    const r = spawnSync('npm', ['pack', '--silent', '--pack-destination', tmp, ...missing.map((n) => `${n}@${version}`)],
      { encoding: 'utf8', shell: process.platform === 'win32' });
    if (r.status !== 0) throw new Error(`npm pack ${missing.join(' ')} failed (${r.status}): ${r.stderr || r.error?.message}`);
    for (const n of missing) renameSync(join(tmp, tarballName(n, version)), join(dir, tarballName(n, version)));
    rmSync(tmp, { recursive: true, force: true });
  }
  return Object.fromEntries(names.map((n) => [n, join(dir, tarballName(n, version))]));
}

function untar(tarball, into) {
  mkdirSync(into, { recursive: true });
  const r = spawnSync('tar', ['-xzf', tarball, '-C', into, '--strip-components=1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar -xzf ${tarball} failed: ${r.stderr || r.error?.message}`);
}

/** Packages `targets` into `outDir`; returns the .vsix paths. Expects dist/ to be built. */
export function packageTargets(targets = Object.keys(TARGETS), outDir = ROOT, log = (m) => process.stderr.write(m + '\n')) {
  for (const t of targets) if (!TARGETS[t]) throw new Error(`unknown target '${t}' (known: ${Object.keys(TARGETS).join(', ')})`);
  if (!existsSync(join(ROOT, 'dist/extension.js'))) throw new Error('dist/ is not built: node scripts/build.mjs');
  const version = esbuildVersion();
  const tarballs = fetchTarballs(['esbuild', ...targets.map((t) => TARGETS[t].pkg)], version);
  const vsce = createRequire(join(ROOT, 'package.json')).resolve('@vscode/vsce/vsce');
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), 'concurrency-lens-stage-'));
  const out = [];
  try {
    for (const f of SHIPPED) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    manifest.dependencies = { esbuild: version };
    writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    untar(tarballs.esbuild, join(stage, 'node_modules/esbuild'));
    for (const target of targets) {
      const { pkg, binary } = TARGETS[target];
      rmSync(join(stage, 'node_modules/@esbuild'), { recursive: true, force: true });
      untar(tarballs[pkg], join(stage, 'node_modules', pkg));
      if (!existsSync(join(stage, 'node_modules', pkg, binary))) throw new Error(`${pkg}@${version} has no ${binary}`);
      const file = join(resolve(outDir), `concurrency-lens-${target}.vsix`);
      const r = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--readme-path', 'extension/README.md',
        '--allow-missing-repository', '--skip-license', '--allow-star-activation', '-o', file], { cwd: stage, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vsce package --target ${target} failed:\n${r.stdout}\n${r.stderr}`);
      log(`${target}: ${file} (${(statSync(file).size / 1048576).toFixed(1)} MB, ${pkg}@${version})`);
      out.push(file);
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const targets = [];
  let outDir = ROOT;
  let build = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--target') targets.push(args[++i]);
    else if (args[i] === '--out') outDir = resolve(args[++i]);
    else if (args[i] === '--no-build') build = false;
    else { process.stderr.write(`package.mjs: unknown argument '${args[i]}'\nUsage: node scripts/package.mjs [--target T …] [--out DIR] [--no-build]\n`); process.exit(2); }
  }
  if (build) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  try { packageTargets(targets.length ? targets : undefined, outDir); }
  catch (e) { process.stderr.write(`package.mjs: ${e.message}\n`); process.exit(1); }
}
