import { createRuns, visibleRuns, Items, RUN_STRIDE, type Drawable } from './lod';

/**
 * Precomputed coarse versions of a dense row, so a zoomed-out frame touches a few thousand
 * merged runs instead of every item. Level k merges the row as visibleRuns would on a
 * canvas `BASE_BINS × 2^k` px wide spanning the whole run; its runs are items again (sorted
 * by start, same categories, with how much of them was busy as `cover`), so the renderer
 * draws a level exactly like a row. A level is
 * used only when a screen pixel spans at least 2 of its bins, so it looks the same as
 * the full row (with one bin per pixel, bins split by pixel edges would smear busy heights
 * over neighbours: measurably different). Between two levels sits a half step of ODD_BINS ×
 * 2^k bins (√2 finer than level k): with levels only 2× apart, a zoom just past a level's
 * 2 bins per pixel walked the next finer one, up to 4 bins per pixel (2× the work of a frame
 * a hair more zoomed out); with half steps a frame walks 2 to 2.83 bins per pixel. Not where
 * the host's preview may stand for the rows (coarser than SEED_LEVEL's 2 bins per px: the
 * whole run on lanes up to 2048 px): there the loaded picture must be the preview's, which
 * holds whole levels (still 2 to 4 bins per px). Built once
 * per row and step: ahead of use in idle time (prebuild), else when first needed; a
 * coarser step is built from the one 2× finer (its bins split exactly in two), else the row.
 * The public level numbers (levelAt, levelBins, levelOf, seed: preview.ts) are whole levels.
 */
export type { Drawable } from './lod';

const BASE_BINS = 1024;
const MAX_LEVELS = 10;
/** Bins of the half step above level 0: ≈ BASE_BINS × √2, so that the half steps double exactly too. */
const ODD_BINS = 1448;
/** Steps: step 2k is level k, step 2k + 1 the half step ODD_BINS × 2^k between levels k and k + 1. */
const STEPS = 2 * MAX_LEVELS;
// Bins are small integers made with shifts: `2 ** k` gives a heap number (2048.0), and one
// such width passed to visibleRuns in idle time threw away the draw loops' optimized code (V8
// had only seen integer widths there), so the next frames ran unoptimized.
const stepBins = (j: number) => (j % 2 ? ODD_BINS : BASE_BINS) << (j >> 1);

/**
 * The step pick() takes at `msPerPx`: the coarsest whose bins are at most half a pixel (STEPS:
 * none; the row). Where a preview may be drawn (levels 0 … SEED_LEVEL: the whole run on lanes
 * up to SEED_BINS / 2 px wide) only whole levels, as the preview holds, so that the loaded
 * picture is the preview's; half steps from the next one on (SEED_BINS × √2 bins).
 */
export function stepAt(wallMs: number, msPerPx: number): number {
  const k = levelAt(wallMs, msPerPx);
  if (k <= SEED_LEVEL) return 2 * k;
  for (let j = 2 * SEED_LEVEL + 1; j < STEPS; j++) if (wallMs / stepBins(j) <= msPerPx / 2) return j;
  return STEPS;
}

/** Whether stepAt ever picks step j (half steps only above SEED_LEVEL): the others are never built. */
const isUsed = (j: number) => j % 2 === 0 || j > 2 * SEED_LEVEL;
/** Rows with fewer items are drawn directly. */
export const LEVEL_MIN_ITEMS = 2048;
/**
 * The finest level a page's preview (preview.ts) holds: the one the whole run takes on lanes up
 * to SEED_BINS / 2 CSS px wide. Wider lanes draw from it until the spans are loaded (close, not
 * identical).
 */
export const SEED_LEVEL = 2;
export const SEED_BINS = BASE_BINS * 2 ** SEED_LEVEL;
/** Bins of level k over the whole run. */
export const levelBins = (k: number) => BASE_BINS << k;

/**
 * The level pick() tries at `msPerPx`: the coarsest whose bins are at most half a pixel
 * (MAX_LEVELS: none; the row is drawn itself).
 */
export function levelAt(wallMs: number, msPerPx: number): number {
  for (let k = 0; k < MAX_LEVELS; k++) if (wallMs / (BASE_BINS << k) <= msPerPx / 2) return k;
  return MAX_LEVELS;
}

