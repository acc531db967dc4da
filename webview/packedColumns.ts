import type { Report } from '../analyzer/report';

/**
 * Compact transport of the report's big numeric columns inside the page (the decoding
 * half; cli/reportPage/packColumns.ts is the host's encoding half). A million spans are ~6 million
 * numbers: ~35 MB of JSON text for the browser to load and parse; packed they are ~5 MB
 * and decode straight into typed arrays.
 *
 * Format: each column is scaled to integers (times to µs, ×1000; index columns ×1),
 * delta-encoded, zigzagged and written as LEB128 varints; the columns are concatenated,
 * gzipped and base64-encoded. The header lists the packed columns in order.
 */

export interface PackedColumn {
  /** Dotted path under report.spans, e.g. "slices.start". */
  path: string;
  n: number;
  scale: number;
  /** Its length in the byte stream (lets the reader skip it and decode it later; absent in older pages). */
  bytes?: number;
}

export interface PackedHeader {
  columns: PackedColumn[];
  gzip: boolean;
}

/** Columns worth packing, with their scale. */
export const PACKABLE: [string, number][] = [
  ['slices.lane', 1], ['slices.start', 1000], ['slices.end', 1000], ['slices.category', 1], ['slices.site', 1],
  ['asyncSpans.lane', 1], ['asyncSpans.site', 1], ['asyncSpans.start', 1000], ['asyncSpans.suspend', 1000],
  ['asyncSpans.end', 1000], ['asyncSpans.invocation', 1], ['asyncSpans.rejected', 1],
  ['lag.lane', 1], ['lag.t', 1000], ['lag.ms', 1000],
];

/**
 * Columns the timeline's first paint does not read (the model is built without them): with
 * their byte length in the header they are decoded when first read (describing a selected
 * item, exporting), not before the page is drawn.
 */
export const DECODED_ON_USE = new Set(['slices.site', 'asyncSpans.suspend', 'lag.lane']);

/**
 * Decodes the packed columns and puts each back into `report.spans` as a Float64Array
 * (indexable like the number[] it replaces); DECODED_ON_USE columns as a getter that decodes
 * on first read and then holds the array. Returns the same report.
 */
export async function unpackColumns(report: Report, header: PackedHeader, base64: string, timings?: Record<string, number>): Promise<Report> {
  let t = performance.now();
  let bytes = base64Bytes(base64);
  if (timings) timings.base64Ms = performance.now() - t;
  if (header.gzip) {
    t = performance.now();
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    if (timings) timings.gunzipMs = performance.now() - t;
  }
  t = performance.now();
  decodeInto(report, header.columns, bytes);
  if (timings) timings.decodeMs = performance.now() - t;
  return report;
}

export function decodeInto(report: Report, columns: PackedColumn[], bytes: Uint8Array): void {
  let p = 0;
  const spans: any = report.spans;
  for (const c of columns) {
    const [a, k] = c.path.split('.');
    if (!spans[a]) spans[a] = {};
    if (c.bytes !== undefined && DECODED_ON_USE.has(c.path)) {
      // Its own copy of its bytes: the whole stream is not kept for it.
      const own = bytes.slice(p, p + c.bytes);
      p += c.bytes;
      const holder = spans[a];
      Object.defineProperty(holder, k, {
        configurable: true, enumerable: true,
        get() {
          const out = new Float64Array(c.n);
          decodeColumn(own, 0, out, c.scale);
          Object.defineProperty(holder, k, { value: out, writable: true, configurable: true, enumerable: true });
          return out;
        },
        set(v) { Object.defineProperty(holder, k, { value: v, writable: true, configurable: true, enumerable: true }); },
      });
      continue;
    }
    const out = new Float64Array(c.n);
    p = decodeColumn(bytes, p, out, c.scale);
    spans[a][k] = out;
  }
}

/**
 * The encoding half of one column (host side, pure): `values` scaled to integers, delta-coded,
 * zigzagged, as LEB128 varints. Call `exactAt` first: values that do not survive at `scale` are
 * not encoded exactly.
 */
export function encodeColumn(values: ArrayLike<number>, scale: number, out: ByteSink): void {
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(values[i] * scale);
    const d = v - prev;
    prev = v;
    let z = d >= 0 ? 2 * d : -2 * d - 1;
    while (z >= 128) { out.push((z % 128) + 128); z = Math.floor(z / 128); }
    out.push(z);
  }
}

/** Whether every value is a finite number that decodes back to itself at `scale`. */
export function exactAt(col: ArrayLike<unknown>, scale: number): boolean {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    const s = Math.round(v * scale);
    if (Math.abs(s) > 2 ** 50 || Math.abs(s / scale - v) > 1e-9 * Math.max(1, Math.abs(v))) return false;
  }
  return true;
}

/** A growing byte buffer. */
export class ByteSink {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) { const g = new Uint8Array(this.buf.length * 2); g.set(this.buf); this.buf = g; }
    this.buf[this.length++] = b;
  }
  /** The bytes written so far (a view, valid until the next push). */
  bytes(): Uint8Array { return this.buf.subarray(0, this.length); }
}

/** Decodes out.length values from `bytes` at `p` into `out`; returns the position after them. */
export function decodeColumn(bytes: Uint8Array, p: number, out: Float64Array, scale: number): number {
  const n = out.length;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    // Fast path: up to 4 bytes (28 bits) in int32 arithmetic; longer values in doubles.
    let b = bytes[p++];
    let z = b & 127;
    if (b & 128) {
      b = bytes[p++]; z |= (b & 127) << 7;
      if (b & 128) {
        b = bytes[p++]; z |= (b & 127) << 14;
        if (b & 128) {
          b = bytes[p++]; z |= (b & 127) << 21;
          if (b & 128) {
            let mul = 268435456;
            do { b = bytes[p++]; z += (b & 127) * mul; mul *= 128; } while (b & 128);
          }
        }
      }
    }
    prev += z < 2147483648 ? (z >>> 1) ^ -(z & 1) : z % 2 ? -(z + 1) / 2 : z / 2;
    out[i] = prev;
  }
  // Scaled back in a second pass (a loop of its own: the decode loop stays integer-only when it can).
  if (scale !== 1) for (let i = 0; i < n; i++) out[i] = out[i] / scale;
  return p;
}

/** base64 → bytes: the native decoder where there is one (Chromium ≥ 140), else atob. */
export function base64Bytes(b64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
