import type { Report } from '../analyzer/report';
import type { Drawable, Row, Stairs } from './timelineModel';
import { Items } from './lod';

export type { Stairs };

/** At most this many steps; further iterations start again from the top. */
export const MAX_STEPS = 20;
/** Rows with more items are drawn flat (their coarse levels are built per row). */
export const MAX_STAIR_ITEMS = 8192;

export function buildStairs(report: Report, row: Pick<Row, 'start' | 'end' | 'ref' | 'cat'>): Stairs {
  const n = row.start.length;
  if (n > MAX_STAIR_ITEMS) {
    // Drawn flat whatever repeats: the iterations are only read to describe a selected item,
    // so they are counted then (not while the page is first drawn).
    let counted: ReturnType<typeof countIterations> | undefined;
    const count = () => (counted ??= countIterations(report, row));
    return { get iter() { return count().iter; }, get iterOf() { return count().iterOf; }, steps: 1, levels: [] };
  }
  const { iter, iterOf, most } = countIterations(report, row);
  const steps = most > 1 ? Math.min(most, MAX_STEPS) : 1;
  return { iter, iterOf, steps, levels: steps > 1 ? splitLevels(row, iter, steps) : [] };
}

/** Each item's iteration at its site within its invocation, how many its invocation had, and the most any had. */
function countIterations(report: Report, row: Pick<Row, 'ref'>): { iter: Uint32Array; iterOf: Uint32Array; most: number } {
  const n = row.ref.length;
  const iter = new Uint32Array(n), iterOf = new Uint32Array(n);
  const sp = report.spans.asyncSpans;
  const counts = new Map<number, number>();
  const keyOf = (i: number) => {
    const inv = sp.invocation[row.ref[i]] ?? 0;
    return inv > 0 ? (sp.site[row.ref[i]] + 1) * 2 ** 32 + inv : -1;
  };
  let most = 0;
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    if (key < 0) continue;
    const k = (counts.get(key) ?? 0) + 1;
    counts.set(key, k);
    iter[i] = k;
    if (k > most) most = k;
  }
  for (let i = 0; i < n; i++) { const key = keyOf(i); iterOf[i] = key < 0 ? 0 : counts.get(key)!; }
  return { iter, iterOf, most };
}

/** Step of an item: its iteration modulo the steps (unknown iterations on the top step). */
export const stepOf = (iter: number, steps: number) => (iter > 0 ? (iter - 1) % steps : 0);

/** Each step's items (iteration `iter[i]` of item i) as drawables sorted by start. */
export function splitLevels(row: Pick<Row, 'start' | 'end' | 'cat'>, iter: Uint32Array, steps: number): Drawable[] {
  const sizes = new Uint32Array(steps);
  for (let i = 0; i < iter.length; i++) sizes[stepOf(iter[i], steps)]++;
  const levels = [...sizes].map((sz) => new Items(new Float64Array(sz), new Float64Array(sz), new Uint8Array(sz), null, 0));
  const fill = new Uint32Array(steps);
  for (let i = 0; i < iter.length; i++) {
    const s = stepOf(iter[i], steps), k = fill[s]++, l = levels[s];
    l.start[k] = row.start[i]; l.end[k] = row.end[i]; l.cat[k] = row.cat[i];
    if (row.end[i] - row.start[i] > l.maxDur) l.maxDur = row.end[i] - row.start[i];
  }
  return levels; // row order is start order, so each level is sorted too
}
