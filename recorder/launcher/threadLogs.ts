import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPAN, REQUEST_FIELDS, type ProbeRecord, type RawThread } from '../../analyzer/raw';
import { readExternalMap } from '../probe/externalSourceMap';

/** Reads every `<pid>-<tid>.jsonl` the probes wrote; a torn last line (killed process) is skipped. */
export function readThreadLogs(runDir: string): Omit<RawThread, 'profile'>[] {
  const out: Omit<RawThread, 'profile'>[] = [];
  const maps = new Map<string, unknown>();
  for (const name of fs.readdirSync(runDir)) {
    const m = /^(\d+)-(\d+)\.jsonl$/.exec(name);
    if (!m) continue;
    const records: ProbeRecord[] = [];
    for (const line of fs.readFileSync(path.join(runDir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try { records.push(JSON.parse(line)); } catch { /* torn write */ }
    }
    withExternalMaps(records, maps);
    const spans = readFloat64s(path.join(runDir, name.replace(/\.jsonl$/, '.spans')), SPAN.size);
    claimRequestRows(records, readFloat64s(path.join(runDir, name.replace(/\.jsonl$/, '.requests')), REQUEST_FIELDS));
    out.push({ pid: Number(m[1]), tid: Number(m[2]), records, spans });
  }
  return out.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
}

/**
 * Site tables that name a compiler's source map beside their file (instrumentFile.ts) get it
 * read here, once per map file for all threads, as the probe read it for its labels. A map gone
 * since leaves the table without one (the file's own positions).
 */
export function withExternalMaps(records: ProbeRecord[], maps: Map<string, unknown>): void {
  for (const r of records) {
    if (r.t !== 'table' || r.map !== undefined || typeof r.mapFile !== 'string') continue;
    if (!maps.has(r.mapFile)) maps.set(r.mapFile, readExternalMap(r.mapFile));
    r.map = maps.get(r.mapFile);
  }
}

/**
 * The whole records of `size` float64s in `file` (a killed process may have left a torn last
 * one); empty if there is no such file.
 */
function readFloat64s(file: string, size: number): Float64Array {
  let bytes: Buffer;
  try { bytes = fs.readFileSync(file); } catch { return new Float64Array(0); }
  const whole = Math.floor(bytes.length / (8 * size)) * 8 * size;
  // A view of the bytes read, not a copy (a copy of a 12 MB file cost ~45 ms here, most of it
  // the fresh pages' faults); a file's buffer is 8-aligned (its own, or Node's aligned pool).
  return bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, whole / 8)
    : new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
}

/**
 * Puts the request rows of a thread's `.requests` file back into its chunks, in order: each
 * chunk's `rowsInFile` (RawRequestsChunk). A chunk whose rows the file lacks (the process was
 * killed between the two writes) keeps the rows there are; rows no chunk line claims have no
 * names to go with: they are left out.
 */
function claimRequestRows(records: ProbeRecord[], rows: Float64Array): void {
  let at = 0;
  for (const r of records) {
    if (r.t !== 'chunk' || !r.requests?.rowsInFile) continue;
    const end = Math.min(rows.length, at + r.requests.rowsInFile * REQUEST_FIELDS);
    r.requests.rows = rows.subarray(at, end);
    at = end;
  }
}
