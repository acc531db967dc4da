import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workerThreadId } from './workerThreadId';

describe('workerThreadId', () => {
  it('reads the thread id from the titles Node gives workers', () => {
    assert.equal(workerThreadId('[worker 6]'), 6);
    assert.equal(workerThreadId('[worker 12] pool worker 3'), 12);
    assert.equal(workerThreadId('Worker 4'), 4);
    assert.equal(workerThreadId('WorkerThread Worker 17'), 17);
  });
  it('says nothing when the title has no thread id', () => {
    assert.equal(workerThreadId(''), undefined);
    assert.equal(workerThreadId('worker'), undefined);
    assert.equal(workerThreadId('[worker x]'), undefined);
  });
});
