import * as fs from 'node:fs';
import { isNumberColumn } from '../analyzer/numberColumn';

/** Array elements serialized at once: a slice of numbers is ~40 kB of text, well under V8's large-object size. */
const SLICE = 4096;
/**
 * A document with this many numbers in arrays of numbers or more (numbersInArrays) has them
 * written digit by digit (FileWriter.numbers); a smaller one by JSON.stringify, a slice at a time.
 * The digit writer is ~3× faster than JSON.stringify's shortest-form search once V8 has optimized
 * it, but the CLI runs it cold, once per run: until then it runs in V8's interpreter (a heap
 * number allocated for each double read or computed), ~15–20 ms for the first ~60k numbers on a
 * small VM. JSON.stringify is native code, as fast on its first call (~170 ns a number there).
 * First writes in fresh processes (bench/jsonWrite.mjs, 6 each): an HTTP fan-out's report (65k
 * numbers) 27 ms digit by digit, 11 ms by JSON.stringify; fs churn's (170k) 23 and 28 ms; a
 * 20M-promise storm's (1.6M) 72 and 140 ms. Only the speed depends on it: the text is the same.
 */
export const DIGITS_FROM = 1 << 17;
/** Bytes gathered before they are written out. */
const FLUSH_BYTES = 1 << 16;

/**
 * Writes `value` to `file` as JSON: the same text as `JSON.stringify(value)`, made and written a
 * piece at a time. A report's span arrays hold millions of numbers: as one string (8 MB for a
 * 20M-promise run) and its UTF-8 copy, the text took fresh memory pages whose faults cost more
 * than the serializing (stringify + write 215 ms there); in pieces of at most ~64 kB the same
 * memory is reused. Objects and arrays are walked (with JSON.stringify's rules: toJSON, keys
 * whose value is undefined, a function or a symbol left out, such array elements as null);
 * slices of arrays of primitives, records (plain objects in arrays: isRecord) and every primitive
 * go to JSON.stringify itself; a typed column of the report (analyzer/numberColumn.ts) is written
 * as its toJSON's array would be, without making that array. `numbersBy` chooses how arrays of numbers are written (tests,
 * bench/jsonWrite.mjs); by default the document's size does (DIGITS_FROM). Choosing reads the
 * document's objects outside records once more (a getter there runs twice).
 */
