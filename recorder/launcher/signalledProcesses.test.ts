import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signalledProcesses, type KnownProcess } from './signalledProcesses';

// A program (pid 10, recorded) that started npm (20, a launcher), whose shell (30, not node) runs
// a server (40, recorded), and a worker process of its own (50, recorded); 60 is a process
// nobody records (a shell) with nothing of ours under it; 70 is not a process at all (gone).
const processes = new Map<number, KnownProcess<string>>([
  [10, { announcement: { ppid: 1 }, main: 'program' }],
  [20, { announcement: { ppid: 10, launcher: 'npm' }, main: null }],
  [40, { announcement: { ppid: 30 }, main: 'server' }],
  [50, { announcement: { ppid: 10 }, main: 'worker process' }],
]);
const parents = new Map([[10, 1], [20, 10], [30, 20], [40, 30], [50, 10], [60, 10]]);
const parentOf = (pid: number) => parents.get(pid);

describe('signalledProcesses: the recorded processes a signal to a pid reaches', () => {
  it('a recorded process: itself only', () => {
    assert.deepEqual(signalledProcesses(40, processes, parentOf), ['server']);
    assert.deepEqual(signalledProcesses(50, processes, parentOf), ['worker process']);
  });
  it('a launcher or a shell: the recorded processes under it, through processes not recorded', () => {
    assert.deepEqual(signalledProcesses(20, processes, parentOf), ['server']);
    assert.deepEqual(signalledProcesses(30, processes, parentOf), ['server']);
  });
  it('stops at a recorded process: the program is not what is under a shell of its own', () => {
    assert.deepEqual(signalledProcesses(60, processes, parentOf), []);
    assert.deepEqual(signalledProcesses(1, processes, parentOf), []);
  });
  it('a pid that is gone: none', () => {
    assert.deepEqual(signalledProcesses(70, processes, parentOf), []);
  });
  it('a process group (a pid below -1): every recorded process in it, launchers and shells aside', () => {
    // Group 20 (npm's: started detached), holding npm, its shell and the server; the program and its worker process in group 10.
    const groups = new Map([[10, 10], [20, 20], [30, 20], [40, 20], [50, 10]]);
    const groupOf = (pid: number) => groups.get(pid);
    assert.deepEqual(signalledProcesses(-20, processes, parentOf, groupOf), ['server']);
    assert.deepEqual(signalledProcesses(-10, processes, parentOf, groupOf), ['program', 'worker process']);
    assert.deepEqual(signalledProcesses(-99, processes, parentOf, groupOf), []);
    // Without /proc no group is known: none.
    assert.deepEqual(signalledProcesses(-20, processes, parentOf, () => undefined), []);
  });
  it('this process\'s own group or every process (0, -1): none', () => {
    assert.deepEqual(signalledProcesses(0, processes, parentOf, () => 10), []);
    assert.deepEqual(signalledProcesses(-1, processes, parentOf, () => 10), []);
  });
});
