import type { Report } from '../analyzer/report';
import type { Drawable, ProcessView, Row, RowKind, TimelineModel } from './timelineModel';
import { splitLevels } from './stairs';
import { LevelCache, LEVEL_MIN_ITEMS, SEED_LEVEL, SEED_BINS } from './levels';

/**
 * The timeline's first paint without the spans: the host (Node: cli/reportPage) builds the
 * model once and sends what the whole-run view draws, a few KB per row; the page draws its first
 * frame from it and decodes the packed columns (packedColumns.ts) after that. Pure, no DOM: the
 * host encodes with `encodePreview`, the page decodes with `previewModel`.
 *
 * Per row, exactly what the view draws of it at the whole run, so the first frame is the picture
 * the loaded view keeps:
 *  - a row the view draws through coarse levels: its level SEED_LEVEL (SEED_BINS bins over the
 *    whole run, built from the row as the view would), which the page's LevelCache is seeded with
 *    (coarser levels come from it, as they would);
 *  - any other row (few items, a staircase, or a row no level shortens): its items (start, end,
 *    category; a staircase's step of each item).
 * Until the columns are loaded the model is `pending`: rows have no items to hover or select,
 * and a zoom finer than the seeded level draws those rows as not loaded yet (levels.ts).
 *
 * Format: one JSON header line, then base64 of the sections (typed arrays, little-endian, each
 * 8-byte aligned) in the header's row order: the lag series, then per row its level
 * (start bin u16, end bin u16, category u8, cover f32) or its items (start f64, end f64,
 * category u8, and step u8 for a staircase).
 */
export interface PreviewRow {
  kind: RowKind;
  lane: number;
  label: string;
  site: number;
  /** The row's item count and longest item once loaded. */
  n: number;
  maxDur: number;
  /** Steps of a staircase row (async rows; 1: flat). */
  steps?: number;
  /** How the preview holds it: its seeded level's run count, or its item count. */
  runs?: number;
  items?: number;
}

export interface PreviewHeader {
  wallMs: number;
  bucketMs: number;
  totalSpans: number;
  lagLength: number;
  rows: PreviewRow[];
  processes: ProcessView[];
}

export interface EncodedPreview {
  header: PreviewHeader;
  bytes: Uint8Array;
}

/** Host side: what the first frame of `m` draws (m built from the whole report). */
export function encodePreview(m: TimelineModel): EncodedPreview {
  const w = new SectionWriter();
  w.put(m.lag);
  const levels = new LevelCache(m.wallMs);
  const binMs = m.wallMs / SEED_BINS;
  const rows: PreviewRow[] = m.rows.map((r, i) => {
    const meta: PreviewRow = { kind: r.kind, lane: r.lane, label: r.label, site: r.site, n: r.start.length, maxDur: r.maxDur };
    const steps = r.stairs?.steps ?? 1;
    if (r.stairs) meta.steps = steps;
    const level = steps > 1 || r.start.length < LEVEL_MIN_ITEMS ? null : levels.seedFromRow(i, r);
    if (level) {
      const k = level.start.length;
      const s = new Uint16Array(k), e = new Uint16Array(k);
      for (let j = 0; j < k; j++) { s[j] = Math.round(level.start[j] / binMs); e[j] = Math.round(level.end[j] / binMs); }
      w.put(s); w.put(e); w.put(level.cat); w.put(level.cover!);
      meta.runs = k;
    } else {
      w.put(r.start); w.put(r.end); w.put(r.cat);
      if (steps > 1) {
        const step = new Uint8Array(r.start.length);
        const iter = r.stairs!.iter;
        for (let j = 0; j < step.length; j++) step[j] = iter[j] > 0 ? (iter[j] - 1) % steps : 0;
        w.put(step);
      }
      meta.items = r.start.length;
    }
    return meta;
  });
  return {
    header: { wallMs: m.wallMs, bucketMs: m.bucketMs, totalSpans: m.totalSpans, lagLength: m.lag.length, rows, processes: m.processes },
    bytes: w.bytes(),
  };
}

/**
 * Page side: the pending model of `report` (whose packed columns are not decoded yet) and the
 * level cache seeded with the rows' levels. `bytes` must start at offset 0 of its buffer.
 */
