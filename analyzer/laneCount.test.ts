import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { laneCount } from './laneCount';

describe('laneCount', () => {
  it('counts processes by their main threads', () => {
    assert.equal(laneCount(['10:0', '11:0', '12:0']), '3 processes');
    assert.equal(laneCount(['10:0']), '1 process');
  });
  it('calls worker threads threads, not processes, and says how many processes hold them when several do', () => {
    assert.equal(laneCount(['10:1', '10:2']), '2 worker threads');
    assert.equal(laneCount(['10:1', '11:1', '11:2']), '3 worker threads of 2 processes');
  });
  it('names main threads and worker threads apart when both ran the line', () => {
    assert.equal(laneCount(['10:0', '10:1', '10:3']), '1 main thread and 2 worker threads');
    assert.equal(laneCount(['10:0', '11:0', '11:1']), '2 main threads and 1 worker thread');
  });
  it('counts a lane once', () => {
    assert.equal(laneCount(['10:1', '10:1']), '1 worker thread');
  });
});
