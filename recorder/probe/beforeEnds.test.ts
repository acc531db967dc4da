import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { endingSignal } from './beforeEnds';

describe('endingSignal: the kill() signals before which the recorder makes a seam in the child', () => {
  it('names the signals that end a process by default, given by name or number; kill() without one sends SIGTERM', () => {
    assert.equal(endingSignal(undefined), 'SIGTERM');
    for (const name of ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2']) {
      assert.equal(endingSignal(name), name);
      assert.equal(endingSignal((constants.signals as Record<string, number>)[name]), name);
    }
  });
  it('leaves out the signals that do not (0, SIGUSR1: Node opens its inspector, SIGCONT, SIGSTOP, SIGCHLD, SIGWINCH) and what is no signal (kill() throws as it would)', () => {
    for (const signal of [0, 'SIGUSR1', constants.signals.SIGUSR1, 'SIGCONT', 'SIGSTOP', 'SIGCHLD', 'SIGWINCH', 'SIGNOPE', 999, null, 'sigterm']) {
      assert.equal(endingSignal(signal), undefined, String(signal));
    }
  });
});
