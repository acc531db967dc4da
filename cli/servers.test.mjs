// End to end: servers under load (issue 11). A real Express 5 server (cli/fixtures/servers/app.js)
// under autocannon (driver.js, a child process, bounded by request counts, loopback only): every
// request is a span with its route and status, the per-route table counts exactly what the driver
// sent, and the latency attribution says where the time went. Asserts structure and dominance,
// never speeds: the machine may be loaded.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CLI, runOnce, lineOf, reportOf } from './fixtures/harness.mjs';
import { routeHoverLines } from '../extension/core/routeText.ts';
import { hasChromium, launch, openReport, visibleRange } from '../webview/fixtures/browser.ts';
import { requirement } from '../scripts/testEnvironment.ts';

const needsChromium = requirement(!hasChromium && 'chromium not installed (apt-get install -y chromium)');

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/** What the driver says it sent and got back, by path. */
function driverPhases(run) {
  const line = run.stdout.split('\n').find((l) => l.startsWith('DRIVER '));
  assert.ok(line, `the driver reported nothing\nstdout:\n${run.stdout.slice(-2000)}\nstderr:\n${run.stderr.slice(-3000)}`);
  const phases = Object.fromEntries(JSON.parse(line.slice(7)).phases.map((p) => [p.path, p]));
  for (const p of Object.values(phases)) assert.equal(p.errors + p.timeouts, 0, `driver errors: ${JSON.stringify(p)}`);
  return phases;
}

const route = (report, kind, name) => {
  const r = report.routes?.find((x) => x.kind === kind && x.method === 'GET' && (kind === 'server' ? x.route === name : x.route.endsWith(name)));
  assert.ok(r, `no ${kind} route ${name} in ${JSON.stringify(report.routes?.map((x) => `${x.kind} ${x.method} ${x.route}`))}`);
  return r;
};

/** The kept request spans of a server route, with waiting = duration − own CPU − queued. */
function requestsOf(report, name) {
  const q = report.spans.requests;
  const out = [];
  for (let i = 0; i < q.lane.length; i++) {
    if (q.kind[i] !== 0 || report.spans.strings[q.route[i]] !== name) continue;
    const ms = q.end[i] - q.start[i];
    out.push({ i, ms, own: q.ownMs[i], queued: q.queuedMs[i], waiting: Math.max(0, ms - q.ownMs[i] - q.queuedMs[i]), status: q.status[i], lane: q.lane[i] });
  }
  return out;
}

