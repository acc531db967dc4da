// End to end: every finding kind of issue 2, on real programs run by the real CLI.
// Each fixture marks the lines a finding must point at with `// @mark:<name>`.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  CLI, profile, runOnce, fixture, lineOf, reportOf, findingsOf, findingAt, assertNoFindingAt, assertFindingShape, describeFindings, printed,
} from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

/**
 * A finding's estimatedSavingsMs (Σ waits − the longest wait, per call): more than `min` (what the
 * fixture's waits give at least) and at most (n − 1)/n of its Σ waits (totalMs), as the longest of
 * n waits is at least their mean. Timers fire late on a loaded machine, so the waits, and the
 * savings with them, have no fixed upper bound. n: the awaits per call (default: the finding's sites).
 */
function assertSavings(f, min, n = 1 + (f.related?.length ?? 0)) {
  assert.ok(f.estimatedSavingsMs > min && f.estimatedSavingsMs <= (f.totalMs * (n - 1)) / n + 1,
    `estimatedSavingsMs ${f.estimatedSavingsMs}: expected > ${min} and at most ${n - 1}/${n} of Σ waits ${f.totalMs}`);
}


describe('blocking-cpu: fib(33) in a timer callback', () => {
  const s = runOnce('blocking-cpu.js');
  it('passes the program output through and exits 0', () => {
    assert.match(s.run.stdout, /fib\(33\)=3524578 in \d+ ms/);
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  it('reports blocking-cpu on a line inside fib (the hot code, not the callback)', () => {
    const report = reportOf(s.run);
    const start = lineOf(s.file, 'fib-start');
    const end = lineOf(s.file, 'fib-end');
    const f = findingsOf(report, 'blocking-cpu').find((x) => x.location.file === s.file);
    assert.ok(f, `no blocking-cpu in ${s.file}; findings:\n  ${describeFindings(report)}`);
    assertFindingShape(report, f);
    assert.ok(f.location.line >= start && f.location.line <= end,
      `blocking-cpu at line ${f.location.line}, expected inside fib (${start}-${end}), ideally ${lineOf(s.file, 'fib-hot')}`);
    assert.equal(report.lanes.find((l) => l.id === f.laneId)?.kind, 'main');
    assert.ok(f.totalMs >= 20, `blocked ${f.totalMs} ms, fib(33) takes ~70 ms`);
  });
  it('measures the loop lag that the block caused', () => {
    const report = reportOf(s.run);
    assert.ok(report.metrics.eventLoopLagMs.max >= 20, `lag max ${report.metrics.eventLoopLagMs.max}`);
    assert.ok(report.metrics.eventLoopLagMs.p50 <= report.metrics.eventLoopLagMs.p99);
    assert.ok(report.metrics.eventLoopLagMs.p99 <= report.metrics.eventLoopLagMs.max);
  });
  it('reports no I/O findings for a program without I/O', () => {
    const report = reportOf(s.run);
    for (const kind of ['sync-io', 'sequential-awaits', 'await-in-loop', 'threadpool-saturation', 'pool-oversubscribed']) {
      assert.equal(findingsOf(report, kind).length, 0, `${kind}: ${describeFindings(report)}`);
    }
  });
  it('says no await of the program\'s was recorded, not "concurrency max 0" (which would read as "not concurrent")', () => {
    assert.match(s.run.stderr, /\nconcurrency: no await of your files was recorded \(a dependency's are with --include-node-modules\) · parallelism /);
  });
});

describe('blocking-cpu threshold is configurable', () => {
  const s = runOnce('blocking-cpu.js', ['--threshold', '5000']);
  it('does not flag a 70 ms block with --threshold 5000', () => {
    const report = reportOf(s.run);
    assert.equal(findingsOf(report, 'blocking-cpu').length, 0, describeFindings(report));
  });
});

describe('sync-io in an async function', () => {
  const s = runOnce('sync-io.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /saved 4194304 bytes/);
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  for (const mark of ['write', 'read', 'stat', 'gzip', 'exec']) {
    it(`flags the ${mark} call at its line`, () => {
      const report = reportOf(s.run);
      const f = findingAt(report, 'sync-io', s.file, lineOf(s.file, mark));
      assertFindingShape(report, f);
      assert.equal(f.occurrences, 1);
    });
  }
  it('does not flag the async fs.promises call', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'sync-io', s.file, [lineOf(s.file, 'async-unlink')]);
  });
});

describe('sequential-awaits on timers, and a dependent chain', () => {
  const s = runOnce('sequential-awaits.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /dashboard abc/);
    assert.match(s.run.stdout, /orders 2/);
    assert.match(s.run.stdout, /together ab/);
    assert.match(s.run.stdout, /cached 3/);
  });
  it('flags the independent awaits at the first one, with ≈ 200 ms savings', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'seq-first'));
    assertFindingShape(report, f);
    assert.equal(f.occurrences, 1);
    assert.equal(typeof f.estimatedSavingsMs, 'number');
    assertSavings(f, 120);
    assert.ok(f.totalMs >= 250, `totalMs ${f.totalMs}: three waits of ~100 ms`);
  });
  it('does not flag the dependent chain (getOrders(u.id) needs getUser())', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'sequential-awaits', s.file, [lineOf(s.file, 'dep-first'), lineOf(s.file, 'dep-second')]);
  });
  it('does not flag awaits whose operations were started together (the waits overlap)', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'sequential-awaits', s.file, [lineOf(s.file, 'overlap-first'), lineOf(s.file, 'overlap-second')]);
  });
  it('does not flag awaits that do not wait (no savings to be had)', () => {
    const report = reportOf(s.run);
    const lines = [lineOf(s.file, 'cached-first'), lineOf(s.file, 'cached-second')];
    const noisy = findingsOf(report, 'sequential-awaits')
      .filter((f) => f.location.file === s.file && lines.includes(f.location.line) && !(f.estimatedSavingsMs < 5));
    assert.equal(noisy.length, 0, `awaits of already-resolved values flagged: ${describeFindings(report)}`);
  });
  it('never flags sequential awaits inside getA/getB/getC (one await each)', () => {
    const report = reportOf(s.run);
    const bad = findingsOf(report, 'sequential-awaits').filter((f) => f.location.file === s.file && f.location.line < lineOf(s.file, 'seq-first') - 1);
    assert.equal(bad.length, 0, describeFindings(report));
  });
});

