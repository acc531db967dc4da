// A recorded run of samples/threadpool/02-bigger-pool.js on a slow 2-core machine
// (analyzer/fixtures/bigger-pool-startup.raw.json.gz, CONCURRENCY_LENS_RAW): with
// UV_THREADPOOL_SIZE=128, main()'s first fs.mkdir() created libuv's 128 threads on the main thread
// before the loop first turned, 20–37 ms in that one native call (beside a 4 MB Buffer.alloc). Its
// samples all in one function of Node's read as a loop calling into Node, so it was reported:
// "blocked the event loop 1× · 21.0 ms … in mkdir ← main" (4 runs of 4 there; the sample expects
// nothing, and CI failed on it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyze } from './analyze';
import type { RawRun } from './raw';

const raw = JSON.parse(gunzipSync(readFileSync(join(__dirname, 'fixtures', 'bigger-pool-startup.raw.json.gz'))).toString('utf8')) as RawRun;

describe("Node's own code before the loop first turned: libuv creating a 128-thread pool in the first fs call", () => {
  it('is a warm-up, not a blocked event loop (once, under 5× the threshold)', () => {
    const report = analyze(raw);
    assert.deepEqual(report.findings.filter((f) => f.kind === 'blocking-cpu').map((f) => f.message), []);
  });
  it('is still reported past 5× the threshold (a 4 ms threshold: the same stretch reads as blocked)', () => {
    const report = analyze(raw, { blockingThresholdMs: 4 });
    assert.ok(report.findings.some((f) => f.kind === 'blocking-cpu' && /mkdir ← main/.test(f.message)), report.findings.map((f) => f.message).join('\n'));
  });
});
