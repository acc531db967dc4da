import type { Drawable, Row } from './timelineModel';

export type { Drawable };

/**
 * Level of detail: turns the items of one row that fall in a time window into rectangles,
 * never many more than the canvas has pixel columns, whatever the item count. Cost is
 * linear in the visible items (levels.ts keeps that small when zoomed out) and
 * allocation-free (the caller owns the buffer).
 */

/**
 * Runs as quadruples (x0, x1, category, cover) in a reusable buffer; `count` runs are
 * valid. `cover` (0–1, in eighths) is how much of the run's time its items fill: 1 for
 * what an item covers alone, less for pixel columns only partly busy.
 */
export interface Runs {
  buf: Float32Array;
  count: number;
}

export const RUN_STRIDE = 4;

export function createRuns(capacity = 8192): Runs {
  return { buf: new Float32Array(capacity * RUN_STRIDE), count: 0 };
}


/** First index i with a[i] >= v (a sorted ascending). */
export function lowerBound(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Fills `out` with the runs of `row` visible in [t0, t1] on a canvas `width` px wide; x is
 * in px from the left of the window. Area-weighted: a pixel column wholly inside an item
 * takes its category and cover; a column that items only partly fill is drawn (so short
 * items stay visible) in the category that fills most of it, with the fraction they fill
 * as its cover, so a zoomed-out lane still shows how busy it was. Runs of one category and
 * cover merge. Items narrower than `minPx` only vote in their column. Covers are rounded
 * up to eighths for drawing (anything at all stays visible); `forLevel` keeps them exact,
 * merging neighbours within 1/16 into their mean, for building coarse levels.
 */
export function visibleRuns(row: Drawable, t0: number, t1: number, width: number, out: Runs, minPx = 1, forLevel = false): Runs {
  return runsOfItems(itemsOf(row), t0, t1, width, out, minPx, forLevel);
}

/**
 * Items in the one shape runsOfItems reads (same fields, same order, one constructor): rows,
 * their coarse levels, staircase steps and previews come in many object shapes, and a new
 * shape (or a whole-number maxDur after fractional ones) deoptimized visibleRuns, which then ran
 * unoptimized (boxing every fraction: ~1 MB of garbage per whole-run frame) until V8
 * recompiled it, 100+ ms later on a loaded machine. Levels, steps and previews are made as
 * Items; a row gets a fresh one per call (a few small objects per frame; a row's arrays may be
 * replaced when its spans load, so none is kept).
 */
export class Items {
  /** Declared fractional first, so V8 keeps the field a double whatever the first value is. */
  maxDur = 0.5;
  constructor(readonly start: Float64Array, readonly end: Float64Array, readonly cat: Uint8Array, readonly cover: Float32Array | null, maxDur: number) {
    this.maxDur = maxDur;
  }
}

/** `d` as Items (itself if it is one). */
export function itemsOf(d: Drawable): Items {
  return d instanceof Items ? d : new Items(d.start, d.end, d.cat, d.cover ?? null, d.maxDur);
}

/** visibleRuns on Items: the hot loop, which only ever sees one object shape. */
function runsOfItems(row: Items, t0: number, t1: number, width: number, out: Runs, minPx: number, forLevel: boolean): Runs {
  out.count = 0;
  const n = row.start.length;
  if (n === 0 || !(t1 > t0) || width <= 0) return out;
  // A parameter is a tagged value: merged with a double in the loop (x1 clamped to it), it made
  // V8 keep x1 tagged, i.e. box every item's x1 (~1 MB of garbage per whole-run frame). The
  // product is a number V8 keeps unboxed.
  const k = width / (t1 - t0), right = width * 1;
  let i = lowerBound(row.start, t0 - row.maxDur);
  const iEnd = lowerBound(row.start, t1);
  const s = row.start, e = row.end, c = row.cat, cover = row.cover;
  const rb = BUILDER, wt = rb.weights, st = rb.st;
  rb.reset(out, forLevel);
  // Hot loop: no call here takes or returns a fractional number (V8 boxes those when a call is
  // not inlined: ~1 MB of garbage per whole-run frame), and none is stored in an object field
  // (a double field is a boxed number: a store may allocate). Fractions go through the
  // builder's state array `st`; a vote (w px of column px at cover f) is written out inline.
  for (; i < iEnd; i++) {
    const te = e[i];
    if (te < t0) continue;
    let x0 = (s[i] - t0) * k;
    let x1 = (te - t0) * k;
    if (x0 < 0) x0 = 0;
    if (x1 > right) x1 = right;
    const cat = c[i] & 7;
    const f = cover ? cover[i] : 1;
    // Items whose cover rounded to 0 keep a little vote, so they still say what ran there.
    const fv = f > 0 ? f : 0.0625;
    const px0 = Math.floor(x0), px1 = Math.floor(x1);
    const narrow = px0 === px1 || x1 - x0 < minPx;
    // The partly covered end pixels vote in their columns; the pixels in between are this item's.
    if (narrow || x0 > px0) {
      const w = narrow ? x1 - x0 : px0 + 1 - x0;
      if (px0 !== rb.col) rb.openColumn(px0);
      wt[cat] += w * fv + 1e-9;
      st[FILLED] += w * f;
      if (narrow) continue;
    }
    const mid0 = x0 > px0 ? px0 + 1 : px0;
    if (px1 > mid0) { rb.flushColumn(); st[COV] = forLevel ? f : eighthsOf(f) / 8; rb.emit(mid0, px1, cat); }
    if (x1 > px1) {
      const w = x1 - px1;
      if (px1 !== rb.col) rb.openColumn(px1);
      wt[cat] += w * fv + 1e-9;
      st[FILLED] += w * f;
    }
  }
  rb.finish();
  return out;
}

/** Indices of RunBuilder.st: the open run's x0, x1 and cover, the cover emit() is given, the gathered column's filled px. */
const RX0 = 0, RX1 = 1, RV = 2, COV = 3, FILLED = 4;

/**
 * The state of visibleRuns: the open run and the pixel column being gathered. One shared
 * instance (no closures in the hot loop). Methods take whole numbers only (pixel columns,
 * categories); every fractional number lives in `st` (a typed array stores a double in place;
 * an object field holds a boxed one), a run's cover is passed in st[COV].
 */
class RunBuilder {
  private out: Runs = { buf: new Float32Array(0), count: 0 };
  private forLevel = false;
  /** The open run's category (-1: none). */
  private rc = -1;
  /** The pixel column being gathered (-1: none) and its per-category weights (0–7). */
  col = -1;
  readonly weights = new Float64Array(8);
  /** Fractional state, at RX0, RX1, RV, COV, FILLED. */
  readonly st = new Float64Array(5);

  reset(out: Runs, forLevel: boolean): void {
    this.out = out; this.forLevel = forLevel;
    const st = this.st;
    st[RX0] = 0; st[RX1] = -Infinity; st[RV] = 1; st[COV] = 1; st[FILLED] = 0;
    this.rc = -1; this.col = -1; this.weights.fill(0);
  }

  /** Extends the open run by [x0, x1) of `cat` at cover st[COV], or closes it and opens this one. */
  emit(x0: number, x1: number, cat: number): void {
    const st = this.st, cov = st[COV];
    if (cat === this.rc && x0 <= st[RX1] + 0.5) {
      if (cov === st[RV]) { if (x1 > st[RX1]) st[RX1] = x1; return; }
      // Levels keep covers exact, merging close ones into their width-weighted mean.
      if (this.forLevel && Math.abs(cov - st[RV]) <= 1 / 16 && x1 > st[RX1]) {
        st[RV] = (st[RV] * (st[RX1] - st[RX0]) + cov * (x1 - st[RX1])) / (x1 - st[RX0]);
        st[RX1] = x1;
        return;
      }
    }
    if (this.rc >= 0) this.push();
    st[RX0] = x0; st[RX1] = x1; st[RV] = cov; this.rc = cat;
  }

  /** Emits the column being gathered and starts gathering column `px`. */
  openColumn(px: number): void {
    this.flushColumn();
    this.col = px;
  }

  /** Emits the gathered column in its dominant category, as high as it is filled. */
  flushColumn(): void {
    if (this.col < 0) return;
    const wt = this.weights, st = this.st;
    let best = 0;
    for (let j = 1; j < 8; j++) if (wt[j] > wt[best]) best = j;
    wt[0] = wt[1] = wt[2] = wt[3] = wt[4] = wt[5] = wt[6] = wt[7] = 0;
    const col = this.col, filled = st[FILLED];
    this.col = -1;
    st[FILLED] = 0;
    st[COV] = this.forLevel ? Math.min(1, filled) : eighthsOf(filled) / 8;
    this.emit(col, col + 1, best);
  }

  finish(): void {
    this.flushColumn();
    if (this.rc >= 0) this.push();
    this.rc = -1;
  }

  /** Appends the open run to `out`. */
  private push(): void {
    const out = this.out, st = this.st;
    if ((out.count + 1) * RUN_STRIDE > out.buf.length) {
      const b = new Float32Array(out.buf.length * 2);
      b.set(out.buf);
      out.buf = b;
    }
    const o = out.count * RUN_STRIDE;
    out.buf[o] = st[RX0]; out.buf[o + 1] = st[RX1]; out.buf[o + 2] = this.rc; out.buf[o + 3] = st[RV];
    out.count++;
  }
}

const BUILDER = new RunBuilder();

/**
 * Cover rounded up to eighths (anything at all stays visible; equal covers merge), as the
 * count of eighths (1–8): a whole number, which a call returns without allocating.
 */
function eighthsOf(v: number): number {
  return v >= 1 ? 8 : Math.max(1, Math.ceil(v * 8 - 1e-6));
}

/**
 * The item of `row` under time t (the latest-starting one that covers t), or, failing
 * that, the nearest one within `tolMs`. Returns the index in the row or -1.
 */
export function itemAt(row: Pick<Row, 'start' | 'end' | 'maxDur'>, t: number, tolMs: number): number {
  const s = row.start, e = row.end;
  const hi = lowerBound(s, t + tolMs);
  const lo = lowerBound(s, t - row.maxDur - tolMs);
  let best = -1, bestDist = Infinity;
  for (let i = hi - 1; i >= lo; i--) {
    const d = t < s[i] ? s[i] - t : t > e[i] ? t - e[i] : 0;
    if (d === 0) return i;
    if (d <= tolMs && d < bestDist) { best = i; bestDist = d; }
  }
  return best;
}

/**
 * Max of a bucketed series per pixel column over [t0, t1]: what a track draws, so a spike
 * narrower than a pixel still shows. Returns `out` (length = columns).
 */
export function seriesColumns(values: Float32Array, bucketMs: number, t0: number, t1: number, out: Float32Array): Float32Array {
  const cols = out.length;
  const msPerCol = (t1 - t0) / cols;
  for (let x = 0; x < cols; x++) {
    const a = t0 + x * msPerCol, b = a + msPerCol;
    let bi = Math.floor(a / bucketMs);
    const be = Math.max(bi + 1, Math.ceil(b / bucketMs));
    let m = 0;
    if (bi < 0) bi = 0;
    for (let i = bi; i < be && i < values.length; i++) if (values[i] > m) m = values[i];
    out[x] = m;
  }
  return out;
}

/**
 * Runs the draw loops once on a fractional range (microseconds; the page calls it as it starts,
 * main.ts: the host, which only builds levels, has no frames to spare). V8 optimizes them for
 * the kinds of numbers they have seen: a page whose first frames show the whole run of a report
 * with a whole-ms duration had passed them only small integers, and the first pan or zoom
 * (fractional times) threw that code away in the frame that needed it.
 */
export function warmUpDrawLoops(): void {
  // Every path of the loops: wide and narrow items, a level's close covers merged, a full buffer grown.
  const items = new Items(new Float64Array([0, 1, 2.1, 3]), new Float64Array([1, 2, 2.15, 4]), new Uint8Array([0, 0, 1, 2]),
    new Float32Array([1, 0.96, 1, 0.25]), 1);
  for (const [t0, t1, w] of [[0.5, 3.5, 3.5], [0, 4, 4]]) {
    visibleRuns(items, t0, t1, w, createRuns(1));
    visibleRuns(items, t0, t1, w, createRuns(1), 1, true);
    seriesColumns(new Float32Array(4), 0.5, t0, t1, new Float32Array(4));
  }
}
