// End to end: `concurrency-lens compare before.json after.json [--fail-on-regression]` on reports
// of real programs profiled by the real CLI: a sequential sample against its fixed version and
// back (a regression), and a program against the same program with lines inserted above every
// site (findings matched by site, not line).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, profile, reportOf, lineOf, describeFindings } from './fixtures/harness.mjs';
import { appCopy, cli } from './fixtures/ciCopies.mjs';
import { compareHtml } from '../extension/panel/compareView.ts';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

describe('compare: the sequential sample against its Promise.all version', () => {
  const s = {};
  before(async () => {
    s.seq = await profile([join(ROOT, 'samples/io/01-sequential.js')]);
    s.all = await profile([join(ROOT, 'samples/io/06-promise-all.js')]);
  });

  it('fixed: the await-in-loop is resolved, wall time better, no regression (exit 0)', () => {
    const seq = reportOf(s.seq);
    reportOf(s.all);
    assert.equal(seq.findings.filter((f) => f.kind === 'await-in-loop').length, 1, describeFindings(seq));
    const r = cli(['compare', s.seq.jsonPath, s.all.jsonPath, '--fail-on-regression'], ROOT);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ {2}Wall time +\S+ s → .* better: −/m);
    assert.match(r.stdout, /^ {2}Event loop lag p99 /m);
    assert.match(r.stdout, /^ {2}Findings +1 → 0 +better/m);
    assert.match(r.stdout, /^resolved \(1\):\n {2}await-in-loop at samples\/io\/01-sequential\.js:15: await in a loop/m);
    assert.doesNotMatch(r.stdout, /^new /m);
    assert.match(r.stderr, /^no regression$/m);
  });

  it('the other way round is a regression: a new finding (exit 3)', () => {
    const r = cli(['compare', s.all.jsonPath, s.seq.jsonPath, '--fail-on-regression'], ROOT);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /^new \(1\):\n {2}await-in-loop at samples\/io\/01-sequential\.js:15/m);
    assert.match(r.stderr, /^regression: new finding await-in-loop at samples\/io\/01-sequential\.js:15: /m);
    // Whether the wall time also counts depends on the machine's load (at load 30 it did not, in
    // one run of three): the tolerance rule is tested in analyzer/compareRuns.test.ts.
    assert.match(r.stdout, /^ {2}Wall time +\S+ (ms|s) → \S+ s /m);
  });

  it('without --fail-on-regression it only reports (exit 0)', () => {
    const r = cli(['compare', s.all.jsonPath, s.seq.jsonPath], ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^new \(1\):/m);
  });

  it('a file that is not a report, or a missing one, is a usage error (exit 2)', () => {
    const notReport = cli(['compare', join(ROOT, 'package.json'), s.seq.jsonPath], ROOT);
    assert.equal(notReport.code, 2);
    assert.match(notReport.stderr, /package\.json: This file is not a Concurrency Lens report/);
    const one = cli(['compare', s.seq.jsonPath], ROOT);
    assert.equal(one.code, 2);
    assert.match(one.stderr, /compare needs two reports/);
    const tolerance = cli(['compare', s.seq.jsonPath, s.all.jsonPath, '--tolerance', 'lots'], ROOT);
    assert.equal(tolerance.code, 2);
    assert.match(tolerance.stderr, /--tolerance needs a percentage/);
  });
});

describe('compare: the same program with 7 lines inserted above every site', () => {
  const s = {};
  before(async () => {
    s.a = appCopy(0);
    s.b = appCopy(7);
    s.runA = await profile(['src/app.js'], { cwd: s.a.dir });
    s.runB = await profile(['src/app.js'], { cwd: s.b.dir });
  });

  it('matches every finding to its moved self: none resolved, none new', () => {
    const a = reportOf(s.runA);
    const b = reportOf(s.runB);
    const kinds = (r) => r.findings.map((f) => f.kind).sort();
    assert.deepEqual(kinds(a), ['await-in-loop', 'blocking-cpu', 'sync-io'], describeFindings(a));
    assert.deepEqual(kinds(b), kinds(a), describeFindings(b));
    // The sites did move: a match by line alone would find nothing.
    for (const mark of ['loop-await', 'sync-read', 'fib-start']) assert.equal(lineOf(s.b.file, mark), lineOf(s.a.file, mark) + 7);
    const out = join(s.b.dir, 'comparison.json');
    const r = cli(['compare', s.runA.jsonPath, s.runB.jsonPath, '--json', out], s.b.dir);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(c.resolved, [], r.stdout);
    assert.deepEqual(c.introduced, [], r.stdout);
    assert.equal(c.pairs.length, 3, r.stdout);
    for (const p of c.pairs) {
      assert.equal(p.before.kind, p.after.kind);
      assert.equal(p.matchedBy, 'site', `${p.after.kind} matched by ${p.matchedBy}`);
      if (p.after.kind !== 'blocking-cpu') assert.equal(p.after.location.line, p.before.location.line + 7, JSON.stringify(p));
    }
    assert.doesNotMatch(r.stdout, /^(resolved|new) /m);
    assert.match(r.stdout, /await-in-loop at src\/app\.js:\d+ \(was src\/app\.js:\d+\)/);
  });

  it('the extension\'s compare view shows the same match: three remaining, moved, none resolved or new', () => {
    const html = compareHtml(reportOf(s.runA), reportOf(s.runB), 'n0nce');
    assert.match(html, /Findings remaining \(3\)/);
    assert.doesNotMatch(html, /Findings resolved|New findings/);
    assert.equal((html.match(/\(was line \d+\)/g) ?? []).length, 3, html);
  });

});
