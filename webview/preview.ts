import type { Report } from '../analyzer/report';
import { newRow, type Drawable, type ProcessView, type Row, type RowKind, type TimelineModel } from './timelineModel';
import { splitLevels } from './stairs';
import { LevelCache, LEVEL_MIN_ITEMS, SEED_LEVEL, levelAt, levelBins as binsOf } from './levels';
import { ByteSink, decodeColumn, encodeColumn, exactAt } from './packedColumns';
import { Items } from './lod';

/**
 * The timeline's first paint without the spans: the host (Node: cli/reportPage) builds the
 * model once and sends what the first frame draws of the whole run; the page draws its first
 * frame from it and decodes the packed columns (packedColumns.ts) after that, then draws from
 * the loaded rows as always. Pure, no DOM: the host encodes with `encodePreview`, the page
 * decodes with `previewModel` and `seedClass`.
 *
 * What the whole-run frame draws of a big flat row depends on the lanes' width, which the host
 * does not know: level k of the row (levels.ts) on lanes (256·2^k, 512·2^k] px wide, or its items
 * when that level is not worth building. So the preview comes in parts:
 *  - the head: the rows (kind, lane, label…), processes and lag, and the items of every row the
 *    view draws item by item at any width (few items, or a staircase: each item's step);
 *  - one class per level k = 0…SEED_LEVEL: for each other row, its level k (merged from its
 *    items as levels.ts merges them), or its items when pick() draws the row there.
 * The page reads the head, measures its lanes and decodes the one class it draws (`classFor`);
 * zoomed in further a row given as a level is drawn as loading. Until the columns are loaded the
 * model is `pending`: rows have no items to hover or select.
 *
 * Format of each part: one JSON header line, then base64 of its sections (typed arrays,
 * little-endian, each 8-byte aligned) in the header's row order: levels as runs (putLevel: bins
 * as varints like packedColumns.ts, category u8, the covers below 1 as f32), items as start and end in µs
 * as varints (f64 when µs is not exact), category u8, and step u8 for a staircase.
 */
export interface PreviewItems {
  /** Item count. */
  items: number;
  /** Byte lengths of its varint sections (starts, ends), absent for raw f64 items. */
  sizes?: number[];
}

export interface PreviewRow extends Partial<PreviewItems> {
  kind: RowKind;
  lane: number;
  label: string;
  site: number;
  /** The row's item count and longest item once loaded. */
  n: number;
  maxDur: number;
  /** Steps of a staircase row (async rows; 1: flat). */
  steps?: number;
  /** `items` present: the head holds its items; absent: each class holds what it draws of it. */
}

export interface PreviewHeader {
  wallMs: number;
  bucketMs: number;
  totalSpans: number;
  lagLength: number;
  rows: PreviewRow[];
  processes: ProcessView[];
}

/** A level's runs: how many, the byte length of their bins, how many have a cover below 1. */
export interface PreviewLevel {
  runs: number;
  size: number;
  partial: number;
}

/** One class: what lanes drawing the whole run from level `level` draw of the rows the head leaves out. */
export interface ClassHeader {
  level: number;
  /** In row order: a row's level (its run count and varint sizes) or its items. */
  rows: ({ row: number } & (PreviewLevel | PreviewItems))[];
}

export interface EncodedPreview {
  header: PreviewHeader;
  bytes: Uint8Array;
  /** Class k at index k (0…SEED_LEVEL). */
  classes: { header: ClassHeader; bytes: Uint8Array }[];
}

/** Items' times are held in µs when that is exact (as the packed columns hold them). */
const US = 1000;

/** Whether the view draws `r` item by item at every whole-run width (its items are in the head). */
const itemsAtAnyWidth = (r: Row) => r.start.length < LEVEL_MIN_ITEMS || (r.stairs?.steps ?? 1) > 1;

/** Host side: what the first frame of `m` draws (m built from the whole report). */
export function encodePreview(m: TimelineModel): EncodedPreview {
  const w = new SectionWriter();
  w.put(m.lag);
  const rows: PreviewRow[] = m.rows.map((r) => {
    const meta: PreviewRow = { kind: r.kind, lane: r.lane, label: r.label, site: r.site, n: r.start.length, maxDur: r.maxDur };
    if (r.stairs) meta.steps = r.stairs.steps;
    if (itemsAtAnyWidth(r)) Object.assign(meta, putItems(w, r));
    return meta;
  });
  const levels = new LevelCache(m.wallMs);
  const classes = [];
  for (let k = 0; k <= SEED_LEVEL; k++) {
    const cw = new SectionWriter();
    const header: ClassHeader = { level: k, rows: [] };
    m.rows.forEach((r, i) => {
      if (itemsAtAnyWidth(r)) return;
      const level = levels.levelOf(r, k);
      header.rows.push({ row: i, ...(level ? putLevel(cw, level, m.wallMs / binsOf(k)) : putItems(cw, r)) });
    });
    classes.push({ header, bytes: cw.bytes() });
  }
  return {
    header: { wallMs: m.wallMs, bucketMs: m.bucketMs, totalSpans: m.totalSpans, lagLength: m.lag.length, rows, processes: m.processes },
    bytes: w.bytes(),
    classes,
  };
}

function putVarints(w: SectionWriter, values: ArrayLike<number>, scale: number): number {
  const out = new ByteSink();
  encodeColumn(values, scale, out);
  w.put(out.bytes().slice());
  return out.length;
}

/**
 * A level's runs: their bins (whole numbers: levels.ts merges into bins) as one varint column
 * start0, end0, start1, end1…, whose deltas are each run's length and the gap before the next
 * (runs do not overlap: small numbers); their categories, bit 7 set when the run's cover is 1
 * (most runs of busy rows); the covers below 1.
 */
