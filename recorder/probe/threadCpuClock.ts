import * as fs from 'node:fs';
import * as wt from 'node:worker_threads';
import { procReadable } from '../procFs';

// Captured before the probe wraps fs.*Sync: the probe's reads are not the program's sync I/O.
const { openSync, readSync, closeSync } = fs;

/**
 * Where this thread's CPU time comes from, decided once so that its readings stay comparable:
 * Linux's /proc/thread-self/schedstat; else, in a main thread, the whole process's CPU time
 * (process.cpuUsage(): an upper bound, it includes the other threads'); else unknown. A source
 * that fails midway gives unknown from then on. The recorder marks the estimates (THREAD_CPU_ESTIMATED).
 *
 * Read at every lag tick and task mark (up to ~1,000 times a second in a busy server), so the
 * schedstat file is opened once per thread (it names the thread that opened it) and re-read
 * in place with one pread(): reading it whole each time (open, fstat, read, close and a
 * string) cost ~15× more.
 */
let source: 'schedstat' | 'process' | 'none' = procReadable() ? 'schedstat' : wt.isMainThread ? 'process' : 'none';
let fd = -1;
const buffer = Buffer.alloc(64);

/** Time this thread has spent on a CPU, in ms (ns precision with schedstat), or -1 if unknown. Tells CPU work from a thread that was only waiting for a core. */
export function threadRunMs(): number {
  if (source === 'schedstat') {
    try {
      if (fd < 0) fd = openSync('/proc/thread-self/schedstat', 'r');
      // "<ns on CPU> <ns waiting> <timeslices>\n"
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      let ns = 0, k = 0;
      for (; k < n; k++) { const c = buffer[k]; if (c < 48 || c > 57) break; ns = ns * 10 + (c - 48); }
      if (k > 0) return ns / 1e6;
    } catch { /* fall through */ }
    source = 'none';
    closeThreadCpuClock();
  }
  if (source === 'process') { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  return -1;
}

/** Closes the schedstat file (the thread is exiting; a later reading reopens it). */
export function closeThreadCpuClock(): void {
  if (fd < 0) return;
  try { closeSync(fd); } catch { /* already closed */ }
  fd = -1;
}
