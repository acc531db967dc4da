// End to end: HTTP/2 servers (node:http2's stream API, and Fastify over HTTP/2). Node publishes
// HTTP/2 request events from 22.18 / 24.3 only: there their requests are spans like HTTP/1's
// (Fastify's by route pattern); on an older Node (20.x) they cannot be recorded without
// patching, and the report must say so rather than show a server that served nothing.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, runOnce, reportOf, printed } from './fixtures/harness.mjs';
import { publishesHttp2Streams } from '../recorder/probe/http2Requests.ts';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

describe('HTTP/2 servers: node:http2 streams and Fastify over HTTP/2', () => {
  const s = runOnce('servers/http2-app.js', [], { timeoutMs: 120_000 });

  it('are recorded where Node publishes HTTP/2 request events, and said not recorded where it does not', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0);
    const sent = Number(printed(s.run.stdout, 'SENT'));
    assert.equal(sent, 24, 'the fixture got every response');
    const version = report.program.nodeVersion.replace(/^v/, '');
    const routes = (report.routes ?? []).filter((r) => r.kind === 'server');
    const notRecorded = report.warnings.filter((w) => /HTTP\/2 requests not recorded/.test(w));
    if (publishesHttp2Streams(version)) {
      assert.deepEqual(notRecorded, []);
      for (const name of ['/h2/a', '/f2/:id']) {
        const r = routes.find((x) => x.method === 'GET' && x.route === name);
        assert.ok(r, `no GET ${name} in ${JSON.stringify(routes.map((x) => x.route))}`);
        assert.equal(r.count, sent / 2);
        assert.deepEqual(r.statuses, [{ status: 200, count: sent / 2 }]);
      }
    } else {
      assert.equal(notRecorded.length, 1, report.warnings.join('\n'));
      assert.match(notRecorded[0], new RegExp(`^pid \\d+: HTTP/2 requests not recorded: the program started 2 HTTP/2 servers .*Node v${version.replace(/\./g, '\\.')} publishes no HTTP/2 request events`));
      assert.deepEqual(routes, [], 'no HTTP/2 request shown as recorded');
      assert.match(s.run.stderr + s.run.stdout, /HTTP\/2 requests not recorded/, 'the summary says it too');
    }
  });
});
