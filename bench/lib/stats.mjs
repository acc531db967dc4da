// Order statistics of the bench's samples. Non-finite samples (a run that gave no figure) are left out.

const finiteSorted = (xs) => xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);

/** The median; NaN when there is no finite sample. */
export function median(xs) {
  const s = finiteSorted(xs);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-quantile (0 ≤ p ≤ 1) by the nearest-rank method: a sample that occurred, never an interpolation. */
export function percentile(xs, p) {
  const s = finiteSorted(xs);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}

export function max(xs) {
  const s = finiteSorted(xs);
  return s.length ? s[s.length - 1] : NaN;
}
