// When the CLI's own V8 flags apply (cli/ownV8Flags.ts), on every Node the suite has: Node 20
// (this one), and 22 and 24 (installed into .tools/node/ by scripts/setup-node-versions.sh).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NOT_RESTORABLE } from './ownV8Flags';
import type { OwnFlag } from './ownFlag';
import { tierUpFlags } from './tierUp';
import { YOUNG_GENERATION_FLAG } from './youngGeneration';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const NODES = [process.execPath, join(ROOT, '.tools/node/22/bin/node'), join(ROOT, '.tools/node/24/bin/node')];

const scratchDirs: string[] = [];
after(() => { for (const d of scratchDirs) rmSync(d, { recursive: true, force: true }); });
const scratch = (): string => { const d = mkdtempSync(join(tmpdir(), 'cl-v8flags-')); scratchDirs.push(d); return d; };

// A code cache made after `--flag=own` then `--flag=default` (argv: flag own default file), and
// whether a fresh process under V8's defaults refuses it (argv: file).
const SOURCE = "'function f(a) { return a + 1 } f(2)'";
const MAKE = `const vm = require('node:vm'), fs = require('node:fs'), [flag, own, dflt, file] = process.argv.slice(1);
if (flag) for (const v of [own, dflt]) require('node:v8').setFlagsFromString('--' + flag + '=' + v);
const s = new vm.Script(${SOURCE}, { filename: 'f.js' }); s.runInThisContext(); fs.writeFileSync(file, s.createCachedData());`;
const USE = `const vm = require('node:vm'), fs = require('node:fs');
process.stdout.write(String(new vm.Script(${SOURCE}, { filename: 'f.js', cachedData: fs.readFileSync(process.argv[1]) }).cachedDataRejected));`;

for (const node of NODES) {
  describe(`the CLI's own V8 flags under ${node === process.execPath ? 'this Node' : node}`, () => {
    const v8 = () => spawnSync(node, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();

    it("young generation: the default it sets back is its V8's", () => {
      assert.ok(existsSync(node), `${node} missing: run \`bash scripts/setup.sh\` (or scripts/setup-node-versions.sh)`);
      const options = spawnSync(node, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 }).stdout;
      assert.match(options, new RegExp(`default: --${YOUNG_GENERATION_FLAG[0]}=${YOUNG_GENERATION_FLAG[2]}\\b`));
    });

    it('set back to its default, each flag gives V8 its flag hash back, but those NOT_RESTORABLE lists', () => {
      const major = v8().split('.')[0];
      const flags: OwnFlag[] = [YOUNG_GENERATION_FLAG, ...tierUpFlags(major)];
      const dir = scratch();
      const refused = (flag?: OwnFlag): boolean => {
        const file = join(dir, `${flag?.[0] ?? 'none'}.bin`);
        const made = spawnSync(node, ['-e', MAKE, ...(flag ? flag.map(String) : ['', '', '']), file], { encoding: 'utf8' });
        assert.equal(made.status, 0, made.stderr);
        return spawnSync(node, ['-e', USE, file], { encoding: 'utf8' }).stdout === 'true';
      };
      assert.equal(refused(), false, 'a cache made under the defaults');
      for (const f of flags) assert.equal(refused(f), (NOT_RESTORABLE[major] ?? []).includes(f[0]), `--${f[0]} in V8 ${major}`);
    });

    it('`profile`: applied without a word on stderr, after start-up where V8 allows it; its code caches are used by the next run', () => {
      const major = v8().split('.')[0];
      const late = !(NOT_RESTORABLE[major] ?? []).length;
      const tmp = scratch();
      const profile = (env: NodeJS.ProcessEnv = {}) => {
        const r = spawnSync(node, [CLI, 'profile', '--quiet', '--', node, '-e', '0'],
          { cwd: tmp, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, CL_DEBUG: '1', ...env } });
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /unrecognized flag|Try --help/);
        return {
          caches: [/\] code cache (\w+)/.exec(r.stderr)?.[1], /\] deferred bundle: code cache (\w+)/.exec(r.stderr)?.[1]],
          applied: /\] own V8 flags applied \(([^)]+)\): (.*)/.exec(r.stderr)?.slice(1),
          builtinsAfter: /\] built-ins loaded after the own V8 flags [^:]*: (.*)/.exec(r.stderr)?.[1].split(' '),
        };
      };
      const first = profile();
      assert.deepEqual(first.caches, ['missing', 'missing']);
      const expected = [YOUNG_GENERATION_FLAG, ...tierUpFlags(major)].map(([f, v]) => `--${f}=${v}`).join(' ');
      assert.deepEqual(first.applied, [late ? 'once started' : 'at boot', expected]);
      // Made under the flags the next run reads them under.
      const second = profile();
      assert.deepEqual(second.caches, ['used', 'used']);
      if (late) {
        // What start-up loads came with Node's own code cache (before the flags).
        for (const m of ['child_process', 'net', 'http', 'https', 'tls', 'crypto', 'zlib', 'stream']) assert.ok(!second.builtinsAfter?.includes(m), `${m} loaded after the flags: ${second.builtinsAfter}`);
      }
      // Made under V8's defaults where the flags apply late: a run without a flag uses them too.
      assert.deepEqual(profile({ CONCURRENCY_LENS_MEASURE_OFF: 'tierUp' }).caches, late ? ['used', 'used'] : ['refused', 'refused']);
    });
  });
}