describe('an Express 5 server under autocannon', () => {
  const s = runOnce('servers/app.js', [], { timeoutMs: 180_000, html: true });

  it('counts every request autocannon sent, by Express route pattern, with its status', () => {
    const report = reportOf(s.run);
    const sent = driverPhases(s.run);
    assert.equal(report.program.exitCode, 0);
    for (const [path, name] of [['/fast', '/fast'], ['/slow-io', '/slow-io'], ['/cpu', '/cpu'], ['/items/7', '/items/:id']]) {
      const r = route(report, 'server', name);
      assert.equal(r.count, sent[path].total, `${name}: ${r.count} counted, the driver got ${sent[path].total} responses`);
      assert.equal(r.count, sent[path].sent);
      assert.equal(r.detailed, r.count, 'all kept in detail');
      assert.deepEqual(r.statuses, Object.entries(sent[path].statuses).map(([status, count]) => ({ status: Number(status), count })));
      assert.deepEqual(r.laneIds, [report.lanes.find((l) => l.kind === 'main').id], 'served by the main thread');
      assert.ok(r.p50Ms <= r.p99Ms && r.p99Ms <= r.maxMs, JSON.stringify(r));
    }
    // Each /slow-io made one upstream request, served by the same process.
    assert.equal(route(report, 'server', '/upstream').count, sent['/slow-io'].total);
    assert.equal(route(report, 'server', '/upstream-http').count, 1);
  });

  it('records the program\'s client requests: fetch (undici) and http.get', () => {
    const report = reportOf(s.run);
    const sent = driverPhases(s.run);
    const viaFetch = route(report, 'client', '/upstream');
    assert.equal(viaFetch.count, sent['/slow-io'].total);
    assert.deepEqual(viaFetch.statuses, [{ status: 200, count: sent['/slow-io'].total }]);
    assert.match(viaFetch.route, /^127\.0\.0\.1:\d+\/upstream$/);
    const viaHttp = route(report, 'client', '/upstream-http');
    assert.equal(viaHttp.count, 1);
    assert.deepEqual(viaHttp.statuses, [{ status: 200, count: 1 }]);
    assert.equal(viaHttp.p99, undefined, 'client requests are not attributed');
  });

  it('keeps each request as a span, and the requests in flight as a series', () => {
    const report = reportOf(s.run);
    const q = report.spans.requests;
    const n = q.lane.length;
    for (const col of Object.values(q)) assert.equal(col.length, n);
    assert.equal(n, report.routes.reduce((a, r) => a + r.count, 0));
    for (let i = 0; i < n; i++) assert.ok(q.start[i] <= q.end[i] && q.start[i] >= 0, `request ${i}: ${q.start[i]} → ${q.end[i]}`);
    assert.equal(report.spans.series.requestsInFlight.length, report.spans.series.concurrency.length);
    assert.ok(report.metrics.maxRequestsInFlight >= 2, `max in flight ${report.metrics.maxRequestsInFlight}`);
  });

  it('/slow-io: its time is mostly waiting (on the upstream), not CPU', () => {
    const report = reportOf(s.run);
    const reqs = requestsOf(report, '/slow-io');
    assert.ok(reqs.length > 0);
    const sum = (k) => reqs.reduce((a, r) => a + r[k], 0);
    assert.ok(sum('waiting') > sum('own') + sum('queued'), `waiting ${sum('waiting')} ms, own ${sum('own')} ms, queued ${sum('queued')} ms`);
    assert.ok(sum('waiting') >= 40 * reqs.length, 'each waited at least the upstream\'s 50 ms timer (less a sample)');
  });

  it('/fast under mixed load: its slowest requests were queued behind the /cpu route\'s line', () => {
    const report = reportOf(s.run);
    const fast = route(report, 'server', '/fast');
    const b = fast.p99;
    assert.ok(b, JSON.stringify(fast));
    assert.ok(b.queuedMs > b.ownCpuMs + b.waitingMs, b.text);
    assert.equal(b.queuedBehind[0]?.location.file, s.file, b.text);
    assert.equal(b.queuedBehind[0].location.line, lineOf(s.file, 'roundtrip'), b.text);
    assert.match(b.text, /^GET \/fast p99 .* queued behind other work on the loop \(most: servers\/app\.js:\d+ roundTrip\)/);
    // The /cpu route's own CPU is its handler's (the JSON round trip).
    const cpu = route(report, 'server', '/cpu');
    assert.equal(cpu.handler?.file, s.file);
    assert.ok([lineOf(s.file, 'roundtrip'), lineOf(s.file, 'cpu')].includes(cpu.handler.line), JSON.stringify(cpu.handler));
  });

  it('names no route after the middleware every route runs through', () => {
    const report = reportOf(s.run);
    const mw = lineOf(s.file, 'middleware');
    for (const r of report.routes.filter((x) => x.kind === 'server')) assert.notEqual(r.handler?.line, mw, `${r.route}'s handler: ${JSON.stringify(r.handler)}`);
    const labels = report.routes.flatMap((r) => r.p99?.queuedBehind ?? []).filter((b) => b.location.line === mw).map((b) => b.label);
    assert.ok(labels.every((l) => !/ handler$/.test(l)), JSON.stringify(labels));
    assert.ok(!routeHoverLines(report, s.file, mw).some((l) => /^GET \S+: \d+ requests/.test(l)), routeHoverLines(report, s.file, mw).join('\n'));
  });

  it('prints the per-route table and the breakdowns in the summary', () => {
    const out = s.run.stderr + s.run.stdout;
    assert.match(out, /HTTP requests \(\d+, max \d+ in flight/);
    assert.match(out, /^ {2}GET \/fast +200 /m);
    assert.match(out, /^ {2}→ GET 127\.0\.0\.1:\d+\/upstream +\d+ /m);
    assert.match(out, /slowest 1% of requests, by route/);
  });

  it('hovers in VS Code: the /cpu handler line shows its route, the roundTrip line the routes queued behind it', () => {
    const report = reportOf(s.run);
    const cpu = route(report, 'server', '/cpu');
    const atHandler = routeHoverLines(report, s.file, cpu.handler.line);
    assert.ok(atHandler.some((l) => /^GET \/cpu: 40 requests · p50 .* · p99 /.test(l)), atHandler.join('\n'));
    assert.ok(atHandler.includes(cpu.p99.text), atHandler.join('\n'));
    const atRoundTrip = routeHoverLines(report, s.file, lineOf(s.file, 'roundtrip'));
    assert.ok(atRoundTrip.some((l) => /^GET \/fast: its slowest requests were queued behind this line/.test(l)), atRoundTrip.join('\n'));
    assert.deepEqual(routeHoverLines(report, s.file, lineOf(s.file, 'fast') + 100), []);
  });

  it('shows in the HTML timeline: the routes table, the requests rows and track, a request\'s breakdown on click', { skip: needsChromium.skip }, async () => {
    needsChromium.check();
    const report = reportOf(s.run);
    const browser = await launch();
    try {
      const { page, errors } = await openReport(browser, s.run.htmlPath);
      const table = await page.locator('.cl-routes tbody tr:not(.cl-route-why)').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      assert.ok(table.some((cells) => cells[0] === 'GET /fast' && cells[1] === '200'), JSON.stringify(table));
      assert.ok((await page.locator('.cl-track-label').allTextContents()).some((t) => t.startsWith('HTTP requests')));
      const label = page.locator('.cl-row-label', { hasText: /^HTTP requests$/ }).first();
      const box = (await label.boundingBox());
      assert.ok(box, 'an HTTP requests row');
      // The run's first request on the main lane is on the first requests row.
      const q = report.spans.requests;
      const main = report.lanes.findIndex((l) => l.kind === 'main');
      let first = -1;
      for (let i = 0; i < q.lane.length; i++) if (q.lane[i] === main && (first < 0 || q.start[i] < q.start[first])) first = i;
      const canvas = (await page.locator('.cl-lanes-canvas').boundingBox());
      const [t0, t1] = await visibleRange(page);
      const x = canvas.x + (((q.start[first] + q.end[first]) / 2 - t0) / (t1 - t0)) * canvas.width;
      await page.locator('.cl-overlay').evaluate((e) => { e.style.visibility = 'hidden'; });
      await page.mouse.click(x, box.y + box.height / 2);
      const details = (await page.locator('.cl-details').textContent()) ?? '';
      const name = `${report.spans.strings[q.method[first]]} ${report.spans.strings[q.route[first]]}`;
      assert.ok(details.includes(name), `${name} in: ${details}`);
      if (q.kind[first] === 0) assert.match(details, /Own CPU.*Queued.*Waiting/s);
      assert.deepEqual(errors, []);
    } finally { await browser.close(); }
  });
});
