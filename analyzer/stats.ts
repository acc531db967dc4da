/** Percentile (0–100) of unsorted values by nearest rank; 0 for none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Finding messages' milliseconds (fewer digits than format.ts's formatMs: "14 ms", not "14.0 ms").
 * Kept apart for now because analyzer/findings and its tests assert this text; to merge into
 * formatMs once that directory is free to change (issue 9).
 */
export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${round(ms / 1000, 2)} s`;
  return ms >= 10 ? `${Math.round(ms)} ms` : ms >= 1 ? `${round(ms, 1)} ms` : `${round(ms, 2)} ms`;
}
