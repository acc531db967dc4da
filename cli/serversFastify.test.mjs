// End to end: a Fastify 5 API under autocannon (issue 11). Fastify publishes the route it
// matched and when its handler ran on diagnostics channels: requests are named by their route
// pattern (`/users/:id`, with the plugin prefix), a POST handler that runs once its body is read
// has its CPU counted as the request's own, and the findings and latency attribution are those
// of an Express server. Counts come from autocannon and the fixture itself; CPU from the
// fixture's own clock (±20 %); never wall-clock speeds: the machine may be loaded.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, lineOf, reportOf, findingsOf, describeFindings } from './fixtures/harness.mjs';
import { underLoad } from './fixtures/underLoad.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const JSON_MS = 30, ORDER_MS = 8;
const order = JSON.stringify({ lines: Array.from({ length: 50 }, (_, i) => ({ sku: `s${i}`, qty: i })) });

const route = (report, method, name) => {
  const r = report.routes?.find((x) => x.kind === 'server' && x.method === method && x.route === name);
  assert.ok(r, `no server route ${method} ${name} in ${JSON.stringify(report.routes?.map((x) => `${x.kind} ${x.method} ${x.route}`))}`);
  return r;
};

/** Own CPU (ms) of the kept requests of a server route. */
function ownOf(report, method, name) {
  const q = report.spans.requests, str = report.spans.strings;
  const out = [];
  for (let i = 0; i < q.lane.length; i++) if (q.kind[i] === 0 && str[q.method[i]] === method && str[q.route[i]] === name) out.push(q.ownMs[i]);
  return out;
}

function assertWithin(actual, expected, what) {
  assert.ok(Math.abs(actual - expected) <= 0.2 * expected, `${what}: ${actual}, expected ${expected} ±20 %`);
}

