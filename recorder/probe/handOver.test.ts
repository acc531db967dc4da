import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handsOver } from './handOver';

// Which child_process sync calls are hand-overs, by their arguments as Node reads them (the
// pause itself, on real programs: cli/handOver.test.mjs).
describe('handsOver', () => {
  it('is a call whose child gets this process\'s stdout and stderr', () => {
    assert.equal(handsOver(['tsgo', ['-p', '.'], { stdio: 'inherit' }]), true);
    assert.equal(handsOver(['npm run build', { stdio: 'inherit' }]), true); // execSync(command, options)
    assert.equal(handsOver(['biome', { stdio: 'inherit' }]), true); // spawnSync(file, options)
    assert.equal(handsOver(['sh', ['-c', 'x'], { stdio: ['pipe', 'inherit', 'inherit'] }]), true);
    assert.equal(handsOver(['sh', [], { stdio: [0, 1, 2] }]), true);
    assert.equal(handsOver(['sh', [], { stdio: ['ignore', { fd: 1 }, { fd: 2 }] }]), true); // process.stdout / stderr
  });
  it('is not a call that captures or drops what the child writes', () => {
    assert.equal(handsOver(['git', ['rev-parse', 'HEAD']]), false);
    assert.equal(handsOver(['git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }]), false);
    assert.equal(handsOver(['git status', { stdio: 'pipe' }]), false);
    assert.equal(handsOver(['sh', [], { stdio: ['inherit', 'pipe', 'inherit'] }]), false);
    assert.equal(handsOver(['sh', [], { stdio: ['inherit', 'inherit', 'ignore'] }]), false);
    assert.equal(handsOver(['sh', [], null]), false);
    assert.equal(handsOver(['sh']), false);
  });
  it('never throws: an options getter that throws is Node\'s to throw', () => {
    const options = Object.defineProperty({}, 'stdio', { get() { throw new Error('boom'); } });
    assert.equal(handsOver(['sh', [], options]), false);
  });
});