describe('sequential-awaits on a local HTTP server', () => {
  const s = runOnce('sequential-http.js');
  it('flags the three GETs at the first await with ≈ 200 ms savings', () => {
    assert.match(s.run.stdout, /fetched \/a \/b \/c/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'http-first'));
    assertSavings(f, 120);
  });
  it('counts the requests as async operations in flight', () => {
    const report = reportOf(s.run);
    assert.ok(report.metrics.maxConcurrency >= 1, `maxConcurrency ${report.metrics.maxConcurrency}`);
  });
});

describe('await-in-loop, and a dependent pagination loop', () => {
  const s = runOnce('await-loops.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /items 5/);
    assert.match(s.run.stdout, /pages 5/);
    assert.match(s.run.stdout, /total 15/);
  });
  it('flags the independent loop at the await line with iterations and savings', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'await-in-loop', s.file, lineOf(s.file, 'loop-await'));
    assertFindingShape(report, f);
    assert.equal(typeof f.estimatedSavingsMs, 'number', 'await-in-loop needs estimatedSavingsMs');
    // 5 iterations × ~30 ms: Σ − max ≈ 120 ms.
    assertSavings(f, 60, 5);
    assert.match(`${f.message} ${f.detail ?? ''}`, /5/, 'message or detail should give the observed iteration count (5)');
  });
  it('flags a counted for (let i …) loop fetching item i each round', () => {
    const report = reportOf(s.run);
    findingAt(report, 'await-in-loop', s.file, lineOf(s.file, 'index-await'));
  });
  it('does not flag a loop whose next await needs the previous result (running total)', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'await-in-loop', s.file, [lineOf(s.file, 'accumulate-await')]);
  });
  it('does not flag the pagination loop (cursor = page.next)', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'await-in-loop', s.file, [lineOf(s.file, 'page-await')]);
    assertNoFindingAt(report, 'sequential-awaits', s.file, [lineOf(s.file, 'page-await')]);
  });
  it('does not flag a loop that a sleep after each call paces on purpose (a rate limit)', () => {
    assert.match(s.run.stdout, /paced 8/);
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'await-in-loop', s.file, [lineOf(s.file, 'paced-await'), lineOf(s.file, 'paced-inline-await')]);
  });
  it('does not flag a pipeline of steps (each iteration calls its own function), or migrations run on one database', () => {
    assert.match(s.run.stdout, /pipeline 19\nmigrated 3/);
    assertNoFindingAt(reportOf(s.run), 'await-in-loop', s.file, [lineOf(s.file, 'pipeline-await'), lineOf(s.file, 'migration-await')]);
  });
  it('does not flag writes to one file handle or one path in turn (together they would interleave)', () => {
    assert.match(s.run.stdout, /written 800/);
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'await-in-loop', s.file, [lineOf(s.file, 'handle-write-await'), lineOf(s.file, 'path-append-await')]);
  });
});

