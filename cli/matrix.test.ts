// Unit tests of the matrix runner with a stand-in profiler (no programs run here; the samples
// test runs every sample under the real CLI).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverSamples, runMatrix, formatTable, lessonRatios, rowFor as rowOf, type SampleSpec } from './matrix';
import { runVerdict as verdictFor } from '../analyzer/verdict';
import type { Finding, Report } from '../analyzer/report';

const SAMPLES = path.resolve(__dirname, '..', 'samples');

/** A report with just the fields the matrix reads. */
function fakeReport(o: { wallMs?: number; cpuPercent?: number; parallelism?: number; concurrency?: number; p99?: number; findings?: Partial<Finding>[]; exitCode?: number | null } = {}): Report {
  return {
    schemaVersion: 1,
    program: { command: [], cwd: '/', exitCode: o.exitCode === undefined ? 0 : o.exitCode, signal: null, wallMs: o.wallMs ?? 1000, userCpuMs: 500, systemCpuMs: 50, cpuPercent: o.cpuPercent ?? 55, maxRssKb: 51200, startEpochMs: 0, stopReason: 'exit', cores: 2, nodeVersion: 'v20' },
    lanes: [{ id: 'm', kind: 'main', pid: 1, threadId: 0, label: 'main', startMs: 0, endMs: 1000, busyMs: 500 }],
    metrics: { eventLoopLagMs: { p50: 0, p99: o.p99 ?? 1, max: 2 }, eventLoopUtilization: 0.5, cpuParallelism: o.parallelism ?? 0.5, maxConcurrency: o.concurrency ?? 1, meanConcurrency: 1, maxParallelism: 1, threadpool: { size: 4, maxInFlight: 0, maxRunning: 0, maxQueued: 0, queuedMs: 0 } },
    findings: (o.findings ?? []).map((f, i) => ({ id: String(i), severity: 'warning', message: '', laneId: 'm', occurrences: 1, totalMs: 10, ...f }) as Finding),
    spans: {} as Report['spans'],
    warnings: [],
  };
}

describe('discoverSamples', () => {
  it('finds the sample programs, named group/variant, skipping lib/, walkthrough/ and tests', () => {
    const specs = discoverSamples(SAMPLES);
    const variants = specs.map((s) => s.variant);
    assert.ok(variants.includes('io/sequential') && variants.includes('cpu/promise-all'), variants.join(' '));
    assert.ok(!variants.some((v) => v.startsWith('lib/') || v.startsWith('walkthrough/') || v.includes('test')), variants.join(' '));
    assert.deepEqual(discoverSamples(SAMPLES, ['cpu/']).map((s) => s.group), Array(variants.filter((v) => v.startsWith('cpu/')).length).fill('cpu'));
    const bigger = specs.find((s) => s.variant === 'threadpool/bigger-pool');
    assert.equal(bigger?.env.UV_THREADPOOL_SIZE, '128');
  });
});

describe('runVerdict (analyzer/verdict.ts: the verdict column)', () => {
  it('names the shape of the run from its metrics', () => {
    assert.equal(verdictFor(fakeReport({ parallelism: 1.8 })), 'parallel');
    assert.equal(verdictFor(fakeReport({ concurrency: 20 })), 'concurrent');
    assert.equal(verdictFor(fakeReport()), 'sequential');
    assert.equal(verdictFor(fakeReport({ p99: 300 })), 'sequential + loop blocked');
    const blocking = { kind: 'blocking-cpu' as const, location: { file: '/x.js', line: 3, column: 1 } };
    assert.equal(verdictFor(fakeReport({ findings: [blocking] })), 'sequential + loop blocked');
    assert.equal(verdictFor(fakeReport({ findings: [{ ...blocking, laneId: 'worker-1' }] })), 'sequential', 'a blocked worker is not the loop');
  });
});

