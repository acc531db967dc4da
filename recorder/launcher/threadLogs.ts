import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProbeRecord, RawThread } from '../../analyzer/raw';

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
    out.push({ pid: Number(m[1]), tid: Number(m[2]), records });
  }
  return out.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
}
