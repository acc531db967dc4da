import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPAN, type ProbeRecord, type RawThread } from '../../analyzer/raw';

/** Reads every `<pid>-<tid>.jsonl` the probes wrote; a torn last line (killed process) is skipped. */
export function readThreadLogs(runDir: string): Omit<RawThread, 'profile'>[] {
  const out: Omit<RawThread, 'profile'>[] = [];
  for (const name of fs.readdirSync(runDir)) {
    const m = /^(\d+)-(\d+)\.jsonl$/.exec(name);
    if (!m) continue;
    const records: ProbeRecord[] = [];
    for (const line of fs.readFileSync(path.join(runDir, name), 'utf8').split('\n')) {
      if (!line) continue;
      try { records.push(JSON.parse(line)); } catch { /* torn write */ }
    }
    let spans = new Float64Array(0);
    try {
      const bytes = fs.readFileSync(path.join(runDir, name.replace(/\.jsonl$/, '.spans')));
      // A killed process may have left a torn last span: keep whole ones.
      const whole = Math.floor(bytes.length / (8 * SPAN.size)) * 8 * SPAN.size;
      // A view of the bytes read, not a copy (a copy of a 12 MB file cost ~45 ms here, most of it
      // the fresh pages' faults); a file's buffer is 8-aligned (its own, or Node's aligned pool).
      spans = bytes.byteOffset % 8 === 0
        ? new Float64Array(bytes.buffer, bytes.byteOffset, whole / 8)
        : new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + whole));
    } catch { /* no spans */ }
    out.push({ pid: Number(m[1]), tid: Number(m[2]), records, spans });
  }
  return out.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
}