export function writeJsonFile(file: string, value: unknown, numbersBy?: 'digits' | 'stringify'): void {
  const fd = fs.openSync(file, 'w');
  try {
    const top = resolved(value, '');
    if (hasNoJson(top)) throw new TypeError('nothing to write: the value has no JSON form');
    const out = new FileWriter(fd, numbersBy ? numbersBy === 'digits' : numbersInArrays(top) >= DIGITS_FROM);
    emit(top, out);
    out.flush();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Text to a file: each piece encoded at once into one reused buffer, written out once it holds
 * FLUSH_BYTES (before: pieces gathered into a 64 kB string, then copied into a fresh Buffer for
 * each write). An 8 MB report (a 20M-promise run): 97 → 91 ms.
 */
class FileWriter {
  private buffer = Buffer.allocUnsafeSlow(2 * FLUSH_BYTES);
  private length = 0;

  /** @param digits whether arrays of numbers are written digit by digit (see DIGITS_FROM), else by JSON.stringify. */
  constructor(private readonly fd: number, readonly digits: boolean) {}

  put(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the exact length is measured only when that bound does not fit.
    if (this.length + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        const needed = Buffer.byteLength(text, 'utf8');
        if (needed > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(needed);
      }
    }
    this.length += this.buffer.write(text, this.length, 'utf8');
    if (this.length >= FLUSH_BYTES) this.flush();
  }

  /**
   * Puts value[from, to), numbers only, as JSON.stringify writes them, commas between. Integers
   * and exact thousandths (a report's times: round(x, 3)) are written digit by digit into the
   * buffer; any other number goes through JSON.stringify. A 20M-promise report's 1.6M numbers
   * (680k of them times) took ~100 ms as JSON.stringify'd slices (its shortest-form search for
   * every non-integer), about a third of that this way.
   */
  numbers(value: ArrayLike<number>, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      // A number is at most 24 bytes of JSON ("-1.2345678901234567e-100"), its comma one more.
      if (this.length + 25 > this.buffer.length) this.flush();
      if (i > from) this.buffer[this.length++] = 0x2c; // ,
      const at = writeExactNumber(this.buffer, this.length, value[i]);
      if (at >= 0) this.length = at;
      else this.length += this.buffer.write(JSON.stringify(value[i]), this.length, 'latin1');
    }
    if (this.length >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    for (let done = 0; done < this.length;) done += fs.writeSync(this.fd, this.buffer, done, this.length - done);
    this.length = 0;
  }
}

/** Digits, least significant first, of the number being written (writeExactNumber). */
const digits = new Uint8Array(16);

/**
 * Writes `x` at `at` in `out` as JSON.stringify does, if `x` is an integer or a number of
 * thousandths (x = d / 1000 for an integer d) of at most 15 significant digits, and returns
 * where it ended; else writes nothing and returns -1. Such a number's JSON is its decimal form
 * with the fraction's trailing zeros cut: any two decimals of at most 15 significant digits are
 * different doubles (DBL_DIG), so no shorter decimal reads back as x, and numbers from 0.001 to
 * 1e15 are written without an exponent.
 */
function writeExactNumber(out: Buffer, at: number, x: number): number {
  let whole: number, fraction: number;
  if ((x | 0) === x) { // a 32-bit integer (a lane, a site, a count): no division
    if (x < 0) { out[at++] = 0x2d; whole = -x; } else whole = x; // -0 | 0 is 0: written as 0, as JSON.stringify does
    fraction = 0;
  } else {
    let d = Math.round(x * 1000);
    if (d / 1000 !== x || !(Math.abs(d) < 1e15)) return -1;
    if (d < 0) { out[at++] = 0x2d; d = -d; }
    whole = Math.floor(d / 1000);
    fraction = d - whole * 1000;
  }
  let n = 0;
  do { const q = Math.floor(whole / 10); digits[n++] = whole - q * 10; whole = q; } while (whole > 0);
  while (n > 0) out[at++] = 0x30 + digits[--n];
  if (fraction !== 0) {
    out[at++] = 0x2e; // .
    const tenths = Math.floor(fraction / 100), rest = fraction - tenths * 100;
    out[at++] = 0x30 + tenths;
    if (rest !== 0) {
      const hundredths = Math.floor(rest / 10), thousandths = rest - hundredths * 10;
      out[at++] = 0x30 + hundredths;
      if (thousandths !== 0) out[at++] = 0x30 + thousandths;
    }
  }
  return at;
}

/** `value` as JSON.stringify sees it in its holder under `key`: after its toJSON, if it has one. */
function resolved(value: unknown, key: string): unknown {
  // A report's typed column: its toJSON makes the array of its numbers, which emit writes from the column itself.
  if (isNumberColumn(value)) return value;
  const hasToJson = value !== null && (typeof value === 'object' || typeof value === 'bigint')
    && typeof (value as { toJSON?: unknown }).toJSON === 'function';
  return hasToJson ? (value as { toJSON(key: string): unknown }).toJSON(key) : value;
}

/** Whether JSON.stringify leaves a (resolved) value out of an object, and writes it as null in an array. */
const hasNoJson = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The objects and arrays being written, outermost first: a cycle is an error, as in JSON.stringify. */
const ancestors = new Set<object>();

/** Puts the JSON of a resolved value that has one. */
function emit(value: unknown, out: FileWriter): void {
  if (isNumberColumn(value)) { emitColumn(value, out); return; }
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)
    || value instanceof Number || value instanceof String || value instanceof Boolean) {
    out.put(JSON.stringify(value));
    return;
  }
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  try { emitContainer(value, out); } finally { ancestors.delete(value); }
}

