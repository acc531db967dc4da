// The CLI's tier-up budgets (cli/tierUp.ts) on every Node the suite has: Node 20 (this one), and
// 22 and 24 (installed into .tools/node/ by scripts/setup-node-versions.sh).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TIER_UP_FLAGS } from './tierUp';

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const NODES = [process.execPath, join(ROOT, '.tools/node/22/bin/node'), join(ROOT, '.tools/node/24/bin/node')];

const scratchDirs: string[] = [];
after(() => { for (const d of scratchDirs) rmSync(d, { recursive: true, force: true }); });

for (const node of NODES) {

  describe(`tier-up budgets under ${node === process.execPath ? 'this Node' : node}`, () => {
    it('are known for its V8, with the defaults its V8 lists (the factor applies to them)', () => {
      assert.ok(existsSync(node), `${node} missing: run \`bash scripts/setup.sh\` (or scripts/setup-node-versions.sh)`);
      const v8 = spawnSync(node, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();
      const major = v8.split('.')[0];
      const flags = TIER_UP_FLAGS[major];
      assert.ok(flags, `no tier-up flags for V8 ${major} (cli/tierUp.ts): measure and add them`);
      const options = spawnSync(node, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 }).stdout;
      for (const [flag, value] of flags) assert.match(options, new RegExp(`default: --${flag}=${value}\\b`), `--${flag}'s default in V8 ${v8}`);
    });

    it('`profile` sets them (V8 refuses its code caches without them) without a word on stderr, and its code caches are still used by the next run', () => {
      const tmp = mkdtempSync(join(tmpdir(), 'cl-tierup-'));
      scratchDirs.push(tmp);
      const profile = (env: NodeJS.ProcessEnv = {}) => {
        const r = spawnSync(node, [CLI, 'profile', '--quiet', '--', node, '-e', '0'],
          { cwd: tmp, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp, CL_DEBUG: '1', ...env } });
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /unrecognized flag|Try --help/);
        return [/\] code cache (\w+)/.exec(r.stderr)?.[1], /\] deferred bundle: code cache (\w+)/.exec(r.stderr)?.[1]];
      };
      assert.deepEqual(profile(), ['missing', 'missing']);
      // A flag set after the cache was read would change the hash V8 checks: the next run would refuse it.
      assert.deepEqual(profile(), ['used', 'used']);
      // V8 refuses those caches under its default budgets: the CLI did set other ones.
      assert.deepEqual(profile({ CONCURRENCY_LENS_MEASURE_OFF: 'tierUp' }), ['refused', 'refused']);
    });
  });
}