describe('sequential-awaits: two awaits that take the next answer or chunk from one source', () => {
  const s = runOnce('ordered-sources.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /Ada from London\nanswer 0, answer 1, answer 2\nhead\+body\nrows 2\nservice db:\/\/x\nab/);
  });
  it('does not offer Promise.all for two prompts of one readline, or two reads of one reader', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'sequential-awaits', s.file, ['first-question', 'second-question', 'first-read', 'second-read'].map((m) => lineOf(s.file, m)));
  });
  it('does not offer Promise.all for two queries on one connection (it runs them in turn)', () => {
    assertNoFindingAt(reportOf(s.run), 'sequential-awaits', s.file, [lineOf(s.file, 'first-query'), lineOf(s.file, 'second-query')]);
  });
  it('does not offer Promise.all for this.config, then this.connectTo(this.config.url)', () => {
    assertNoFindingAt(reportOf(s.run), 'sequential-awaits', s.file, [lineOf(s.file, 'this-config')]);
  });
  it('does not offer running a loop of prompts together', () => {
    assertNoFindingAt(reportOf(s.run), 'await-in-loop', s.file, [lineOf(s.file, 'question-loop')]);
  });
  it('still flags the independent pair after them', () => {
    findingAt(reportOf(s.run), 'sequential-awaits', s.file, lineOf(s.file, 'independent'));
  });
});

describe('sequential-awaits: a write, then a read of what it wrote (an item created, then the list; a build, then its tests)', () => {
  const s = runOnce('state-changes.js');
  it('runs the program: each list has the item created before it', () => {
    assert.match(s.run.stdout, /201 1\n201 2\n\/health \/version\nbuilt one two/);
  });
  it('does not offer Promise.all for a POST and the GET after it', () => {
    assertNoFindingAt(reportOf(s.run), 'sequential-awaits', s.file, ['api-post', 'api-get', 'fetch-post', 'fetch-get'].map((m) => lineOf(s.file, m)));
  });
  it('does not offer Promise.all for a build command and the one that reads what it wrote', () => {
    assertNoFindingAt(reportOf(s.run), 'sequential-awaits', s.file, ['build', 'test'].map((m) => lineOf(s.file, m)));
  });
  it('still flags the two independent reads after them, and two commands that only read', () => {
    findingAt(reportOf(s.run), 'sequential-awaits', s.file, lineOf(s.file, 'independent'));
    findingAt(reportOf(s.run), 'sequential-awaits', s.file, lineOf(s.file, 'independent-commands'));
  });
});

describe('code written without semicolons (StandardJS): an await that begins its statement', () => {
  const s = runOnce('no-semicolons.js');
  it('runs as it runs plainly (the line before it is not called with the await\'s value)', () => {
    assert.equal(s.run.code, 0, s.run.stderr.slice(-1500));
    assert.match(s.run.stdout, /done 1 1 ab/);
  });
  it('is instrumented all the same: the pair is flagged', () => {
    findingAt(reportOf(s.run), 'sequential-awaits', s.file, lineOf(s.file, 'pair'));
  });
});

describe('concurrency: awaits that reject into a catch with no await after it are no longer in flight', () => {
  const s = runOnce('caught-rejections.js');
  it('counts one operation in flight at most (each caught rejection used to stay counted until the next)', () => {
    assert.match(s.run.stdout, /found 0/);
    assert.equal(reportOf(s.run).metrics.maxConcurrency, 1);
  });
});

describe('async functions compiled to ES5 state machines (tsc\'s __generator): what could not be recorded is said', () => {
  const s = runOnce('es5-state-machines.js');
  it('runs, names the file and says its awaits were not recorded, and claims no concurrency figure', () => {
    assert.match(s.run.stdout, /es5 sum 3/);
    const report = reportOf(s.run);
    assert.ok(report.warnings.some((w) => w.startsWith('the async functions of es5-state-machines.js were compiled to ES5 state machines')), report.warnings.join('\n'));
    assert.equal(findingsOf(report, 'sequential-awaits').length, 0, describeFindings(report));
    assert.match(s.run.stderr, /\nconcurrency: no await of your files was recorded/);
  });
});