function putLevel(w: SectionWriter, level: Drawable, binMs: number): PreviewLevel {
  const n = level.start.length, cover = level.cover!;
  const bins = new Float64Array(2 * n), cat = new Uint8Array(n), partial: number[] = [];
  for (let j = 0; j < n; j++) {
    bins[2 * j] = Math.round(level.start[j] / binMs);
    bins[2 * j + 1] = Math.round(level.end[j] / binMs);
    cat[j] = level.cat[j] | (cover[j] === 1 ? FULL : 0);
    if (cover[j] !== 1) partial.push(cover[j]);
  }
  const size = putVarints(w, bins, 1);
  w.put(cat);
  w.put(Float32Array.from(partial));
  return { runs: n, size, partial: partial.length };
}

/** Category bit of a level's run whose cover is 1. */
const FULL = 128;

/** A row's items (and a staircase's step of each). */
function putItems(w: SectionWriter, r: Row): PreviewItems {
  const meta: PreviewItems = { items: r.start.length };
  if (exactAt(r.start, US) && exactAt(r.end, US)) meta.sizes = [putVarints(w, r.start, US), putVarints(w, r.end, US)];
  else { w.put(r.start); w.put(r.end); }
  w.put(r.cat);
  const steps = r.stairs?.steps ?? 1;
  if (steps > 1) {
    const step = new Uint8Array(r.start.length);
    const iter = r.stairs!.iter;
    for (let j = 0; j < step.length; j++) step[j] = iter[j] > 0 ? (iter[j] - 1) % steps : 0;
    w.put(step);
  }
  return meta;
}

/** The class a page whose lanes are `widthPx` wide draws its first frame from. */
export function classFor(wallMs: number, widthPx: number): number {
  return Math.min(SEED_LEVEL, levelAt(wallMs, wallMs / Math.max(1, widthPx)));
}

export interface Preview { model: TimelineModel; levels: LevelCache }

/**
 * Page side: the pending model of `report` (whose packed columns are not decoded yet) from the
 * preview's head, and a level cache to seed (`seedClass`). Rows the head leaves out have no
 * items until a class is seeded.
 */
export function previewModel(report: Report, h: PreviewHeader, bytes: Uint8Array): Preview {
  const r = new SectionReader(bytes);
  const lag = r.take(Float32Array, h.lagLength);
  const rows: Row[] = h.rows.map((p) => {
    const row = newRow(p.kind, p.lane, p.label, p.site, { start: EMPTY_F64, end: EMPTY_F64, ref: new Uint32Array(0), cat: new Uint8Array(0), maxDur: p.maxDur });
    if (p.items !== undefined) takeItems(r, row, p as PreviewItems, p.steps ?? 1);
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
  return { model, levels: new LevelCache(h.wallMs) };
}

/** Page side: class `h.level` into the preview: its rows' level k seeded, or their items. */
export function seedClass(p: Preview, h: ClassHeader, bytes: Uint8Array): void {
  const r = new SectionReader(bytes);
  const k = h.level, binMs = p.model.wallMs / binsOf(k);
  for (const c of h.rows) {
    const row = p.model.rows[c.row];
    if (!row || !p.model.pending) throw new Error(`preview: no pending row ${c.row}`);
    if ('runs' in c) {
      p.levels.seed(c.row, k, takeLevel(r, c, binMs));
    } else {
      takeItems(r, row, c, 1);
      p.levels.seedNoLevel(c.row, k);
    }
  }
}

function takeVarints(r: SectionReader, n: number, size: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  decodeColumn(r.take(Uint8Array, size), 0, out, scale);
  return out;
}

/** A level written by putLevel, its times as levels.ts computes them (bin × binMs). */
function takeLevel(r: SectionReader, c: PreviewLevel, binMs: number): Drawable {
  const n = c.runs;
  const bins = takeVarints(r, 2 * n, c.size, 1);
  const cat = r.take(Uint8Array, n).slice(), partial = r.take(Float32Array, c.partial);
  const start = new Float64Array(n), end = new Float64Array(n), cover = new Float32Array(n);
  let maxDur = 0, q = 0;
  for (let j = 0; j < n; j++) {
    start[j] = bins[2 * j] * binMs; end[j] = bins[2 * j + 1] * binMs;
    if (end[j] - start[j] > maxDur) maxDur = end[j] - start[j];
    if (cat[j] & FULL) { cat[j] &= ~FULL; cover[j] = 1; } else cover[j] = partial[q++];
  }
  if (q !== c.partial) throw new Error('preview: level covers do not match');
  // An Items, as levels.ts builds them: the draw loops see one kind of object.
  return new Items(start, end, cat, cover, maxDur);
}

/** A row's items from the preview, into `row` (no refs: nothing to select until loaded). */
function takeItems(r: SectionReader, row: Row, p: PreviewItems, steps: number): void {
  const n = p.items;
  if (p.sizes) { row.start = takeVarints(r, n, p.sizes[0], US); row.end = takeVarints(r, n, p.sizes[1], US); }
  else { row.start = r.take(Float64Array, n); row.end = r.take(Float64Array, n); }
  row.cat = r.take(Uint8Array, n);
  row.ref = new Uint32Array(n);
  if (steps > 1) {
    const step = r.take(Uint8Array, n);
    const iter = new Uint32Array(n);
    for (let j = 0; j < n; j++) iter[j] = step[j] + 1;
    row.stairs = { iter: new Uint32Array(n), iterOf: new Uint32Array(n), steps, levels: splitLevels(row, iter, steps) };
  }
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
