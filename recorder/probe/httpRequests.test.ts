import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequests } from './httpRequests';
import { REQUEST_FIELDS, REQ_CLIENT, REQ_SERVER, OTHER_ROUTE } from '../../analyzer/raw';

// The probe's request recorder on a real node:http server and real clients (http.get, fetch),
// in this process: detail is capped, counts stay exact, distinct routes are capped.

async function withServer(fn: (port: number) => Promise<void>): Promise<void> {
  const server = http.createServer((req, res) => { res.statusCode = req.url?.startsWith('/missing') ? 404 : 200; res.end('ok'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try { await fn((server.address() as AddressInfo).port); } finally { server.closeAllConnections(); await new Promise((r) => server.close(r)); }
}

const get = (url: string) => new Promise<void>((resolve, reject) => http.get(url, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject));

test('server and client requests: rows past the cap are dropped, counts stay exact, distinct paths are capped', async () => {
  const rec = new HttpRequests(30);
  rec.start();
  await withServer(async (port) => {
    for (let i = 0; i < 20; i++) await get(`http://127.0.0.1:${port}/a?i=${i}`);
    await get(`http://127.0.0.1:${port}/missing`);
    const r = await fetch(`http://127.0.0.1:${port}/via-fetch`);
    await r.text();
    for (let i = 0; i < 520; i++) await get(`http://127.0.0.1:${port}/p${i}`);
  });
  const chunk = rec.take()!;
  assert.ok(chunk);
  assert.equal(chunk.rows.length, 30 * REQUEST_FIELDS, 'detail capped at 30 requests');
  // Every request counted: 542 served, 542 made (a server request finishes before its client's response).
  const byKind = (k: number) => chunk.counts!.filter((c) => c[0] === k).reduce((a, c) => a + c[3], 0);
  assert.equal(byKind(REQ_SERVER), 542);
  assert.equal(byKind(REQ_CLIENT), 542);
  assert.equal(chunk.dropped, 2 * 542 - 30);
  assert.equal(rec.serverRequests, 542, 'the sampling policy\'s measure of a busy server: served requests only, not the ones made');
  assert.equal(chunk.inFlight, 0);
  const name = (i: number) => chunk.names[i];
  const count = (kind: number, route: string) => chunk.counts!.find((c) => c[0] === kind && name(c[2]) === route)?.[3];
  assert.equal(count(REQ_SERVER, '/a'), 20, 'the query string is not part of the path');
  assert.equal(count(REQ_SERVER, '/missing'), 1);
  assert.equal(count(REQ_SERVER, '/via-fetch'), 1);
  assert.match(name(chunk.counts!.find((c) => c[0] === REQ_CLIENT && c[3] === 1 && name(c[2]).endsWith('/via-fetch'))![2]), /^127\.0\.0\.1:\d+\/via-fetch$/);
  assert.ok(chunk.names.length <= 501, `${chunk.names.length} names`);
  assert.ok(count(REQ_SERVER, OTHER_ROUTE)! > 0, 'paths past the cap are counted under one name');
  // Rows: first request is the first /a: its server row has a status, t0 ≤ syncEnd ≤ t1.
  const rows = chunk.rows as number[]; // taken as JSON (no file to write them to)
  const server = [];
  for (let i = 0; i < rows.length; i += REQUEST_FIELDS) if (rows[i] === REQ_SERVER) server.push(rows.slice(i, i + REQUEST_FIELDS));
  assert.ok(server.length > 0);
  // Times in whole hundredths of a ms (integers serialize faster), and the chunk says so.
  assert.equal(chunk.hundredths, true);
  for (const [, , , status, t0, syncEnd, t1] of server) {
    assert.equal(status, 200);
    assert.ok(t0 <= syncEnd && syncEnd <= t1, `${t0} ${syncEnd} ${t1}`);
    assert.ok([t0, syncEnd, t1].every(Number.isInteger), `${t0} ${syncEnd} ${t1}`);
  }
  assert.equal(rec.take(), undefined, 'nothing new');
});

test('paths are named by their template: 600 ids are one route, not 500 and "(other paths)"; a client route keeps its host', async () => {
  const rec = new HttpRequests(100);
  rec.start();
  let port = 0;
  await withServer(async (p) => {
    port = p;
    for (let i = 0; i < 600; i++) await get(`http://127.0.0.1:${port}/item/${i}?q=${i}`);
    const r = await fetch(`http://127.0.0.1:${port}/docs/3f2b8c1e-9d4a-4e6b-8f00-1a2b3c4d5e6f`);
    await r.text();
    await get(`http://127.0.0.1:${port}/v2`);
  });
  const chunk = rec.take()!;
  const name = (i: number) => chunk.names[i];
  const count = (kind: number, route: string) => chunk.counts!.find((c) => c[0] === kind && name(c[2]) === route)?.[3];
  assert.equal(count(REQ_SERVER, '/item/:n'), 600);
  assert.equal(count(REQ_CLIENT, `127.0.0.1:${port}/item/:n`), 600, 'the host and its port are not folded');
  assert.equal(count(REQ_SERVER, '/docs/:uuid'), 1);
  assert.equal(count(REQ_CLIENT, `127.0.0.1:${port}/docs/:uuid`), 1, 'fetch (undici) too');
  assert.equal(count(REQ_SERVER, '/v2'), 1, 'a name with a digit is kept');
  assert.equal(count(REQ_SERVER, OTHER_ROUTE), undefined, 'no path went past the cap');
  assert.ok(chunk.names.length <= 10, `${chunk.names.length} names: ${chunk.names.join(' ')}`);
  // Rows name their request's template too.
  for (let i = 0; i < chunk.rows.length; i += REQUEST_FIELDS) assert.ok(!/\/item\/\d/.test(name(chunk.rows[i + 2])), name(chunk.rows[i + 2]));
});

test('each take holds exactly the requests finished since the last one: the row buffer is reused, and dropped after a burst', () => {
  const rec = new HttpRequests(100_000);
  const names: string[] = [];
  // Past the buffer's keep limit (6,000 rows of REQUEST_FIELDS numbers), then fewer each time.
  for (const [n, path] of [[6000, '/burst'], [3, '/after-burst'], [50, '/a'], [2, '/b'], [40, '/c']] as const) {
    for (let i = 0; i < n; i++) {
      const req = {};
      rec.served(req, 'GET', -1, `${path}?i=${i}`);
      rec.servedFinished(req, 200, false);
    }
    const chunk = rec.take()!;
    names.push(...chunk.names);
    assert.equal(chunk.rows.length, n * REQUEST_FIELDS, `${path}: ${n} rows`);
    for (let i = 0; i < chunk.rows.length; i += REQUEST_FIELDS) {
      assert.equal(chunk.rows[i], REQ_SERVER);
      assert.equal(names[chunk.rows[i + 2]], path, `${path}: row ${i / REQUEST_FIELDS} is one of this take's requests`);
    }
    assert.equal(rec.take(), undefined, 'nothing new');
  }
});

test('pipelined HTTP/1 requests on one connection: one row each, in order; a first callback ends by the next request\'s start', async () => {
  const rec = new HttpRequests(100);
  rec.start();
  const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* the handler's own CPU */ } };
  const server = http.createServer((req, res) => {
    busy(5);
    // Answered from a later tick for /b: the connection holds two requests in flight.
    if (req.url === '/b') setTimeout(() => res.end('b'), 5); else res.end('a');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const net = await import('node:net');
    // Three requests in one write: Node parses them at once, and answers them in order.
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let got = '';
      s.on('data', (d) => { got += d; });
      s.on('end', () => { try { assert.equal(got.match(/HTTP\/1\.1 200/g)?.length, 3, got); resolve(); } catch (e) { reject(e); } });
      s.on('error', reject);
    });
  } finally { server.closeAllConnections(); await new Promise((r) => server.close(r)); }
  rec.stop();
  const chunk = rec.take()!;
  const rows = chunk.rows as number[];
  const server0 = [];
  for (let i = 0; i < rows.length; i += REQUEST_FIELDS) if (rows[i] === REQ_SERVER) server0.push(rows.slice(i, i + REQUEST_FIELDS));
  const byRoute = new Map(server0.map((r) => [chunk.names[r[2]], r]));
  assert.deepEqual([...byRoute.keys()].sort(), ['/a', '/b', '/c']);
  assert.equal(chunk.inFlight, 0, 'every request finished');
  const [a, b, c] = ['/a', '/b', '/c'].map((r) => byRoute.get(r)!);
  // Fields: kind, method, route, status, t0, syncEnd, t1, flags, ready (times in hundredths of a ms).
  for (const r of [a, b, c]) assert.ok(r[4] <= r[5] && r[5] <= r[6], `t0 ${r[4]} ≤ syncEnd ${r[5]} ≤ t1 ${r[6]}`);
  assert.ok(a[4] < b[4] && b[4] < c[4], 'started in order');
  // Each first callback busied the thread 5 ms, and ended by the next request's start.
  assert.ok(a[5] - a[4] >= 500 && a[5] <= b[4], `a: ${a[4]}..${a[5]}, b starts ${b[4]}`);
  assert.ok(b[5] - b[4] >= 500 && b[5] <= c[4], `b: ${b[4]}..${b[5]}, c starts ${c[4]}`);
  assert.ok(b[6] - b[4] >= 500, '/b was answered later');
  assert.ok(c[5] - c[4] >= 500, `c: ${c[4]}..${c[5]}`);
  assert.ok(b[8] <= a[6], 'ready: b can have arrived no later than a\'s response finished');
});

test('a request whose connection closes before its response finished is no longer in flight: counted as cut off, not as a request', async () => {
  let ended = 0;
  const rec = new HttpRequests(100, { started() {}, ended() { ended++; }, responded() {}, laterHandler() {} });
  rec.start();
  let answer: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    if (req.url === '/hang') answer = () => { if (!res.destroyed) res.end('late'); };
    else res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const r = http.get({ port, host: '127.0.0.1', path: '/hang', agent: false });
      r.on('error', () => resolve());
      r.on('close', () => resolve());
      setTimeout(() => r.destroy(), 50);
    });
    // The server's side of the connection closes a moment after the client's.
    const deadline = Date.now() + 5000;
    let chunk = rec.take();
    while (!chunk?.aborted && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 20)); chunk = rec.take(); }
    assert.equal(chunk?.aborted, 1, 'the cut-off request is told');
    assert.equal(chunk!.inFlight, 0, 'and no longer in flight');
    assert.equal(ended, 1, 'the runtime was told it ended (concurrency)');
    assert.equal((chunk!.counts ?? []).filter((c) => c[0] === REQ_SERVER).length, 0, 'not counted as a served request (the client\'s own is, as failed)');
    answer?.();
    await get(`http://127.0.0.1:${port}/after`);
    const next = rec.take()!;
    assert.equal(next.aborted, 1, 'the total so far');
    assert.equal(next.inFlight, 0);
    const served = next.counts!.filter((c) => c[0] === REQ_SERVER);
    assert.equal(served.length, 1, 'only /after is a served request');
    assert.equal(served[0][3], 1);
    assert.equal(ended, 2);
  } finally { rec.stop(); server.closeAllConnections(); await new Promise((r) => server.close(r)); }
});