describe('fake-concurrency: Promise.all over async functions that never yield', () => {
  const s = runOnce('fake-concurrency.js');
  it('flags the CPU-only Promise.all at its await line', () => {
    assert.match(s.run.stdout, /done true 3 true/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'fake-concurrency', s.file, lineOf(s.file, 'fake'));
    assertFindingShape(report, f);
  });
  it('flags Promise.race over the same CPU-only functions (both run to completion before the race settles)', () => {
    const report = reportOf(s.run);
    findingAt(report, 'fake-concurrency', s.file, lineOf(s.file, 'fake-race'));
  });
  it('does not flag the Promise.all over real timers', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'fake-concurrency', s.file, [lineOf(s.file, 'real')]);
  });
});

describe('fake-concurrency: p-limit over tasks that never wait (the work runs in microtasks after the operand)', () => {
  const s = runOnce('fake-concurrency-limit.mjs');
  it('flags the Promise.all over CPU-only tasks at its await line, though creating its promises was quick', () => {
    assert.match(s.run.stdout, /done 8 8/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'fake-concurrency', s.file, lineOf(s.file, 'limited-cpu'));
    assertFindingShape(report, f);
    assert.match(f.message, /^Promise\.all over work that never waits: /);
  });
  it('does not flag the Promise.all over tasks that wait on timers', () => {
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'fake-concurrency', s.file, [lineOf(s.file, 'limited-io')]);
  });
  it('counts no operation in flight for the CPU-only tasks: the timers are the most ever waiting', () => {
    const report = reportOf(s.run);
    assert.ok(report.metrics.maxConcurrency <= 4, `maxConcurrency ${report.metrics.maxConcurrency}: at most p-limit's 4 timers`);
  });
});

describe('threadpool-saturation: 64 pbkdf2 on the default pool of 4', () => {
  const s = runOnce('threadpool.js', [], { env: { UV_THREADPOOL_SIZE: undefined } });
  it('flags saturation at the pbkdf2 call', () => {
    assert.match(s.run.stdout, /64 pbkdf2 done/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'threadpool-saturation', s.file, lineOf(s.file, 'pbkdf2'));
    assertFindingShape(report, f);
  });
  it('measures the pool: size 4, 4 running, more in flight, work queued', () => {
    const report = reportOf(s.run);
    const tp = report.metrics.threadpool;
    assert.ok(tp, 'metrics.threadpool missing');
    assert.equal(tp.size, 4);
    assert.equal(tp.maxRunning, 4);
    assert.ok(tp.maxInFlight > 4, `maxInFlight ${tp.maxInFlight}: 64 requests were submitted at once`);
    assert.ok(tp.maxQueued >= 30, `maxQueued ${tp.maxQueued}: 64 calls on 4 threads`);
    assert.ok(tp.queuedMs > 0, `queuedMs ${tp.queuedMs}`);
  });
});

describe('crypto on the pool through a promisified pbkdf2: the CPU no profile samples', () => {
  const s = runOnce('pool-crypto-loop.js', [], { env: { UV_THREADPOOL_SIZE: undefined } });
  it('bounds the loop\'s saving by the pool\'s CPU on this machine\'s cores', () => {
    assert.match(s.run.stdout, /hashed 8 in turn and 8 at once, the same: true/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'await-in-loop', s.file, lineOf(s.file, 'loop'));
    assert.equal(f.savingsBound, 'cpu', f.message);
    assert.match(f.detail, /on libuv's thread pool \(crypto, zlib; 4 threads\)/);
    // Each hash is CPU on a pool thread: together, 8 of them take at least 8 / min(4 threads, cores) hashes' time.
    const parallel = Math.min(4, report.program.cores);
    assert.ok(f.estimatedSavingsMs <= f.totalMs * (1 - 0.9 / parallel), `saves ${f.estimatedSavingsMs} of ${f.totalMs} ms on ${report.program.cores} cores`);
  });
  it('locates the saturation at the promisified call, and says whether a larger pool would help', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'threadpool-saturation', s.file, lineOf(s.file, 'all'));
    assert.match(f.message, /most issued by hash\(\)/);
    if (report.program.cores <= 4) assert.match(f.detail, /crypto\/zlib work, which needs a core, and its 4 threads already match or outnumber this machine's \d cores/);
    else assert.match(f.detail, /Raise UV_THREADPOOL_SIZE/);
  });
});

describe('threadpool with UV_THREADPOOL_SIZE=64: no saturation', () => {
  const s = runOnce('threadpool.js', [], { env: { UV_THREADPOOL_SIZE: '64' } });
  it('reads the pool size from UV_THREADPOOL_SIZE and does not flag it', () => {
    assert.match(s.run.stdout, /64 pbkdf2 done .* pool 64/);
    const report = reportOf(s.run);
    assert.equal(report.metrics.threadpool.size, 64);
    assert.equal(findingsOf(report, 'threadpool-saturation').length, 0, describeFindings(report));
  });
});

