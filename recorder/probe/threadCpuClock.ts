import * as fs from 'node:fs';
import { isMainThread } from './thread';
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
let source: 'schedstat' | 'process' | 'none' = procReadable() ? 'schedstat' : isMainThread ? 'process' : 'none';
let fd = -1;
const buffer = Buffer.alloc(64);

/** Time this thread has spent on a CPU, in ms (ns precision with schedstat), or -1 if unknown. Tells CPU work from a thread that was only waiting for a core. */
export function threadRunMs(): number {
  if (source === 'schedstat') {
    const ns = readSchedstat(1);
    if (ns >= 0) return ns / 1e6;
  }
  if (source === 'process') { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  return -1;
}

/**
 * Time this thread has wanted a CPU, in ms: on a CPU plus runnable and waiting for one (Linux's
 * schedstat only; -1 if unknown). Unlike the time on a CPU, its share of the wall time does not
 * depend on how crowded the machine is: a thread that computes without pause wants ~100 %.
 */
export function threadWantedMs(): number {
  if (source !== 'schedstat') return -1;
  const ns = readSchedstat(2);
  return ns >= 0 ? ns / 1e6 : -1;
}

/** The sum of the first `fields` numbers of /proc/thread-self/schedstat, in ns; -1 (and source 'none' from then on) if it cannot be read. */
function readSchedstat(fields: 1 | 2): number {
  try {
    if (fd < 0) fd = openSync('/proc/thread-self/schedstat', 'r');
    // "<ns on CPU> <ns waiting> <timeslices>\n"
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    let sum = 0, k = 0;
    for (let f = 0; f < fields; f++, k++) {
      let ns = 0;
      const from = k;
      for (; k < n; k++) { const c = buffer[k]; if (c < 48 || c > 57) break; ns = ns * 10 + (c - 48); }
      if (k === from) throw new Error('schedstat: no number');
      sum += ns;
    }
    return sum;
  } catch { /* fall through */ }
  source = 'none';
  closeThreadCpuClock();
  return -1;
}

/** Closes the schedstat file (the thread is exiting; a later reading reopens it). */
export function closeThreadCpuClock(): void {
  if (fd < 0) return;
  try { closeSync(fd); } catch { /* already closed */ }
  fd = -1;
}
