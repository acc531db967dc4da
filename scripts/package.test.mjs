// Packages every platform's .vsix (scripts/package.mjs: real vsce, real esbuild packages from the
// npm registry, cached in the OS temp folder) and opens each: it must hold exactly its platform's
// esbuild binary, nothing of another platform's, and nothing the extension does not need.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { TARGETS, packageTargets, esbuildVersion } from './package.mjs';

/** Entries of a zip file (central directory), with a reader of each one's bytes. */
function readZip(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, `${file} is not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28), extraLen = buf.readUInt16LE(p + 30), commentLen = buf.readUInt16LE(p + 32);
    const unixMode = buf.readUInt32LE(p + 38) >>> 16;
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const read = () => {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : data;
    };
    entries.set(name, { name, unixMode, read });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The platform an executable was built for, from its header: 'linux-x64', 'darwin-arm64', 'win32-x64', … or null. */
function binaryPlatform(b) {
  if (b.length < 64) return null;
  if (b.readUInt32BE(0) === 0x7f454c46) { // ELF
    const machine = b.readUInt16LE(18);
    return machine === 0x3e ? 'linux-x64' : machine === 0xb7 ? 'linux-arm64' : `linux-machine-${machine}`;
  }
  if (b.readUInt32LE(0) === 0xfeedfacf) { // Mach-O 64-bit
    const cpu = b.readUInt32LE(4);
    return cpu === 0x01000007 ? 'darwin-x64' : cpu === 0x0100000c ? 'darwin-arm64' : `darwin-cpu-${cpu}`;
  }
  if (b.toString('latin1', 0, 2) === 'MZ') { // PE
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 > b.length) return null;
    const machine = b.readUInt16LE(pe + 4);
    return machine === 0x8664 ? 'win32-x64' : machine === 0xaa64 ? 'win32-arm64' : `win32-machine-${machine}`;
  }
  return null;
}

/** Where the extension's files may be: the bundles, the one external dependency, the walkthrough and pictures. */
const ALLOWED = [/^\[Content_Types\]\.xml$/, /^extension\.vsixmanifest$/, /^extension\/package\.json$/, /^extension\/readme\.md$/,
  /^extension\/dist\/[^/]+\.m?js$/, /^extension\/docs\/[^/]+\.png$/, /^extension\/samples\/walkthrough\//,
  /^extension\/node_modules\/esbuild\//, /^extension\/node_modules\/@esbuild\/[^/]+\//];

describe('one .vsix per platform, each with its own esbuild binary', () => {
  const out = mkdtempSync(join(tmpdir(), 'cl-vsix-'));
  const version = esbuildVersion();
  const zips = {};
  before(() => {
    const files = packageTargets(Object.keys(TARGETS), out, () => undefined);
    for (const f of files) zips[/concurrency-lens-(.+)\.vsix$/.exec(f)[1]] = readZip(f);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  for (const [target, { pkg, binary }] of Object.entries(TARGETS)) {
    it(`${target}: holds ${pkg}@${version} and no other platform's binary`, () => {
      const zip = zips[target];
      assert.ok(zip, `no package for ${target}`);
      const platformPackages = new Set([...zip.keys()].map((n) => /^extension\/node_modules\/(@esbuild\/[^/]+)\//.exec(n)?.[1]).filter(Boolean));
      assert.deepEqual([...platformPackages], [pkg]);
      const bin = zip.get(`extension/node_modules/${pkg}/${binary}`);
      assert.ok(bin, `no ${pkg}/${binary}`);
      assert.equal(binaryPlatform(bin.read()), target);
      if (!target.startsWith('win32')) assert.ok(bin.unixMode & 0o111, `${binary} is not executable (mode ${bin.unixMode.toString(8)})`);
      // Every native executable in the package is that one (esbuild's own bin/esbuild is the JS launcher, not a copy of this machine's binary).
      const natives = [...zip.values()].filter((e) => /node_modules\//.test(e.name) && binaryPlatform(e.read()) !== null);
      assert.deepEqual(natives.map((e) => e.name), [bin.name]);
      assert.match(zip.get('extension/node_modules/esbuild/bin/esbuild').read().toString('utf8', 0, 30), /^#!\/usr\/bin\/env node/);
      assert.equal(JSON.parse(zip.get(`extension/node_modules/${pkg}/package.json`).read()).version, version);
      assert.equal(JSON.parse(zip.get('extension/node_modules/esbuild/package.json').read()).version, version);
      assert.match(zip.get('extension.vsixmanifest').read().toString(), new RegExp(`TargetPlatform="${target}"`));
    });
    it(`${target}: is lean (only the files the extension needs)`, () => {
      const zip = zips[target];
      const stray = [...zip.keys()].filter((n) => !ALLOWED.some((re) => re.test(n)));
      assert.deepEqual(stray, []);
      // Every bundle the build writes (scripts/build.mjs) ships: the CLI reads the probe, the
      // instrumenter, the ESM hooks and the attach agent from dist/ at run time.
      const bundles = readdirSync(join(dirname(new URL(import.meta.url).pathname), '..', 'dist')).filter((f) => /\.m?js$/.test(f));
      assert.ok(bundles.includes('attachAgent.js') && bundles.includes('cli.js'), `dist/ as built: ${bundles}`);
      for (const f of bundles) assert.ok(zip.has(`extension/dist/${f}`), `dist/${f} missing`);
    });
  }

  it('this machine\'s package works: its esbuild finds its binary and transforms TypeScript', () => {
    const host = `${process.platform}-${process.arch}`;
    assert.ok(TARGETS[host], `no package for this machine (${host})`);
    const root = join(out, 'unpacked');
    for (const e of zips[host].values()) {
      if (!e.name.startsWith('extension/node_modules/')) continue;
      const file = join(root, e.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, e.read());
      if (e.unixMode) chmodSync(file, e.unixMode & 0o777);
    }
    const esbuild = join(root, 'extension/node_modules/esbuild');
    const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(esbuild)}).transformSync('const n: number = 1', { loader: 'ts' }).code)`],
      { encoding: 'utf8', env: { ...process.env, ESBUILD_BINARY_PATH: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'const n = 1;');
  });
});