describe('pool-oversubscribed: 6 CPU-busy workers on a smaller machine', () => {
  const s = runOnce('oversubscribed.js');
  it('flags it at the new Worker( line', (t) => {
    assert.match(s.run.stdout, /6 workers done/);
    const report = reportOf(s.run);
    if (report.program.cores >= 6) return t.skip(`machine has ${report.program.cores} cores`);
    const f = findingAt(report, 'pool-oversubscribed', s.file, lineOf(s.file, 'new-worker'));
    assertFindingShape(report, f);
  });
  it('records six worker lanes with CPU time', () => {
    const report = reportOf(s.run);
    const workers = report.lanes.filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 6, JSON.stringify(report.lanes.map((l) => [l.id, l.kind, l.busyMs])));
    for (const w of workers) assert.ok(w.busyMs > 50, `worker ${w.id} busyMs ${w.busyMs}`);
    // CPU time of all threads over wall (how much of it the machine gives us depends on its load): consistent
    // with the process's own user+system time, and above what the main thread alone used.
    const p = report.program;
    const cpu = (p.userCpuMs + p.systemCpuMs) / p.wallMs;
    assert.ok(Math.abs(report.metrics.cpuParallelism - cpu) <= Math.max(0.1, cpu * 0.2), `cpuParallelism ${report.metrics.cpuParallelism} vs (user+sys)/wall ${cpu.toFixed(2)}`);
    const main = report.lanes.find((l) => l.kind === 'main');
    assert.ok(report.metrics.cpuParallelism * p.wallMs > main.busyMs * 2, `CPU ${(report.metrics.cpuParallelism * p.wallMs).toFixed(0)} ms should be mostly the workers', main busy ${main.busyMs}`);
    // The most threads on CPU at once is at least the average (CPU time over wall) and at most the
    // cores. How far above the average it gets depends on the machine's load: with other programs
    // using the cores, the OS may rarely run two of these threads at the same moment.
    assert.ok(report.metrics.maxParallelism >= cpu * 0.8 && report.metrics.maxParallelism <= p.cores + 0.05,
      `maxParallelism ${report.metrics.maxParallelism}: average ${cpu.toFixed(2)} threads on CPU, ${p.cores} cores`);
  });
  it('counts busy time as CPU time, not the wall time of a runnable thread', () => {
    // Six threads share two cores: together they cannot have been on CPU for more than cores × wall,
    // nor (much) longer than the CPU time the OS charged the process.
    const report = reportOf(s.run);
    const busy = report.lanes.reduce((n, l) => n + l.busyMs, 0);
    const p = report.program;
    assert.ok(busy <= p.cores * p.wallMs, `Σ busyMs ${busy.toFixed(0)} > ${p.cores} cores × wall ${p.wallMs} ms`);
    assert.ok(busy <= (p.userCpuMs + p.systemCpuMs) * 1.25 + 50, `Σ busyMs ${busy.toFixed(0)} vs user+system CPU ${(p.userCpuMs + p.systemCpuMs).toFixed(0)} ms`);
  });
});

describe('TypeScript: locations are lines of the .ts source', () => {
  const s = runOnce('sequential.ts');
  it('runs the .ts program', () => {
    assert.match(s.run.stdout, /ts totals 6 1/);
    assert.equal(s.run.code, 0, s.run.stderr);
  });
  it('flags sequential-awaits at the .ts line of the first await', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'ts-first'));
    assertSavings(f, 120);
  });
  it('never points at a transpiled file', () => {
    const report = reportOf(s.run);
    for (const f of report.findings) assert.doesNotMatch(f.location.file, /\.js$/, `finding in transpiled output: ${f.location.file}`);
  });
});

describe('ES module with top-level await', () => {
  const s = runOnce('sequential.mjs');
  it('flags sequential-awaits at the .mjs line', () => {
    assert.match(s.run.stdout, /esm total 6/);
    const report = reportOf(s.run);
    findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'esm-first'));
  });
});

describe('TypeScript: CPU samples and sync I/O map to .ts lines', () => {
  const s = runOnce('cpu-and-io.ts');
  it('runs the .ts program', () => {
    assert.match(s.run.stdout, /ts result 3524578/);
  });
  it('blocking-cpu is on a .ts line inside fib', () => {
    const report = reportOf(s.run);
    const f = findingsOf(report, 'blocking-cpu').find((x) => x.location.file === s.file);
    assert.ok(f, `no blocking-cpu in ${s.file}; findings:\n  ${describeFindings(report)}`);
    const start = lineOf(s.file, 'ts-fib-start');
    const end = lineOf(s.file, 'ts-fib-end');
    assert.ok(f.location.line >= start && f.location.line <= end, `blocking-cpu at .ts line ${f.location.line}, fib is ${start}-${end}`);
  });
  it('sync-io is on the .ts line of writeFileSync', () => {
    const report = reportOf(s.run);
    findingAt(report, 'sync-io', s.file, lineOf(s.file, 'ts-write'));
  });
});

