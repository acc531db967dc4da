// Golden tests of the analyzer: raw recordings of the small real programs in analyzer/golden/programs/
// (captured with `CONCURRENCY_LENS_RAW=<file> node dist/cli.js profile <program>`, gzipped as the
// recorder wrote them), analyzed and compared with the expected report beside them. analyze() is
// pure, so the whole report is compared. After a deliberate change of the analyzer's output,
// `UPDATE_GOLDEN=1 node scripts/test.mjs analyzer/golden` rewrites the expected files: review the diff.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { analyze, analyzeHandedOver } from './analyze';
import type { RawRun } from './raw';
import type { FindingKind, LaneKind, Report } from './report';
import { FINDING_KINDS } from './findingKinds';

const dir = join(__dirname, 'golden');
const names = readdirSync(dir).filter((n) => n.endsWith('.raw.json.gz')).map((n) => n.slice(0, -'.raw.json.gz'.length)).sort();
const update = process.env.UPDATE_GOLDEN === '1';

/** What each recording is for: the finding kinds and lane kinds it must show (a guard on the golden files themselves). */
const PURPOSE: Record<string, { finds: FindingKind[]; lanes: LaneKind[]; notes?: RegExp[] }> = {
  'blocking-cpu': { finds: ['blocking-cpu'], lanes: ['main'] },
  'sync-io': { finds: ['sync-io'], lanes: ['main', 'process'] }, // execFileSync('sleep'): an external process lane
  'sequential-awaits': { finds: ['sequential-awaits'], lanes: ['main'] },
  'await-in-loop': { finds: ['await-in-loop'], lanes: ['main'] },
  'fake-concurrency': { finds: ['fake-concurrency'], lanes: ['main'] },
  'threadpool-saturation': { finds: ['threadpool-saturation'], lanes: ['main'] },
  'pool-oversubscribed': { finds: ['pool-oversubscribed'], lanes: ['main', 'worker'] },
  worker: { finds: [], lanes: ['main', 'worker'] },
  'child-process': { finds: [], lanes: ['main', 'process'] },
  clean: { finds: [], lanes: ['main'] },
  // execFileSync('sleep', …, { stdio: 'inherit' }): the main thread's profile paused (recorder/probe/handOver.ts).
  'hand-over': { finds: [], lanes: ['main', 'process'], notes: [/^pid \d+ \(node hand-over\.js\): not CPU-sampled for \d+ ms while it waited for a program it handed its terminal to \(child_process\.execFileSync with inherited stdio: `sleep 0\.3`\); its own CPU meanwhile: [\d.]+ ms$/] },
  // Recorded on Node 22: process.execve('/bin/sh', …) after a computation.
  execve: { finds: [], lanes: ['main', 'process'], notes: [/^pid \d+ \(node execve\.js\) replaced itself with `\/bin\/sh -c sleep 0\.2` \(process\.execve\) at \d+ ms: what that program did under the same pid is not recorded/] },
};

function readGolden(name: string): RawRun {
  return JSON.parse(gunzipSync(readFileSync(join(dir, `${name}.raw.json.gz`))).toString('utf8'));
}

function analyzeGolden(name: string): Report {
  return analyze(readGolden(name));
}

/** The recording as the CLI hands it over: each thread's spans a Float64Array (recorder/launcher/threadLogs.ts). */
function handedOverGolden(name: string): RawRun {
  const raw = readGolden(name);
  for (const t of raw.threads) if (t.spans) t.spans = new Float64Array(t.spans);
  return raw;
}

/** The report as JSON, as it is written to disk (undefined fields dropped). */
const asJson = (r: Report): unknown => JSON.parse(JSON.stringify(r));

describe('golden recordings', () => {
  it('cover every finding kind, a worker, a child process and a clean run', () => {
    assert.deepEqual(names, Object.keys(PURPOSE).sort());
    const covered = new Set(Object.values(PURPOSE).flatMap((p) => p.finds));
    assert.deepEqual(FINDING_KINDS.filter((k) => !covered.has(k)), [], 'a finding kind without a golden recording');
  });

  for (const name of names) {
    it(`${name}: analyze() gives the expected report`, () => {
      const report = analyzeGolden(name);
      const purpose = PURPOSE[name];
      const kinds = new Set(report.findings.map((f) => f.kind));
      for (const k of purpose.finds) assert.ok(kinds.has(k), `${name}: no ${k} finding (${[...kinds].join(', ') || 'none'})`);
      if (purpose.finds.length === 0) {
        assert.deepEqual(report.findings.filter((f) => f.severity !== 'info' && f.kind !== 'blocking-cpu'), [], `${name}: unexpected findings`);
      }
      assert.deepEqual([...new Set(report.lanes.map((l) => l.kind))].sort(), [...purpose.lanes].sort());
      for (const note of purpose.notes ?? []) assert.ok(report.warnings.some((w) => note.test(w)), `${name}: no note ${note}\n${report.warnings.join('\n')}`);
      const expectedFile = join(dir, `${name}.report.json`);
      if (update || !existsSync(expectedFile)) {
        assert.ok(update, `${expectedFile} missing: run with UPDATE_GOLDEN=1`);
        writeFileSync(expectedFile, JSON.stringify(report, null, 1) + '\n');
      }
      assert.deepEqual(asJson(report), JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }

  for (const name of names) {
    it(`${name}: analyzeHandedOver() gives analyze()'s report, and the recording it spent cannot be analyzed again`, () => {
      const raw = handedOverGolden(name);
      const probeClock = raw.threads.map((t) => Array.from(t.spans ?? []));
      assert.ok(probeClock.some((s) => s.length > 0), 'no thread with spans');
      assert.deepEqual(asJson(analyzeHandedOver(raw)), asJson(analyzeGolden(name)));
      // Converted where they were, not in a copy: the recording's buffers now hold report ms.
      raw.threads.forEach((t, i) => { if (probeClock[i].length > 0) assert.notDeepEqual(Array.from(t.spans!), probeClock[i]); });
      assert.throws(() => analyze(raw), /handed over to an earlier analysis/);
      assert.throws(() => analyzeHandedOver(raw), /handed over to an earlier analysis/);
    });
  }

  it('analyze() is deterministic and leaves the recording as it was: the same recording gives the same report twice', () => {
    const raw = handedOverGolden('sequential-awaits');
    const before = raw.threads.map((t) => Array.from(t.spans ?? []));
    assert.deepEqual(asJson(analyze(raw)), asJson(analyze(raw)));
    assert.deepEqual(raw.threads.map((t) => Array.from(t.spans ?? [])), before);
    assert.deepEqual(asJson(analyzeGolden('sequential-awaits')), asJson(analyzeGolden('sequential-awaits')));
  });
});
