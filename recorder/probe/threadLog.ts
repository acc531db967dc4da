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
  private binaryFds = new Map<string, number>();

  constructor(private readonly file: string) {}

  writeSpans(bytes: Uint8Array): void {
    this.append('.spans', bytes);
  }

  /** HTTP request rows (float64s), to the `.requests` file: see RawRequestsChunk.rowsInFile. */
  writeRequests(bytes: Uint8Array): void {
    this.append('.requests', bytes);
  }

  /** Appends raw bytes to this thread's file with `suffix` in place of `.jsonl` (opened at the first write). */
  private append(suffix: '.spans' | '.requests', bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    try {
      let fd = this.binaryFds.get(suffix);
      if (fd === undefined) this.binaryFds.set(suffix, fd = openSync(this.file.replace(/\.jsonl$/, suffix), 'a'));
      writeSync(fd, bytes);
    } catch { /* run directory removed: the recorder is gone */ }
  }

  /** A record whose JSON text is `text` (one line: JSON.stringify's output has no newline). */
  writeText(text: string): void {
    try { this.line(text); } catch { /* run directory removed: the recorder is gone */ }
  }

  write(record: object): void {
    try { this.line(JSON.stringify(record)); } catch { /* run directory removed: the recorder is gone */ }
  }

  private line(text: string): void {
    if (this.fd === null) this.fd = openSync(this.file, 'a');
    writeSync(this.fd, text + '\n');
  }
}