describe('work done inside a dependency is located at the user-code call', () => {
  const s = runOnce('library-calls.js');
  it('blocking-cpu points at the user line that called the CPU-heavy library function', () => {
    assert.match(s.run.stdout, /library done true true true/);
    const report = reportOf(s.run);
    const f = findingAt(report, 'blocking-cpu', s.file, lineOf(s.file, 'lib-crunch'));
    assert.ok(f.totalMs >= 20, `totalMs ${f.totalMs}`);
  });
  it('no finding is located inside node_modules', () => {
    const report = reportOf(s.run);
    for (const f of report.findings) assert.doesNotMatch(f.location.file, /node_modules/, `finding located in a dependency: ${describeFindings(report)}`);
  });
  it('sync I/O made by the library is reported at the user call into it', () => {
    const report = reportOf(s.run);
    assert.match(findingAt(report, 'sync-io', s.file, lineOf(s.file, 'lib-read')).message, /did sync file I\/O \(readFileSync ×1\)/);
  });
  it("counts a lazily loaded fs function (fs.opendirSync, wrapped only when first read) like the others", () => {
    const report = reportOf(s.run);
    assert.match(findingAt(report, 'sync-io', s.file, lineOf(s.file, 'lib-dir')).message, /did sync file I\/O \(opendirSync ×1\)/);
  });
});

describe('awaits ordered through the file system', () => {
  const s = runOnce('fs-ordering.js');
  it('does not flag write → read → unlink of the same file', () => {
    assert.match(s.run.stdout, /round trip 25165824/);
    const report = reportOf(s.run);
    assertNoFindingAt(report, 'sequential-awaits', s.file,
      [lineOf(s.file, 'order-write'), lineOf(s.file, 'order-read'), lineOf(s.file, 'order-unlink')]);
  });
  it('flags two reads of unrelated files', () => {
    assert.match(s.run.stdout, /both 50331648/);
    const report = reportOf(s.run);
    findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'both-first'));
  });
});

describe('concurrency metric: ten timer waits at once', () => {
  const s = runOnce('concurrent.js');
  it('maxConcurrency is 10: all counted, none twice', () => {
    assert.match(s.run.stdout, /items 10/);
    const report = reportOf(s.run);
    const m = report.metrics;
    assert.ok(m.maxConcurrency >= 10 && m.maxConcurrency <= 11, `maxConcurrency ${m.maxConcurrency}: 10 sleeps in flight`);
    assert.ok(m.meanConcurrency > 0 && m.meanConcurrency < m.maxConcurrency, `meanConcurrency ${m.meanConcurrency}`);
    for (const kind of ['sequential-awaits', 'await-in-loop', 'fake-concurrency']) {
      assert.equal(findingsOf(report, kind).length, 0, `${kind} on a program that is already concurrent: ${describeFindings(report)}`);
    }
  });
});

describe('concurrency metric: WebSocket messages, each a task of its own, each handler waiting 5 ms', () => {
  const s = runOnce('socket-messages.js');
  it('counts every handler\'s wait: none is taken for a wait on the next message\'s handler', () => {
    // Before, each handler's wait demoted the one before it as a wrapper of user work (no task
    // mark or resumed wait between them): "max 3 · mean 0.14" for waits filling 0.85 of the run.
    const maxWaiting = Number(printed(s.run.stdout, 'MAX_WAITING'));
    const waitMs = Number(printed(s.run.stdout, 'WAIT_MS'));
    assert.ok(maxWaiting >= 2 && waitMs > 0, s.run.stdout);
    const report = reportOf(s.run);
    const m = report.metrics;
    assert.ok(m.maxConcurrency >= maxWaiting && m.maxConcurrency <= 11, `maxConcurrency ${m.maxConcurrency}: the fixture had ${maxWaiting} waits pending at once`);
    const ratio = (m.meanConcurrency * report.program.wallMs) / waitMs;
    assert.ok(ratio > 0.7 && ratio < 1.3, `meanConcurrency ${m.meanConcurrency} over ${report.program.wallMs} ms: ${ratio.toFixed(2)} of the ${waitMs} ms the handlers waited`);
  });
});

