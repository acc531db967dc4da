/** Percentile (0–100) of unsorted values by nearest rank; 0 for none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentiles(values, [p])[0];
}

/**
 * percentile() of `values` at each of `ps`, in the order given, from one copy of them: the values
 * a sort ascending (a Float64Array's own: NaN last) would put at those ranks, found by selection
 * instead (O(n), not a sort: a loaded server's ~190k request durations took ~30 ms to sort on a
 * small VM). Values with a NaN among them are sorted, as before.
 */
export function percentiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => 0);
  // Copied in a loop: Float64Array.from goes through the iterator protocol, value by value.
  const a = new Float64Array(n);
  let nan = false;
  for (let i = 0; i < n; i++) { const v = values[i]; a[i] = v; if (v !== v) nan = true; }
  const ranks = ps.map((p) => rankOf(n, p));
  if (nan) { a.sort(); return ranks.map((r) => a[r]); }
  // Highest rank first: selecting it leaves the values at and below it in a[0..rank], where the
  // lower ranks are then selected.
  let hi = n - 1;
  for (const r of [...new Set(ranks)].sort((x, y) => y - x)) { selectInPlace(a, r, 0, hi); hi = r; }
  return ranks.map((r) => a[r]);
}

/** The nearest rank's index (0-based) of percentile p among n values. */
function rankOf(n: number, p: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
}

/**
 * Rearranges a[lo..hi] (no NaN) so that a[k] holds the value a sort ascending would put there,
 * with none of a[lo..k-1] above it and none of a[k+1..hi] below it: quickselect, Hoare partitions
 * around the median of three values. A range that its partitions stop shrinking (an adversarial
 * order) is sorted instead after 2·log₂ n + 8 of them.
 */
function selectInPlace(a: Float64Array, k: number, lo: number, hi: number): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (budget-- === 0) { a.subarray(lo, hi + 1).sort(); return; }
    const x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    // a[lo..j] ≤ pivot ≤ a[i..hi], and whatever lies between them equals the pivot.
    if (k <= j) hi = j; else if (k >= i) lo = i; else return;
  }
}

/**
 * The largest of `values`, `empty` for none. A loop, not Math.max(...values): spreading passes
 * every value as an argument, and ~120k of them (a long run's lag ticks, a busy server's
 * requests) overflow the stack.
 */
export function maxOf(values: ArrayLike<number>, empty = 0): number {
  if (values.length === 0) return empty;
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m || Number.isNaN(values[i])) m = values[i];
  return m;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
