import { gzipSync } from 'node:zlib';
import type { Report } from '../../analyzer/report';
import { isNumberColumn } from '../../analyzer/numberColumn';
import { PACKABLE, ByteSink, encodeColumn, exactAt, type PackedHeader } from '../../webview/packedColumns';

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
  const out = new ByteSink();
  const spans: any = { ...report.spans };
  for (const [path, scale] of PACKABLE) {
    const [a, k] = path.split('.');
    const col = (report.spans as any)[a]?.[k];
    // number[] or a typed column of the analyzer's (analyzer/numberColumn.ts).
    if (!(Array.isArray(col) || isNumberColumn(col)) || col.length < minLength || !exactAt(col, scale)) continue;
    const at = out.length;
    encodeColumn(col, scale, out);
    spans[a] = { ...spans[a], [k]: [] };
    columns.push({ path, n: col.length, scale, bytes: out.length - at });
  }
  const bytes = out.bytes();
  const gz = gzipSync(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { level: 1 });
  return { report: { ...report, spans }, header: { columns, gzip: true }, base64: gz.toString('base64') };
}
