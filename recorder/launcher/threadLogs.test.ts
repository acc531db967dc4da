import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readThreadLogs } from './threadLogs';
import { ThreadLog } from '../probe/threadLog';
import { HttpRequests } from '../probe/httpRequests';
import { REQUEST_FIELDS, REQ_SERVER, type ProbeRecord, type RawRequestsChunk } from '../../analyzer/raw';

// The probe writes HTTP request rows as float64s to a thread's `.requests` file and says in each
// chunk line how many it wrote (RawRequestsChunk.rowsInFile); the reader puts them back.

/** Serves `n` requests on `path` through the probe's recorder, with times 0.005 ms apart. */
function serve(rec: HttpRequests, n: number, route: string): void {
  for (let i = 0; i < n; i++) {
    const req = {};
    rec.served(req, 'GET', -1, route);
    rec.servedFinished(req, 200, false);
  }
}

const chunkLine = (requests: RawRequestsChunk | undefined): ProbeRecord => ({ t: 'chunk', at: 0, ticks: [], usage: {} as any, cpu: { user: 0, system: 0 }, final: false, requests });

function chunksOf(runDir: string): RawRequestsChunk[] {
  const [thread] = readThreadLogs(runDir);
  return thread.records.flatMap((r) => (r.t === 'chunk' && r.requests ? [r.requests] : []));
}

test('request rows written to the .requests file are read back into their own chunks, in ms', () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-threadlogs-'));
  try {
    const log = new ThreadLog(path.join(runDir, '100-0.jsonl'));
    const rec = new HttpRequests(100_000);
    const sent: number[][] = [];
    // 700 rows: past the buffer's first size (256), which grows twice.
    for (const [n, route] of [[3, '/a'], [0, ''], [700, '/b'], [2, '/c']] as const) {
      serve(rec, n, route);
      const chunk = rec.take((bytes) => { log.writeRequests(bytes); sent.push(Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)))); });
      if (n === 0) { assert.equal(chunk, undefined, 'nothing new: no chunk'); continue; }
      assert.equal(chunk!.rows.length, 0, 'no rows in the JSON line');
      assert.equal(chunk!.rowsInFile, n);
      assert.equal(chunk!.hundredths, undefined, 'file rows are in ms');
      log.write(chunkLine(chunk));
    }
    const chunks = chunksOf(runDir);
    assert.deepEqual(chunks.map((c) => c.rows.length / REQUEST_FIELDS), [3, 700, 2]);
    assert.deepEqual(chunks.map((c) => Array.from(c.rows)), sent, 'each chunk gets its own rows, as written');
    const names = chunks.flatMap((c) => c.names);
    for (const [i, route] of ['/a', '/b', '/c'].entries()) {
      const r = chunks[i].rows;
      for (let k = 0; k < r.length; k += REQUEST_FIELDS) {
        assert.equal(r[k], REQ_SERVER);
        assert.equal(names[r[k + 2]], route);
        assert.ok(r[k + 4] <= r[k + 5] && r[k + 5] <= r[k + 6], 't0 ≤ syncEnd ≤ t1');
      }
    }
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
});

test('a killed writer: a torn last row is dropped, a chunk keeps the rows there are, and rows no line claims are left out', () => {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-threadlogs-'));
  try {
    const file = path.join(runDir, '100-0.jsonl');
    const log = new ThreadLog(file);
    const rec = new HttpRequests(100_000);
    serve(rec, 4, '/a');
    log.write(chunkLine(rec.take((b) => log.writeRequests(b))));
    // Rows written, then killed before the chunk line that claims them: no names for them.
    serve(rec, 5, '/unclaimed');
    rec.take((b) => log.writeRequests(b));
    let chunks = chunksOf(runDir);
    assert.deepEqual(chunks.map((c) => c.rows.length), [4 * REQUEST_FIELDS]);

    // A line that claims more rows than the file has (its last row torn): whole rows only.
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    lines[0].requests.rowsInFile = 12;
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const requests = path.join(runDir, '100-0.requests');
    fs.truncateSync(requests, fs.statSync(requests).size - 8);
    chunks = chunksOf(runDir);
    assert.deepEqual(chunks.map((c) => c.rows.length), [8 * REQUEST_FIELDS], '9 rows in the file, the last one torn: 8 whole');
  } finally {
    fs.rmSync(runDir, { recursive: true, force: true });
  }
});
