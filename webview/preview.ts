import type { Report } from '../analyzer/report';
import type { Drawable, ProcessView, Row, RowKind, TimelineModel } from './timelineModel';
import { splitLevels } from './stairs';
import { LevelCache, levelBins as binsOf } from './levels';
import { ByteSink, decodeColumn, encodeColumn, exactAt } from './packedColumns';

/**
 * The timeline's first paint without the spans: the host (Node: cli/reportPage) builds the
 * model once and sends what the whole-run view needs, a few KB per row; the page draws its first
 * frame from it and decodes the packed columns (packedColumns.ts) after that, then draws from
 * the loaded rows as always. Pure, no DOM: the host encodes with `encodePreview`, the page
 * decodes with `previewModel`.
 *
 * Per row:
 *  - a flat row the whole-run view draws from levels (many items that merge well): its levels
 *    0…SEED_LEVEL (merged from its items as levels.ts merges them: what the whole run is drawn
 *    from on lanes up to SEED_BINS / 2 px wide), which the page's LevelCache draws for the row
 *    until it is loaded; zoomed in further the row is drawn as loading;
 *  - any other row (few items, items a level would not shorten, or a staircase): its items (start, end, category; a staircase's
 *    step of each item), drawn as the loaded row is.
 * Until the columns are loaded the model is `pending`: rows have no items to hover or select.
 *
 * Format: one JSON header line, then base64 of the sections (typed arrays, little-endian, each
 * 8-byte aligned) in the header's row order: the lag series, then per row the runs of each of
 * its levels (start and end bins as varints like packedColumns.ts, category u8, cover f32) or its
 * items (start and end in µs as varints, or f64 when µs is not exact; category u8; step u8 for a
 * staircase).
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
  /** How the preview holds it: as its levels 0…SEED_LEVEL (their run counts), or as its items (their count). */
  runs?: number[];
  items?: number;
  /** Byte lengths of its varint sections (starts, ends; of each level in turn), absent for raw f64 items. */
  sizes?: number[];
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

/** Items' times are held in µs when that is exact (as the packed columns hold them). */
const US = 1000;

/** Host side: what the first frame of `m` draws (m built from the whole report). */
export function encodePreview(m: TimelineModel): EncodedPreview {
  const w = new SectionWriter();
  w.put(m.lag);
  const levels = new LevelCache(m.wallMs);
  const varints = (values: ArrayLike<number>, scale: number) => { const out = new ByteSink(); encodeColumn(values, scale, out); w.put(out.bytes().slice()); return out.length; };
  const rows: PreviewRow[] = m.rows.map((r, i) => {
    const meta: PreviewRow = { kind: r.kind, lane: r.lane, label: r.label, site: r.site, n: r.start.length, maxDur: r.maxDur };
    const steps = r.stairs?.steps ?? 1;
    if (r.stairs) meta.steps = steps;
    const seeds = steps > 1 ? null : levels.seedLevels(r);
    if (seeds) {
      // Each level's runs: start and end bins (whole numbers: levels.ts merges into bins), category, cover.
      meta.runs = []; meta.sizes = [];
      seeds.forEach((level, k) => {
        const binMs = m.wallMs / binsOf(k);
        const bin = (t: number) => Math.round(t / binMs);
        meta.runs!.push(level.start.length);
        meta.sizes!.push(varints(Array.from(level.start, bin), 1), varints(Array.from(level.end, bin), 1));
        w.put(level.cat); w.put(level.cover!);
      });
    } else {
      meta.items = r.start.length;
      if (exactAt(r.start, US) && exactAt(r.end, US)) meta.sizes = [varints(r.start, US), varints(r.end, US)];
      else { w.put(r.start); w.put(r.end); }
      w.put(r.cat);
      if (steps > 1) {
        const step = new Uint8Array(r.start.length);
        const iter = r.stairs!.iter;
        for (let j = 0; j < step.length; j++) step[j] = iter[j] > 0 ? (iter[j] - 1) % steps : 0;
        w.put(step);
      }
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
 * level cache seeded with the rows' levels.
 */
export function previewModel(report: Report, h: PreviewHeader, bytes: Uint8Array): { model: TimelineModel; levels: LevelCache } {
  const r = new SectionReader(bytes);
  const lag = r.take(Float32Array, h.lagLength);
  const levels = new LevelCache(h.wallMs);
  const varints = (n: number, size: number, scale: number) => { const out = new Float64Array(n); decodeColumn(r.take(Uint8Array, size), 0, out, scale); return out; };
  const rows: Row[] = h.rows.map((p, i) => {
    const row: Row = { kind: p.kind, lane: p.lane, label: p.label, site: p.site, start: EMPTY_F64, end: EMPTY_F64, ref: new Uint32Array(0), cat: new Uint8Array(0), maxDur: p.maxDur };
    if (p.runs) {
      levels.seed(i, p.runs.map((n, k) => {
        const binMs = h.wallMs / binsOf(k);
        const start = varints(n, p.sizes![2 * k], 1), end = varints(n, p.sizes![2 * k + 1], 1);
        let maxDur = 0;
        // As levels.ts computes them: bin × binMs.
        for (let j = 0; j < n; j++) { start[j] *= binMs; end[j] *= binMs; if (end[j] - start[j] > maxDur) maxDur = end[j] - start[j]; }
        return { start, end, cat: r.take(Uint8Array, n), cover: r.take(Float32Array, n), maxDur };
      }));
    } else {
      const n = p.items ?? 0;
      if (p.sizes) { row.start = varints(n, p.sizes[0], US); row.end = varints(n, p.sizes[1], US); }
      else { row.start = r.take(Float64Array, n); row.end = r.take(Float64Array, n); }
      row.cat = r.take(Uint8Array, n);
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
