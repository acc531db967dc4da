import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishesHttp2Streams } from './http2Requests';

// Node publishes http2.server.stream.start and .close from 22.18 and 24.3 (close came last:
// nodejs/node#58602); 20.x publishes no HTTP/2 channel. The report says "not recorded" below.
test('which Node versions publish HTTP/2 server stream events', () => {
  for (const v of ['20.20.2', '21.7.3', '22.17.1', '23.11.1', '24.2.0']) assert.equal(publishesHttp2Streams(v), false, v);
  for (const v of ['22.18.0', '22.23.5', '24.3.0', '24.22.3', '25.0.0', '26.1.0']) assert.equal(publishesHttp2Streams(v), true, v);
});