/** A level is kept only if it has at most this share of the row's items (else the row is drawn). */
const WORTH_RUNS = 0.7;

/** What pick() gives for a row whose spans are not loaded yet at that zoom: nothing to draw. */
export const NOT_LOADED: Drawable = new Items(new Float64Array(0), new Float64Array(0), new Uint8Array(0), null, 0);

export class LevelCache {
  private levels = new Map<number, (Drawable | null)[]>();
  private runs = createRuns(1 << 14);
  /**
   * Rows whose items are not loaded yet: the level the host's preview gave for them (indexed by
   * level, sparse). Dropped when the items are loaded: the levels are then built from them as always.
   */
  private previews = new Map<number, Drawable[]>();

  constructor(private wallMs: number) {}

  /**
   * Host side of preview.ts: `row`'s level k as pick() builds it for the first frame (merged
   * from the row), or null when pick() draws the row itself there (few items, or the level
   * would not be shorter).
   */
  levelOf(row: Drawable, k: number): Drawable | null {
    const n = row.start.length;
    if (n < LEVEL_MIN_ITEMS || levelBins(k) > 2 * n) return null;
    return this.merged(row, levelBins(k), n * WORTH_RUNS);
  }

  /** Page side of preview.ts: `level` stands for level k of row `rowIndex` until loaded(). */
  seed(rowIndex: number, k: number, level: Drawable): void {
    // A row a coarser class gave as items is drawn from them: this is the level it would build.
    const built = this.levels.get(rowIndex);
    if (built) { built[2 * k] = level; return; } // level k is step 2k
    let ls = this.previews.get(rowIndex);
    if (!ls) this.previews.set(rowIndex, ls = []);
    ls[k] = level;
  }

  /**
   * Page side of preview.ts: level k of row `rowIndex` (whose items the preview holds) is not
   * worth building (levelOf gave null): pick() draws the row at once instead of finding out again.
   */
  seedNoLevel(rowIndex: number, k: number): void {
    // The row holds all its items now: drawn (and its levels built) from them, not from preview levels.
    this.previews.delete(rowIndex);
    const ls = this.stepsOf(rowIndex);
    // Nor is the half step above it (finer, so no shorter).
    ls[2 * k] = ls[2 * k + 1] = null;
  }

  /**
   * The rows' items are loaded (the model's rows hold them): their levels come from them now.
   * A seeded level is kept as the row's step 2k: it is what level() builds there from the loaded
   * row (the host merged the same items with the same code, levelOf), so the first frame after
   * the load draws what it drew before instead of merging every row's items again (1M spans over
   * 20 rows: ~45 ms in that frame).
   */
  loaded(): void {
    this.levels.clear();
    for (const [rowIndex, ls] of this.previews) {
      const steps = this.stepsOf(rowIndex);
      ls.forEach((level, k) => { if (level) steps[2 * k] = level; });
    }
    this.previews.clear();
  }

  /**
   * How many times pick() gave a previewed row a seeded level other than the one the loaded view
   * draws there (close, not identical: the page labels such a frame as a preview). The render
   * loop zeroes it before a frame and reads it after.
   */
  approximated = 0;

  /**
   * What to draw for `row` at `msPerPx`: a level coarse enough to be cheap and fine enough to
   * look exact, or the row. NOT_LOADED for a previewed row (not loaded yet) when the preview is
   * not fine enough (zoomed in before the spans were decoded: the row is drawn as loading).
   */
  pick(rowIndex: number, row: Drawable, msPerPx: number): Drawable {
    const preview = this.previews.get(rowIndex);
    if (preview) return this.pickPreview(preview, msPerPx);
    if (row.start.length < LEVEL_MIN_ITEMS) return row;
    const j = stepAt(this.wallMs, msPerPx);
    // No level there, or not worth it: the row (finer levels would not be smaller either).
    return (j < STEPS && this.level(rowIndex, row, j)) || row;
  }