describe('concurrency metric: Promise.all over promises made before it', () => {
  const prebuilt = runOnce('concurrent-gathered.js', ['prebuilt']);
  const files = runOnce('concurrent-gathered.js', ['files']);
  const settled = runOnce('concurrent-gathered.js', ['settled']);
  it('counts ten calls of an async function, made first and then gathered, as 10, not 20', () => {
    // Their awaits are counted; the gathered promises were counted again (20).
    assert.match(prebuilt.run.stdout, /items 10/);
    const m = reportOf(prebuilt.run).metrics;
    assert.ok(m.maxConcurrency >= 10 && m.maxConcurrency <= 11, `maxConcurrency ${m.maxConcurrency}: 10 sleeps in flight`);
  });
  it('counts 400 file reads gathered as 400 in flight, not 1', () => {
    // A batch above 256 elements was not tracked: only the combinator's own await counted (1).
    assert.match(files.run.stdout, /read 400/);
    const m = reportOf(files.run).metrics;
    assert.ok(m.maxConcurrency >= 390 && m.maxConcurrency <= 401, `maxConcurrency ${m.maxConcurrency}: 400 reads in flight`);
    assert.ok(m.meanConcurrency > 1 && m.meanConcurrency < m.maxConcurrency, `meanConcurrency ${m.meanConcurrency}`);
  });
  it('does not count 100 promises that were settled as they were made (async functions that await nothing)', () => {
    assert.match(settled.run.stdout, /sums 100/);
    const m = reportOf(settled.run).metrics;
    assert.ok(m.maxConcurrency <= 1, `maxConcurrency ${m.maxConcurrency}: only the timer ever waited`);
  });
});

describe('concurrency metric: 16 workers over fs.promises, each operation done within a lag tick', () => {
  const s = runOnce('fs-workers.js');
  it('meanConcurrency × wall is the time the workers\' awaits were pending (none taken for a wait on user code)', () => {
    const waitMs = Number(printed(s.run.stdout, 'WAIT_MS'));
    assert.ok(waitMs > 0, s.run.stdout);
    const report = reportOf(s.run);
    const m = report.metrics;
    assert.ok(m.maxConcurrency >= 16 && m.maxConcurrency <= 17, `maxConcurrency ${m.maxConcurrency}: 16 workers`);
    // The probe times the same awaits the fixture does (every one: 16 calls of one function).
    const ratio = (m.meanConcurrency * report.program.wallMs) / waitMs;
    assert.ok(ratio > 0.7 && ratio < 1.3, `meanConcurrency ${m.meanConcurrency} over ${report.program.wallMs} ms: ${ratio.toFixed(2)} of the ${waitMs} ms the awaits were pending`);
  });
});

describe('many short tasks below the threshold', () => {
  const s = runOnce('short-tasks.js');
  it('reports no blocking-cpu', () => {
    assert.match(s.run.stdout, /short tasks done/);
    const report = reportOf(s.run);
    assert.equal(findingsOf(report, 'blocking-cpu').length, 0, describeFindings(report));
  });
});

describe('TypeScript project: an entry importing ./lib/profile (no extension)', () => {
  const s = runOnce('ts-project/main.ts');
  it('runs and locates the finding in the imported .ts file', () => {
    assert.match(s.run.stdout, /profile 7 1/);
    assert.equal(s.run.code, 0, s.run.stderr);
    const report = reportOf(s.run);
    const lib = fixture('ts-project/lib/profile.ts');
    const f = findingAt(report, 'sequential-awaits', lib, lineOf(lib, 'tsp-first'));
    assertSavings(f, 120);
  });
});

describe('TypeScript ES module (.mts)', () => {
  const s = runOnce('sequential.mts');
  it('runs and flags sequential-awaits at the .mts line', () => {
    assert.match(s.run.stdout, /mts total 6/);
    const report = reportOf(s.run);
    findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'mts-first'));
  });
});

describe('TypeScript in a "type": "module" package', () => {
  const s = runOnce('esm-pkg/main.ts');
  it('runs and flags sequential-awaits in the imported .ts', () => {
    assert.match(s.run.stdout, /esm-pkg sum 3/, s.run.stderr.slice(-1500));
    const report = reportOf(s.run);
    const lib = fixture('esm-pkg/fetch.ts');
    findingAt(report, 'sequential-awaits', lib, lineOf(lib, 'pkg-first'));
  });
});