export function previewModel(report: Report, h: PreviewHeader, bytes: Uint8Array): { model: TimelineModel; levels: LevelCache } {
  const r = new SectionReader(bytes);
  const lag = r.take(Float32Array, h.lagLength);
  const levels = new LevelCache(h.wallMs);
  const binMs = h.wallMs / SEED_BINS;
  const rows: Row[] = h.rows.map((p, i) => {
    const row: Row = { kind: p.kind, lane: p.lane, label: p.label, site: p.site, start: EMPTY_F64, end: EMPTY_F64, ref: new Uint32Array(0), cat: new Uint8Array(0), maxDur: p.maxDur };
    if (p.runs !== undefined) {
      const s = r.take(Uint16Array, p.runs), e = r.take(Uint16Array, p.runs), cat = r.take(Uint8Array, p.runs), cover = r.take(Float32Array, p.runs);
      const start = new Float64Array(p.runs), end = new Float64Array(p.runs);
      let maxDur = 0;
      for (let j = 0; j < p.runs; j++) {
        start[j] = s[j] * binMs; end[j] = e[j] * binMs;
        if (end[j] - start[j] > maxDur) maxDur = end[j] - start[j];
      }
      levels.seed(i, p.n, { start, end, cat, cover, maxDur });
    } else {
      const n = p.items ?? 0;
      row.start = r.take(Float64Array, n); row.end = r.take(Float64Array, n); row.cat = r.take(Uint8Array, n);
      row.ref = new Uint32Array(n);
      if ((p.steps ?? 1) > 1) {
        const step = r.take(Uint8Array, n);
        const iter = new Uint32Array(n);
        for (let j = 0; j < n; j++) iter[j] = step[j] + 1;
        row.stairs = { iter: new Uint32Array(n), iterOf: new Uint32Array(n), steps: p.steps!, levels: splitLevels(row, iter, p.steps!) };
      }
    }
    if (p.steps !== undefined && !row.stairs) row.stairs = { iter: new Uint32Array(0), iterOf: new Uint32Array(0), steps: p.steps, levels: [] };
    return row;
  });
  const sp = report.spans.series;
  const model: TimelineModel = {
    report, wallMs: h.wallMs, rows, processes: h.processes, bucketMs: h.bucketMs, lag,
    concurrency: Float32Array.from(sp.concurrency ?? []),
    parallelism: Float32Array.from(sp.parallelism ?? []),
    threadpoolRunning: Float32Array.from(sp.threadpoolRunning ?? []),
    threadpoolQueued: Float32Array.from(sp.threadpoolQueued ?? []),
    requestsInFlight: Float32Array.from(sp.requestsInFlight ?? []),
    totalSpans: h.totalSpans,
    pending: true,
  };
  return { model, levels };
}

const EMPTY_F64 = new Float64Array(0);

type Typed = Float64Array | Float32Array | Uint32Array | Uint16Array | Uint8Array;

/** Typed arrays one after another, each at a multiple of 8 bytes (so the reader views them in place). */
class SectionWriter {
  private parts: Typed[] = [];
  private len = 0;
  put(a: Typed): void { this.parts.push(a); this.len = align8(this.len) + a.byteLength; }
  bytes(): Uint8Array {
    const out = new Uint8Array(align8(this.len));
    let p = 0;
    for (const a of this.parts) { p = align8(p); out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p); p += a.byteLength; }
    return out;
  }
}

class SectionReader {
  private p = 0;
  private readonly b: Uint8Array;
  constructor(b: Uint8Array) { this.b = b.byteOffset % 8 ? b.slice() : b; }
  take<T extends Typed>(C: { new (buf: ArrayBufferLike, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
    this.p = align8(this.p);
    const end = this.p + n * C.BYTES_PER_ELEMENT;
    if (end > this.b.byteLength) throw new Error('preview: truncated data');
    const out = new C(this.b.buffer, this.b.byteOffset + this.p, n);
    this.p = end;
    return out;
  }
}

const align8 = (n: number) => (n + 7) & ~7;

export type { Drawable };
