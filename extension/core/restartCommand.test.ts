// "Restart under Concurrency Lens" after an attach: the running process's /proc command line,
// rerun by the recorder's node without the inspector flags it had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartCommand, targetLabel, toProfileOptions } from './targets';

test('a node command line keeps its flags and arguments, loses its inspector flags', () => {
  assert.deepEqual(restartCommand(['/usr/bin/node', '--inspect-port=0', '--max-old-space-size=512', 'server.js', '--inspect', 'x']),
    ['node', '--max-old-space-size=512', 'server.js', '--inspect', 'x']);
  assert.deepEqual(restartCommand(['node', '--import', 'tsx', 'app.ts']), ['node', '--import', 'tsx', 'app.ts']);
  assert.deepEqual(restartCommand(['/opt/electron', 'main.js']), ['/opt/electron', 'main.js']);
});

test('a command target profiles that command in its cwd', () => {
  const settings = { blockingThresholdMs: 20, samplingIntervalUs: 1000, nodePath: process.execPath, includeNodeModules: false };
  const o = toProfileOptions({ kind: 'command', argv: ['/usr/bin/node', '--inspect-port=0', 'server.js'], cwd: process.cwd() }, settings);
  assert.deepEqual(o.command, ['node', 'server.js']);
  assert.equal(o.cwd, process.cwd());
  assert.equal(targetLabel({ kind: 'command', argv: ['/usr/bin/node', '/srv/server.js'], cwd: '/' }), 'node server.js');
});
