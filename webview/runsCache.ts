import { visibleRuns, RUN_STRIDE, type Drawable, type Runs } from './lod';

/**
 * The runs of each row for the last visible window: a redraw that keeps the time range
 * (vertical scroll, a selection, a theme switch) reuses them instead of walking the items
 * again. Any other window drops them all. Kept in one reused pool (no allocation per frame).
 * Contract: what `runs` returns is exactly what visibleRuns(src, t0, t1, width) gives, valid
 * until the next call.
 */
export class RunsCache {
  private t0 = NaN;
  private t1 = NaN;
  private width = NaN;
  /** Where each row's runs are in the pool: [offset, count]. */
  private kept = new Map<Drawable, [number, number]>();
  private pool = new Float32Array(1 << 16);
  private used = 0;
  private view: Runs = { buf: new Float32Array(0), count: 0 };

  /** The runs of `src` in [t0, t1] on `width` px (computed into `scratch`, or kept from before). */
  runs(src: Drawable, t0: number, t1: number, width: number, scratch: Runs): Runs {
    if (t0 !== this.t0 || t1 !== this.t1 || width !== this.width) {
      this.kept.clear();
      this.used = 0;
      this.t0 = t0; this.t1 = t1; this.width = width;
    }
    const kept = this.kept.get(src);
    if (kept) {
      this.view.buf = this.pool.subarray(kept[0], kept[0] + kept[1] * RUN_STRIDE);
      this.view.count = kept[1];
      return this.view;
    }
    visibleRuns(src, t0, t1, width, scratch);
    const n = scratch.count * RUN_STRIDE;
    if (this.used + n > this.pool.length) {
      const grown = new Float32Array(Math.max(this.pool.length * 2, this.used + n));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    this.pool.set(scratch.buf.subarray(0, n), this.used);
    this.kept.set(src, [this.used, scratch.count]);
    this.used += n;
    return scratch;
  }
}
