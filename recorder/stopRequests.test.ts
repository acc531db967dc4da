// The meaning of repeated stop requests, shared by the CLI's signal handlers and the editor's Stop button.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stopRequests, SAME_REQUEST_MS } from './stopRequests';

function recordedRun() {
  const calls: string[] = [];
  return { calls, run: { stop: (s?: string) => { calls.push(`stop ${s}`); }, kill: () => { calls.push('kill'); } } };
}

describe('stopRequests', () => {
  it('first request stops with its signal, the second kills, later ones are "again"', () => {
    let t = 0;
    const { calls, run } = recordedRun();
    const request = stopRequests(run, () => t);
    assert.equal(request('SIGTERM'), 'stop');
    t += 500;
    assert.equal(request('SIGINT'), 'kill');
    t += 500;
    assert.equal(request('SIGINT'), 'again');
    assert.deepEqual(calls, ['stop SIGTERM', 'kill']);
  });
  it(`requests less than ${SAME_REQUEST_MS} ms after the last counted one are one request`, () => {
    let t = 1000;
    const { calls, run } = recordedRun();
    const request = stopRequests(run, () => t);
    assert.equal(request('SIGINT'), 'stop');
    t += 1;
    assert.equal(request('SIGINT'), 'repeat');
    t += SAME_REQUEST_MS - 2;
    assert.equal(request('SIGINT'), 'repeat');
    t += 2;
    assert.equal(request('SIGINT'), 'kill');
    assert.deepEqual(calls, ['stop SIGINT', 'kill']);
  });
});
