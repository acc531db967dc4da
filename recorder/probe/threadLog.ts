import * as fs from 'node:fs';

// Captured before the probe wraps fs.*Sync (its own writes are not the program's sync I/O).
const { openSync, writeSync } = fs;

/**
 * Appends JSON lines to this thread's `.jsonl` file in the run directory, and raw spans and
 * HTTP request rows (float64s) to its `.spans` and `.requests` files: numbers by the hundred
 * thousand are not worth JSON. Never throws into the program.
 */
export class ThreadLog {
  private fd: number | null = null;
  private spansFd: number | null = null;
  private requestsFd: number | null = null;

  constructor(private readonly file: string) {}

  writeSpans(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    try {
      if (this.spansFd === null) this.spansFd = openSync(this.file.replace(/\.jsonl$/, '.spans'), 'a');
      writeSync(this.spansFd, bytes);
    } catch { /* run directory removed: the recorder is gone */ }
  }

  /** HTTP request rows (float64s), to the `.requests` file: see RawRequestsChunk.rowsInFile. */
  writeRequests(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    try {
      if (this.requestsFd === null) this.requestsFd = openSync(this.file.replace(/\.jsonl$/, '.requests'), 'a');
      writeSync(this.requestsFd, bytes);
    } catch { /* run directory removed: the recorder is gone */ }
  }

  write(record: object): void {
    try {
      if (this.fd === null) this.fd = openSync(this.file, 'a');
      writeSync(this.fd, JSON.stringify(record) + '\n');
    } catch { /* run directory removed: the recorder is gone */ }
  }
}