describe('a Fastify 5 API under autocannon', () => {
  const s = underLoad('servers/fastify-app.js', {
    // Staggered: each connection from its own place in the sequence, so that every turn of the
    // loop holds GET /users requests beside heavy ones. One client kept its 8 connections in
    // step (8 GET /users, then 8 GET /json, …): in a run whose connections never drifted apart
    // the GET /users requests waited only behind each other (CI: 4 ms, behind line 17 only).
    amount: 240, connections: 8, staggered: true, env: { JSON_MS: String(JSON_MS), ORDER_MS: String(ORDER_MS) },
    requests: [
      { method: 'GET', path: '/users/1' }, { method: 'GET', path: '/json' },
      { method: 'POST', path: '/orders/7', headers: { 'content-type': 'application/json' }, body: order },
      { method: 'GET', path: '/api/items/42' }, { method: 'GET', path: '/users/2' }, { method: 'GET', path: '/missing/x' },
    ],
  });

  it('names each request by its Fastify route pattern (plugin prefix included), counted exactly, with its latency percentiles', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(s.load.errors + s.load.timeouts, 0, 'autocannon got every response');
    const main = report.lanes.find((l) => l.kind === 'main').id;
    for (const [method, name, served] of [['GET', '/users/:id', s.served.user], ['GET', '/json', s.served.json],
      ['POST', '/orders/:id', s.served.order], ['GET', '/api/items/:itemId', s.served.item]]) {
      const r = route(report, method, name);
      assert.ok(served > 0, `${name}: the fixture served none`);
      assert.equal(r.count, served, `${method} ${name}: ${r.count} counted, the fixture served ${served}`);
      assert.equal(r.detailed, r.count, 'all kept in detail');
      assert.deepEqual(r.statuses, [{ status: 200, count: served }]);
      assert.deepEqual(r.laneIds, [main], 'served by the main thread');
      assert.ok(r.p50Ms > 0 && r.p50Ms <= r.p99Ms && r.p99Ms <= r.maxMs, JSON.stringify(r));
    }
    // No route matched: Fastify told nothing, the path it is.
    const missing = route(report, 'GET', '/missing/x');
    assert.deepEqual(missing.statuses, [{ status: 404, count: s.load.non2xx }]);
    // Every request autocannon sent is in the table (the /quit after them may be cut by the close), and no path of a matched route.
    assert.equal(report.routes.filter((r) => r.route !== '/quit').reduce((a, r) => a + r.count, 0), s.load.requests.sent);
    assert.ok(!report.routes.some((r) => /^\/(users\/\d|orders\/\d|api\/items\/\d)/.test(r.route)), JSON.stringify(report.routes.map((r) => r.route)));
  });

  it('the CPU-heavy route is one blocking-cpu finding at its line, one occurrence per request, its total the requests\' CPU (±20 %)', () => {
    const report = reportOf(s.run);
    const at = findingsOf(report, 'blocking-cpu').filter((f) => f.location.file === s.file);
    assert.equal(at.length, 1, describeFindings(report));
    const f = at[0];
    assert.equal(f.location.line, lineOf(s.file, 'json'));
    assert.equal(f.severity, 'warning', 'a server blocks what it serves');
    assertWithin(f.occurrences, s.served.json, 'occurrences');
    assertWithin(f.totalMs, s.served.json * JSON_MS, 'total ms');
  });

  it('attributes the latency: GET /users/:id requests were queued behind the heavy handlers\' lines, named after their routes', () => {
    const report = reportOf(s.run);
    const heavy = { [lineOf(s.file, 'json')]: 'GET /json handler', [lineOf(s.file, 'order')]: 'POST /orders/:id handler' };
    // Its own CPU is next to nothing (it awaits a timer); the loop ran the heavy handlers meanwhile.
    const q = report.spans.requests, str = report.spans.strings, sites = report.spans.sites;
    let own = 0, queued = 0;
    // Per blocking line, the time /users/:id requests waited behind it. By time, not by how many
    // requests: under load many wait a moment behind another request's light handler (CI saw 7
    // named behind the user handler's own line, 4 behind each heavy one), while the heavy ones
    // hold the loop 8–30 ms each (on a loaded machine here: 888 and 115 ms of queueing, against
    // 10 ms behind the user handler, which 8 requests waited behind and 11 behind /json).
    const blockers = new Map();
    for (let i = 0; i < q.lane.length; i++) {
      if (str[q.route[i]] !== '/users/:id') continue;
      const waited = q.queuedMs[i] + q.queuedBeforeMs[i];
      own += q.ownMs[i]; queued += waited;
      if (q.blocker[i] < 0) continue;
      const at = `${str[sites.file[q.blocker[i]]]}:${sites.line[q.blocker[i]]}`;
      blockers.set(at, (blockers.get(at) ?? 0) + waited);
    }
    assert.ok(queued > own, `queued ${queued} ms, own ${own} ms`);
    const top = [...blockers].sort((a, b) => b[1] - a[1])[0];
    assert.ok(top, 'blockers named');
    assert.ok(Object.keys(heavy).some((line) => top[0] === `${s.file}:${line}`), `queued longest behind ${top[0]}: ${JSON.stringify([...blockers].map(([at, ms]) => [at, Math.round(ms)]))} (all GET /users/:id: queued ${Math.round(queued)} ms, own ${Math.round(own)} ms)`);
    // The routes' slowest requests: a heavy handler's line is named after its route.
    const named = report.routes.flatMap((r) => r.p99?.queuedBehind ?? []).filter((b) => b.location.file === s.file && heavy[b.location.line]);
    assert.ok(named.length > 0, report.routes.map((r) => r.p99?.text).join('\n'));
    for (const b of named) assert.equal(b.label, heavy[b.location.line]);
    assert.equal(route(report, 'GET', '/json').handler?.line, lineOf(s.file, 'json'));
  });

  it('a POST handler that runs once its body is read: its CPU is the request\'s own CPU, at its line', () => {
    const report = reportOf(s.run);
    const orders = route(report, 'POST', '/orders/:id');
    assert.equal(orders.handler?.file, s.file);
    assert.equal(orders.handler.line, lineOf(s.file, 'order'));
    // Each burns ORDER_MS of CPU in its handler, after the request's first callback returned.
    const own = ownOf(report, 'POST', '/orders/:id');
    assert.equal(own.length, s.served.order);
    const mean = own.reduce((a, b) => a + b, 0) / own.length;
    assert.ok(mean >= ORDER_MS / 2, `mean own CPU ${mean} ms of a ${ORDER_MS} ms handler`);
  });

  it('the requests are spans on the main lane, in flight together', () => {
    const report = reportOf(s.run);
    const q = report.spans.requests;
    const main = report.lanes.findIndex((l) => l.kind === 'main');
    for (let i = 0; i < q.lane.length; i++) {
      assert.equal(q.lane[i], main);
      assert.ok(q.start[i] <= q.end[i] && q.ownMs[i] >= 0 && q.queuedMs[i] >= 0, `request ${i}`);
    }
    assert.ok(report.metrics.maxRequestsInFlight >= 2, `max in flight ${report.metrics.maxRequestsInFlight}`);
    assert.ok(report.metrics.maxConcurrency >= 2, `max concurrency ${report.metrics.maxConcurrency}`);
  });
});
