/** Percentile (0–100) of unsorted values by nearest rank; 0 for none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileOfSorted(Float64Array.from(values).sort(), p);
}

/** percentile() of values already sorted ascending (a Float64Array's own sort: NaN last). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
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