describe('runMatrix with a stand-in profiler', () => {
  it('prints one row per sample, the mismatches and the lessons, and says whether all matched', async () => {
    const out: string[] = [];
    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cl-matrix-')), 'matrix.json');
    const profile = async (spec: SampleSpec): Promise<Report> => {
      if (spec.variant === 'io/promise-all') return fakeReport({ wallMs: 400, concurrency: 20 });
      if (spec.variant === 'io/sequential') {
        // Right kind, wrong line: a mismatch.
        return fakeReport({ wallMs: 3200, findings: [{ kind: 'await-in-loop', location: { file: spec.file, line: spec.expects[0].line + 1, column: 1 } }] });
      }
      return fakeReport({ findings: spec.expects.map((e) => ({ kind: e.kind, location: { file: spec.file, line: e.line, column: 1 } })) });
    };
    const result = await runMatrix(SAMPLES, { filter: ['io/sequential', 'io/promise-all', 'cpu/sequential'], print: (t) => out.push(t), profile, json, plain: false });
    const text = out.join('\n');
    assert.equal(result.rows.length, 3);
    assert.equal(result.ok, false);
    assert.match(text, /^variant\s+wall\s+user\s+system\s+CPU %\s+peak RSS\s+lag p99\s+max conc\.\s+findings\s+verdict\s+header/m);
    assert.match(text, /io\/sequential\s+3\.20 s .*MISMATCH/);
    assert.match(text, /io\/promise-all\s+0\.40 s .*concurrent\s+ok/);
    assert.match(text, /missing: +await-in-loop @ 15/);
    assert.match(text, /unexpected: await-in-loop @ 01-sequential\.js:16/);
    assert.match(text, /I\/O: Promise\.all vs sequential\s+8\.00×/);
    assert.deepEqual(result.lessons.map((l) => l.name), ['I/O: Promise.all vs sequential']);
    assert.equal(JSON.parse(fs.readFileSync(json, 'utf8')).rows.length, 3);
  });

  it('compares plain-run wall times in the lessons when it has them, and shows them in a column', async () => {
    const out: string[] = [];
    const plainMs: Record<string, number> = { 'cpu/sequential': 2400, 'cpu/worker-pool': 1300 };
    const result = await runMatrix(SAMPLES, {
      filter: ['cpu/sequential', 'cpu/worker-pool'], print: (t) => out.push(t),
      profile: async (spec) => fakeReport({ wallMs: spec.variant === 'cpu/sequential' ? 2500 : 2000 }),
      timePlain: async (spec) => plainMs[spec.variant],
    });
    assert.match(out.join('\n'), /^variant\s+wall\s+plain wall\s+user/m);
    assert.match(out.join('\n'), /cpu\/worker-pool\s+2\.00 s\s+1\.30 s/);
    const lesson = result.lessons.find((l) => l.name === 'CPU: worker pool (= cores) vs sequential');
    assert.equal(lesson?.ratio?.toFixed(2), (2400 / 1300).toFixed(2));
  });

  it('keeps going when a sample cannot be profiled', async () => {
    const out: string[] = [];
    const result = await runMatrix(SAMPLES, { filter: ['fanout/'], print: (t) => out.push(t), profile: async () => { throw new Error('no such node'); }, plain: false });
    assert.equal(result.rows.length, 3);
    assert.ok(result.rows.every((r) => r.verdict === 'not profiled' && !r.matches));
    assert.match(out.join('\n'), /fanout\/promise-all: no such node/);
  });

  it('marks a sample that failed as a mismatch even if its findings match', async () => {
    const result = await runMatrix(SAMPLES, { filter: ['fanout/promise-all'], print: () => undefined, profile: async () => fakeReport({ exitCode: 1 }), plain: false });
    assert.equal(result.rows[0].matches, false);
    assert.equal(result.rows[0].error, 'exit code 1');
  });
});

describe('formatTable / lessonRatios', () => {
  it('writes a Markdown table with right-aligned numbers', () => {
    const spec = discoverSamples(SAMPLES, ['io/promise-all'])[0];
    const md = formatTable([{ ...rowOf(spec, fakeReport()) }], true).split('\n');
    assert.match(md[0], /^\| variant \| wall \|/);
    assert.match(md[1], /^\|---\|---:\|---:\|/);
    assert.match(md[2], /^\| io\/promise-all \| 1\.00 s \|/);
  });

  it('flags a lesson whose ratio is out of bounds', () => {
    const specs = discoverSamples(SAMPLES, ['cpu/sequential', 'cpu/promise-all']);
    const rows = specs.map((s) => rowOf(s, fakeReport({ wallMs: s.variant === 'cpu/sequential' ? 1500 : 500 })));
    const [lesson] = lessonRatios(rows);
    assert.equal(lesson.name, 'CPU: Promise.all vs sequential');
    assert.equal(lesson.ratio, 3);
    assert.equal(lesson.ok, false);
  });
});

