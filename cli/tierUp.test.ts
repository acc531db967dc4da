// The CLI's tier-up budgets (cli/tierUp.ts) on every Node the suite has: Node 20 (this one), and
// 22 and 24 (installed into .tools/node/ by scripts/setup-node-versions.sh).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TIER_UP_FLAGS } from './tierUp';

const ROOT = resolve(__dirname, '..');
const NODES = [process.execPath, join(ROOT, '.tools/node/22/bin/node'), join(ROOT, '.tools/node/24/bin/node')];

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
  });
}
