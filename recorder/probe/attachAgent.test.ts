// The attach agent (dist/attachAgent.js, as built), disposed of at the worst moment a recorder's
// Runtime.evaluate can land. V8 runs inspector messages as interrupts in the middle of
// JavaScript, and Node's listOnTimeout runs JavaScript (async hooks' `before`) between checking a
// timer's _onTimeout and calling it. Here a `before` hook of the agent's own lag timer calls
// dispose(): the program must go on (it crashed with "timer._onTimeout is not a function" when
// dispose cleared that timer), and the agent must stop ticking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentExpression } from '../probeOptions';

const BUNDLE = join(__dirname, '..', '..', 'dist', 'attachAgent.js');

const PROGRAM = `
const fs = require('node:fs');
const asyncHooks = require('node:async_hooks');
globalThis.__testBinding = () => { records++; }; // the CDP binding the agent hands its records to
let records = 0;
(0, eval)(fs.readFileSync(process.argv[2], 'utf8'));
const agent = globalThis[Symbol.for('concurrency-lens')];
// The program's own timers, made before the hook: only the agent's timers are watched.
setTimeout(() => {
  const after = records;
  setTimeout(() => console.log(JSON.stringify({ disposed, recordsAfterDispose: records - after })), 200);
}, 100);
const watched = new Set();
let disposed = false;
asyncHooks.createHook({
  init(id, type) { if (type === 'Timeout') watched.add(id); },
  before(id) {
    if (disposed || !watched.has(id)) return;
    disposed = true;
    agent.dispose();
  },
}).enable();
`;

test("dispose() landing inside Node's timer dispatch of the agent's own lag timer: the program goes on, the agent stops", () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-agent-'));
  const expression = join(dir, 'agent.js');
  writeFileSync(expression, agentExpression(readFileSync(BUNDLE, 'utf8'), { binding: '__testBinding', recorderPid: process.pid, abandonAfterMs: 60_000, closeInspectorIfAbandoned: false }));
  const program = join(dir, 'program.js');
  writeFileSync(program, PROGRAM);
  const r = spawnSync(process.execPath, [program, expression], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `the program crashed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.disposed, true, 'the hook disposed of the agent inside its timer dispatch');
  assert.equal(out.recordsAfterDispose, 0, 'nothing handed over after dispose');
});
