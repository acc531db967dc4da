import * as fs from 'node:fs';
import * as path from 'node:path';

/** Binary logs of the probes: float64 records each thread appends at its flushes (spans, request rows). */
const BINARY_LOG = /^\d+-\d+\.(spans|requests)$/;
/** A file's first store, in float64s (512 kB, touched only as far as it is filled). */
const FIRST_CAPACITY = 65536;
/**
 * A full store is replaced by one this many times larger: each growth copies what was read into
 * fresh pages, so fewer of them (×4: the copies add ~1/3 of the file's size) cost fewer faults
 * than doubling (~1×); the pages beyond what was read are never touched.
 */
const GROWTH = 4;

interface TailedFile {
  /** Bytes of the file read so far: whole float64s, the rest is read again next time. */
  offset: number;
  store: Float64Array;
  /** float64s in `store`. */
  length: number;
}

/**
 * Reads the probes' binary logs while the program runs (`poll`, on a timer), so that what is left
 * to read after the program's exit is what it wrote since the last poll, not its whole run. A
 * promise storm's spans file is ~12 MB: read at the end it cost ~35 ms, most of it the faults of
 * its fresh pages (~10 µs each on a small VM); read as it grows, that happens while the program
 * runs. The bytes go straight into the store the analysis gets (no copy but when the store
 * doubles, also while the program runs). A record the probe is still writing (or tore: a killed
 * process) is read as far as it goes and completed by the next read; `take` gives whole records.
 */
export class BinaryLogTail {
  private readonly files = new Map<string, TailedFile>();

  constructor(private readonly dir: string) {}

  /** Reads what every binary log in the directory gained since the last call. Never throws. */
  poll(): void {
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return; }
    for (const name of names) if (BINARY_LOG.test(name)) this.read(name);
  }

  /**
   * The whole records of `size` float64s in the file `name` of the directory, read to its end
   * now; empty if there is no such file. A view of the store: call it once per file, at the end.
   */
  take(name: string, size: number): Float64Array {
    this.read(name);
    const f = this.files.get(name);
    if (!f) return new Float64Array(0);
    return f.store.subarray(0, f.length - (f.length % size));
  }

  private read(name: string): void {
    let fd: number;
    try { fd = fs.openSync(path.join(this.dir, name), 'r'); } catch { return; }
    try {
      let f = this.files.get(name);
      const size = fs.fstatSync(fd).size;
      const want = Math.floor((size - (f?.offset ?? 0)) / 8);
      if (want <= 0) return;
      if (!f) this.files.set(name, f = { offset: 0, store: new Float64Array(Math.max(FIRST_CAPACITY, want)), length: 0 });
      if (f.length + want > f.store.length) {
        const grown = new Float64Array(Math.max(GROWTH * f.store.length, f.length + want));
        grown.set(f.store.subarray(0, f.length));
        f.store = grown;
      }
      const into = new Uint8Array(f.store.buffer, f.store.byteOffset + f.length * 8, want * 8);
      let got = 0;
      while (got < into.length) {
        const n = fs.readSync(fd, into, got, into.length - got, f.offset + got);
        if (n === 0) break;
        got += n;
      }
      const whole = got - (got % 8);
      f.length += whole / 8;
      f.offset += whole;
    } catch { /* gone or unreadable: what was read stays */ } finally {
      fs.closeSync(fd);
    }
  }
}
