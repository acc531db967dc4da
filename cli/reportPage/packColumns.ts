import { gzipSync } from 'node:zlib';
import type { Report } from '../../analyzer/report';
import { PACKABLE, type PackedHeader } from '../../webview/packedColumns';

/**
 * Host side of packedColumns.ts: splits the report into the JSON-able rest and the packed
 * numeric columns. A column holding anything that would not survive exactly at its scale
 * (NaN, null, a time finer than 1 µs, …) stays in the JSON, as do short columns (packing
 * pays off only on big runs). Does not modify `report`.
 */
export interface Packed {
  /** The report with the packed columns emptied. */
  report: Report;
  header: PackedHeader;
  base64: string;
}

export const PACK_MIN_LENGTH = 4096;

export function packColumns(report: Report, minLength = PACK_MIN_LENGTH): Packed {
  const columns: PackedHeader['columns'] = [];
  let bytes = new Uint8Array(1 << 16);
  let len = 0;
  const push = (b: number) => {
    if (len === bytes.length) { const g = new Uint8Array(bytes.length * 2); g.set(bytes); bytes = g; }
    bytes[len++] = b;
  };
  const spans: any = { ...report.spans };
  for (const [path, scale] of PACKABLE) {
    const [a, k] = path.split('.');
    const col = (report.spans as any)[a]?.[k];
    if (!Array.isArray(col) || col.length < minLength || !exact(col, scale)) continue;
    let prev = 0;
    const at = len;
    for (let i = 0; i < col.length; i++) {
      const v = Math.round(col[i] * scale);
      const d = v - prev;
      prev = v;
      let z = d >= 0 ? 2 * d : -2 * d - 1;
      while (z >= 128) { push((z % 128) + 128); z = Math.floor(z / 128); }
      push(z);
    }
    spans[a] = { ...spans[a], [k]: [] };
    columns.push({ path, n: col.length, scale, bytes: len - at });
  }
  const gz = gzipSync(Buffer.from(bytes.buffer, 0, len), { level: 1 });
  return { report: { ...report, spans }, header: { columns, gzip: true }, base64: gz.toString('base64') };
}

function exact(col: unknown[], scale: number): boolean {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    const s = Math.round(v * scale);
    if (Math.abs(s) > 2 ** 50 || Math.abs(s / scale - v) > 1e-9 * Math.max(1, Math.abs(v))) return false;
  }
  return true;
}
