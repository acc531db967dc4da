import { createRuns, visibleRuns, RUN_STRIDE, type Drawable } from './lod';

/**
 * Precomputed coarse versions of a dense row, so a zoomed-out frame touches a few thousand
 * merged runs instead of every item. Level k merges the row as visibleRuns would on a
 * canvas `BASE_BINS × 2^k` px wide spanning the whole run; its runs are items again (sorted
 * by start, same categories, with how much of them was busy as `cover`), so the renderer
 * draws a level exactly like a row. A level is
 * used only when a screen pixel spans at least 2 of its bins, so it looks the same as
 * the full row (with one bin per pixel, bins split by pixel edges would smear busy heights
 * over neighbours: measurably different). Built once
 * per row and level: ahead of use in idle time (prebuild), else when first needed; a
 * coarser level is built from the next finer one.
 */
export type { Drawable } from './lod';

const BASE_BINS = 1024;
const MAX_LEVELS = 10;
/** Rows with fewer items are drawn directly. */
export const LEVEL_MIN_ITEMS = 2048;

export class LevelCache {
  private levels = new Map<number, (Drawable | null)[]>();
  private runs = createRuns(1 << 14);

  constructor(private wallMs: number) {}

  /** What to draw for `row` at `msPerPx`: a level coarse enough to be cheap and fine enough to look exact, or the row. */
  pick(rowIndex: number, row: Drawable, msPerPx: number): Drawable {
    if (row.start.length < LEVEL_MIN_ITEMS) return row;
    let best: Drawable = row;
    for (let k = 0; k < MAX_LEVELS; k++) {
      const binMs = this.wallMs / (BASE_BINS * 2 ** k);
      if (binMs > msPerPx / 2) continue;
      const level = this.level(rowIndex, row, k);
      if (!level) break; // finer levels would not be smaller either
      best = level;
      break;
    }
    return best;
  }

  /**
   * Builds the next level of a row ahead of use (in idle time), finest first so each coarser
   * one comes from the one before: a zoom then never waits for a level. One level per call,
   * so a caller can stop between them. Returns false once the row has nothing left to build.
   */
  prebuild(rowIndex: number, row: Drawable): boolean {
    if (row.start.length < LEVEL_MIN_ITEMS) return false;
    const ls = this.levels.get(rowIndex);
    for (let k = MAX_LEVELS - 1; k >= 0; k--) {
      if (ls && ls[k] !== undefined) continue;
      this.level(rowIndex, row, k);
      return true;
    }
    return false;
  }

  private level(rowIndex: number, row: Drawable, k: number): Drawable | null {
    let ls = this.levels.get(rowIndex);
    if (!ls) { ls = new Array(MAX_LEVELS).fill(undefined); this.levels.set(rowIndex, ls); }
    if (ls[k] !== undefined) return ls[k];
    const bins = BASE_BINS * 2 ** k;
    const n = row.start.length;
    // Finer than one bin per item cannot merge much: drawn from the row (its visible items are few there).
    if (bins > 2 * n) { ls[k] = null; return null; }
    // From the nearest finer level if there is one (a fraction of the row's items; same picture), else the row.
    let src: Drawable = row;
    for (let j = k + 1; j < MAX_LEVELS; j++) if (ls[j]) { src = ls[j]!; break; }
    const binMs = this.wallMs / bins;
    const r = visibleRuns(src, 0, this.wallMs, bins, this.runs, 1, true);
    // Not worth it unless it saves a good part of the work.
    if (r.count > n * 0.7) { ls[k] = null; return null; }
    const start = new Float64Array(r.count), end = new Float64Array(r.count), cat = new Uint8Array(r.count), cover = new Float32Array(r.count);
    let maxDur = 0;
    for (let i = 0; i < r.count; i++) {
      const o = i * RUN_STRIDE;
      start[i] = r.buf[o] * binMs;
      end[i] = r.buf[o + 1] * binMs;
      cat[i] = r.buf[o + 2];
      cover[i] = r.buf[o + 3];
      if (end[i] - start[i] > maxDur) maxDur = end[i] - start[i];
    }
    ls[k] = { start, end, cat, cover, maxDur };
    return ls[k];
  }
}
