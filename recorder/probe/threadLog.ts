import * as fs from 'node:fs';

// Captured before the probe wraps fs.*Sync (its own writes are not the program's sync I/O).
const { openSync, writeSync } = fs;

/** Appends JSON lines to this thread's file in the run directory; never throws into the program. */
export class ThreadLog {
  private fd: number | null = null;

  constructor(private readonly file: string) {}

  write(record: object): void {
    try {
      if (this.fd === null) this.fd = openSync(this.file, 'a');
      writeSync(this.fd, JSON.stringify(record) + '\n');
    } catch { /* run directory removed: the recorder is gone */ }
  }
}