  /**
   * A previewed row: the level pick() would take if the preview has it; else the seeded level
   * nearest to it (finer first) whose bins are at most 2 px wide, counted in `approximated`
   * (before the class of the lanes' width is parsed, the page draws its first frame from the
   * coarsest class; lanes wider than SEED_BINS / 2 px draw from the finest until loaded); else
   * NOT_LOADED (zoomed in beyond the preview: the row is drawn as loading).
   */
  private pickPreview(ls: Drawable[], msPerPx: number): Drawable {
    const k = levelAt(this.wallMs, msPerPx);
    if (ls[k]) return ls[k];
    for (let d = 1; d <= MAX_LEVELS; d++) {
      for (const j of [k + d, k - d]) {
        if (j >= 0 && ls[j] && this.wallMs / levelBins(j) <= 2 * msPerPx) { this.approximated++; return ls[j]; }
      }
    }
    return NOT_LOADED;
  }

  /**
   * Builds ahead of use (in idle time) the steps of a row that a zoom in from `msPerPx` takes
   * next: the next two finer steps pick() uses (each √2 or 2× finer), built from the row or a
   * finer step. Built for every row before prebuild() builds the rest, so the first zoom
   * after a page loads does not merge every row's items in its frame (whole run of 1M spans on
   * 1024 px lanes, one step in: 24 levels, ~25–45 ms of that frame). One step per call; false
   * once both are built (or there is none: the row is drawn itself there).
   */
  prebuildNext(rowIndex: number, row: Drawable, msPerPx: number): boolean {
    if (row.start.length < LEVEL_MIN_ITEMS || this.previews.has(rowIndex)) return false;
    const ls = this.stepsOf(rowIndex);
    for (let j = stepAt(this.wallMs, msPerPx) + 1, n = 0; j < STEPS && n < 2; j++) {
      if (!isUsed(j)) continue;
      n++;
      if (ls[j] !== undefined) continue;
      this.level(rowIndex, row, j);
      return true;
    }
    return false;
  }

  /**
   * Builds the next level of a row ahead of use (in idle time), finest first so each coarser
   * one comes from the one before: a zoom then never waits for a level. One level per call,
   * so a caller can stop between them. Returns false once the row has nothing left to build.
   */
  prebuild(rowIndex: number, row: Drawable): boolean {
    if (row.start.length < LEVEL_MIN_ITEMS || this.previews.has(rowIndex)) return false;
    const ls = this.levels.get(rowIndex);
    for (let j = STEPS - 1; j >= 0; j--) {
      if ((ls && ls[j] !== undefined) || !isUsed(j)) continue;
      this.level(rowIndex, row, j);
      return true;
    }
    return false;
  }

  /** The built steps of a row (undefined: not built yet; null: none, the row is drawn). */
  private stepsOf(rowIndex: number): (Drawable | null)[] {
    let ls = this.levels.get(rowIndex);
    if (!ls) { ls = new Array(STEPS).fill(undefined); this.levels.set(rowIndex, ls); }
    return ls;
  }

  /** Step j of a row (built now if it is not yet), or null: the row is drawn there. */
  private level(rowIndex: number, row: Drawable, j: number): Drawable | null {
    const ls = this.stepsOf(rowIndex);
    if (ls[j] !== undefined) return ls[j];
    const bins = stepBins(j);
    const n = row.start.length;
    // Finer than one bin per item cannot merge much: drawn from the row (its visible items are few there).
    if (bins > 2 * n) { ls[j] = null; return null; }
    // From the nearest finer step whose bins split these exactly (2×, 4×, …: a fraction of the
    // row's items; same picture), else the row.
    let src: Drawable = row;
    for (let f = j + 2; f < STEPS; f += 2) if (ls[f]) { src = ls[f]!; break; }
    const level = this.merged(src, bins, n * WORTH_RUNS);
    ls[j] = level;
    return level;
  }

  /**
   * `src` merged into `bins` bins over the whole run, as a drawable whose items are the runs;
   * null if that leaves more than `maxRuns` (not worth it).
   */
  merged(src: Drawable, bins: number): Drawable;
  merged(src: Drawable, bins: number, maxRuns: number): Drawable | null;
  merged(src: Drawable, bins: number, maxRuns = Infinity): Drawable | null {
    const binMs = this.wallMs / bins;
    const r = visibleRuns(src, 0, this.wallMs, bins, this.runs, 1, true);
    // Not worth it unless it saves a good part of the work.
    if (r.count > maxRuns) return null;
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
    return new Items(start, end, cat, cover, maxDur);
  }
}