describe('findings aggregate per site', () => {
  const s = runOnce('aggregates.js');
  it('runs the program', () => {
    assert.match(s.run.stdout, /aggregates 6 true 3/);
  });
  it('sequential awaits run twice: one finding, 2 occurrences, savings summed over both calls', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'agg-seq'));
    assert.equal(f.occurrences, 2);
    // Each call: Σ waits − max ≈ 80 ms; summed over two calls ≈ 160 ms.
    assertSavings(f, 100);
    assert.equal(findingsOf(report, 'sequential-awaits').filter((x) => x.location.line === f.location.line).length, 1, 'one finding per site');
  });
  it('one readFileSync site called ten times: one sync-io finding with 10 occurrences', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'sync-io', s.file, lineOf(s.file, 'agg-read'));
    assert.equal(f.occurrences, 10);
  });
  it('three blocks on the same line: one blocking-cpu finding with 3 occurrences', () => {
    const report = reportOf(s.run);
    // A line inside fib (ideally the body line agg-fib; V8 also charges recursive calls' entry to the header line).
    const inFib = findingsOf(report, 'blocking-cpu').filter((x) => x.location.file === s.file
      && x.location.line >= lineOf(s.file, 'agg-fib-start') && x.location.line <= lineOf(s.file, 'agg-fib-end'));
    assert.equal(inFib.length, 1, `expected one blocking-cpu finding inside fib: ${describeFindings(report)}`);
    const f = inFib[0];
    assert.equal(f.occurrences, 3, describeFindings(report));
    assert.ok(f.totalMs >= 60, `totalMs ${f.totalMs}: three blocks of ~70 ms`);
  });
});

describe('pool-oversubscribed: 5 CPU-busy child processes', () => {
  const s = runOnce('oversubscribed-procs.js');
  it('flags it at the fork( line', (t) => {
    assert.match(s.run.stdout, /5 processes done/);
    const report = reportOf(s.run);
    if (report.program.cores >= 5) return t.skip(`machine has ${report.program.cores} cores`);
    findingAt(report, 'pool-oversubscribed', s.file, lineOf(s.file, 'fork'));
    assert.equal(report.lanes.filter((l) => l.kind === 'process').length, 5);
  });
});

describe('indirect dependencies between awaits', () => {
  const s = runOnce('dependencies.js');
  const pairs = [['derived-first', 'derived-second'], ['destructured-first', 'destructured-second'],
    ['closure-first', 'closure-second'], ['state-first', 'state-second']];
  it('runs the program', () => assert.match(s.run.stdout, /dependencies 1,1,1,1/));
  it('flags the control: getOrders(7) does not need getUser()', () => {
    findingAt(reportOf(s.run), 'sequential-awaits', s.file, lineOf(s.file, 'control-first'));
  });
  for (const [a, b] of pairs) {
    it(`does not flag ${a.replace('-first', '')} (the second await needs the first)`, () => {
      const report = reportOf(s.run);
      assertNoFindingAt(report, 'sequential-awaits', s.file, [lineOf(s.file, a), lineOf(s.file, b)]);
    });
  }
  it('flags four independent awaits in one array literal', () => {
    const report = reportOf(s.run);
    const f = findingAt(report, 'sequential-awaits', s.file, lineOf(s.file, 'array-awaits'));
    assert.ok(f.estimatedSavingsMs > 200, `estimatedSavingsMs ${f.estimatedSavingsMs}: four waits of ~120 ms`);
  });
});

describe('`for await` loops', () => {
  const s = runOnce('for-await.mjs');
  it('record each wait for the iterator\'s next result at the loop\'s line; a loop over an array is named in a note', () => {
    const report = reportOf(s.run);
    assert.equal(report.program.exitCode, 0);
    assert.equal(printed(s.run.stdout, 'SUM'), '10');
    assert.equal(printed(s.run.stdout, 'PRODUCT'), '6');
    const lines = Number(printed(s.run.stdout, 'LINES'));
    assert.ok(lines > 10, s.run.stdout);
    const at = (mark) => report.sites.find((x) => x.location.file === s.file && x.location.line === lineOf(s.file, mark) && x.label.startsWith('for await'));
    // Each line, and the wait that found the end.
    assert.equal(at('lines')?.count, lines + 1, JSON.stringify(report.sites));
    assert.equal(at('ticks')?.count, 6);
    assert.ok(at('ticks').totalMs >= 5 * 2 * 0.9, `the generator's waits: ${at('ticks').totalMs} ms`);
    assert.equal(at('array'), undefined);
    const notes = report.warnings.filter((w) => w.startsWith('`for await` loops'));
    assert.deepEqual(notes.map((n) => n.includes(`(for-await.mjs:${lineOf(s.file, 'array')})`)), [true], report.warnings.join('\n'));
  });
});
