import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { countResources, describeResources } from './activeResources';

describe('what kept a stopped program running, in words', () => {
  it('counts Node\'s names and says them in words, with the names', () => {
    const counts = countResources(['TCPServerWrap', 'Timeout', 'TCPSocketWrap', 'Timeout', 'FSReqPromise', 'FSReqCallback']);
    assert.deepEqual(counts, { TCPServerWrap: 1, Timeout: 2, TCPSocketWrap: 1, FSReqPromise: 1, FSReqCallback: 1 });
    assert.equal(describeResources(counts), '1 listening TCP server, 2 timers, 1 open TCP connection, 2 file system requests (TCPServerWrap, Timeout ×2, TCPSocketWrap, FSReqPromise, FSReqCallback)');
  });
  it('says that stdout and stderr may be among the pipes, and keep nothing running unless read', () => {
    assert.match(describeResources(countResources(['PipeWrap', 'PipeWrap', 'Timeout'])), /^2 pipes, 1 timer \(PipeWrap ×2, Timeout; stdout and stderr, once written to, are listed as pipes or terminal streams and keep nothing running: one being read does\)$/);
  });
  it('names what it has no words for by Node\'s name, and nothing as nothing', () => {
    assert.equal(describeResources(countResources(['Http2Session'])), '1 Http2Session (Http2Session)');
    assert.equal(describeResources({}), '');
  });
});
