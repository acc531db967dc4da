import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BinaryLogTail } from './binaryLogTail';

// The probes append float64 records to `<pid>-<tid>.spans` / `.requests` while the recorder reads
// them (BinaryLogTail.poll on a timer); what `take` gives at the end must be exactly the whole
// records written, however the writes and the reads interleaved.

const SIZE = 7;
const record = (i: number) => Array.from({ length: SIZE }, (_, k) => i * 10 + k + 0.5);
const bytesOf = (values: number[]) => Buffer.from(new Float64Array(values).buffer);

function runDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cl-tail-'));
}

test('records read as they are appended, in pieces that split records and float64s, come out whole and in order', () => {
  const dir = runDir();
  const file = path.join(dir, '12-0.spans');
  const tail = new BinaryLogTail(dir);
  const all = bytesOf(Array.from({ length: 30_000 }, (_, i) => record(i)).flat()); // 1.68 MB: the store grows twice
  // Appends of odd lengths (a write cut mid-float64 and mid-record), a poll after each.
  let at = 0;
  for (const step of [3, 50, 1, 7 * 8 * 1000 + 5, 99_991, 8, 400_003, 1_000_000]) {
    fs.appendFileSync(file, all.subarray(at, Math.min(all.length, at + step)));
    at = Math.min(all.length, at + step);
    tail.poll();
  }
  fs.appendFileSync(file, all.subarray(at));
  const got = tail.take('12-0.spans', SIZE);
  assert.equal(got.length, 30_000 * SIZE);
  assert.deepEqual(Buffer.from(got.buffer, got.byteOffset, got.byteLength), all);
  fs.rmSync(dir, { recursive: true });
});

test('a torn last record (a killed process) is left out; no file gives no records', () => {
  const dir = runDir();
  fs.writeFileSync(path.join(dir, '5-1.requests'), Buffer.concat([bytesOf([...record(1), ...record(2)]), bytesOf([1, 2, 3]), Buffer.from([1, 2, 3])]));
  fs.writeFileSync(path.join(dir, 'attach-5.json'), '{}');
  const tail = new BinaryLogTail(dir);
  tail.poll();
  assert.deepEqual([...tail.take('5-1.requests', SIZE)], [...record(1), ...record(2)]);
  assert.equal(tail.take('9-0.spans', SIZE).length, 0);
  fs.rmSync(dir, { recursive: true });
});

test('a directory that is gone: poll and take neither throw nor invent records', () => {
  const dir = runDir();
  const tail = new BinaryLogTail(dir);
  fs.writeFileSync(path.join(dir, '3-0.spans'), bytesOf(record(4)));
  tail.poll();
  fs.rmSync(dir, { recursive: true });
  tail.poll();
  assert.deepEqual([...tail.take('3-0.spans', SIZE)], record(4), 'what was read before stays');
});