/** A typed column (analyzer/numberColumn.ts) as the JSON array of its numbers: the text its toJSON's array would give. */
function emitColumn(value: Float64Array | Int32Array | Uint8Array, out: FileWriter): void {
  out.put('[');
  for (let from = 0; from < value.length; from += SLICE) {
    const to = Math.min(value.length, from + SLICE);
    if (from > 0) out.put(',');
    if (out.digits) out.numbers(value, from, to);
    else out.put(JSON.stringify(Array.from(value.subarray(from, to))).slice(1, -1));
  }
  out.put(']');
}

function emitContainer(value: object, out: FileWriter): void {
  const put = (text: string) => out.put(text);
  if (Array.isArray(value)) {
    put('[');
    for (let from = 0; from < value.length; from += SLICE) {
      const to = Math.min(value.length, from + SLICE);
      if (from > 0) put(',');
      if (out.digits && numbersOnly(value, from, to)) {
        out.numbers(value, from, to);
        continue;
      }
      if (primitivesOnly(value, from, to)) {
        put(JSON.stringify(value.slice(from, to)).slice(1, -1));
        continue;
      }
      for (let i = from; i < to; i++) {
        if (i > from) put(',');
        const v = resolved(value[i], String(i));
        if (hasNoJson(v)) put('null');
        else if (isRecord(v)) put(JSON.stringify(v));
        else emit(v, out);
      }
    }
    put(']');
    return;
  }
  put('{');
  let first = true;
  for (const k of Object.keys(value)) {
    const v = resolved((value as Record<string, unknown>)[k], k);
    if (hasNoJson(v)) continue;
    put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
    emit(v, out);
    first = false;
  }
  put('}');
}

/**
 * About how many numbers `value` holds in arrays of numbers (a report's columns), to choose how
 * they are written: the objects and arrays outside records are walked; an array whose first
 * element is a number counts its length, one whose first element is a record is not walked.
 * toJSON is not called here (a value that has one is counted as it is); a typed column
 * (analyzer/numberColumn.ts) counts its length.
 */
export function numbersInArrays(value: unknown, seen = new Set<object>()): number {
  if (isNumberColumn(value)) return value.length;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || seen.has(value)) return 0;
  seen.add(value); // each counted once; a cycle is emit's to report
  if (Array.isArray(value)) {
    if (value.length === 0 || isRecord(value[0])) return 0;
    if (typeof value[0] === 'number') return value.length;
    let n = 0;
    for (const e of value) n += numbersInArrays(e, seen);
    return n;
  }
  let n = 0;
  for (const k of Object.keys(value)) n += numbersInArrays((value as Record<string, unknown>)[k], seen);
  return n;
}

/**
 * A record: an array's element that is a plain object with no toJSON of its own (a route, a
 * finding, a lane, a trace event, a profile node), written by JSON.stringify whole, the same text
 * (its nested toJSONs, keys and cycles are JSON.stringify's own rules). Records are small in
 * everything written here: what is big is columns, arrays of numbers, written in slices. Walking
 * each record key by key was most of writing a report with many routes (an HTTP fan-out's 501,
 * ~240 kB: its report 27 → 16 ms in the CLI) and of the `--trace` and `--cpuprofile` outputs
 * (events, profile nodes: `npx vitest run`'s, with its report, 53 → 22 ms).
 */
function isRecord(v: unknown): v is object {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** Whether value[from, to) holds numbers only (no hole: a hole reads as undefined). */
function numbersOnly(value: unknown[], from: number, to: number): value is number[] {
  for (let i = from; i < to; i++) if (typeof value[i] !== 'number') return false;
  return true;
}

/** Whether value[from, to) holds no object (JSON.stringify writes such a slice alone; holes and undefined become null there too). */
function primitivesOnly(value: unknown[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const e = value[i];
    if (e !== null && typeof e === 'object') return false;
  }
  return true;
}
