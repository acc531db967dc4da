import type { TimelineModel } from './model';

/**
 * Vertical layout of the lanes area: for each process a header, then for each of its lanes
 * the busy-slice row (labelled with the lane) and the lane's async rows (labelled with the
 * creation site); launchers (npm, npx, sh) dimmed, their busy row collapsed to a strip. Pure: the same model always gives the same positions (no layout jumps).
 */
export type Band =
  | { type: 'process'; y: number; h: number; label: string; title: string; dim?: boolean }
  | { type: 'row'; y: number; h: number; row: number; lane: number; label: string; title: string; first: boolean; dim?: boolean };

export const PROCESS_H = 20;
export const SLICE_H = 20;
/** A launcher's (npm, sh) busy row: collapsed to a thin strip. */
export const LAUNCHER_SLICE_H = 8;
export const ASYNC_H = 13;
export const LANE_GAP = 8;
/** A staircase row: each step STEP_H lower than the one before, its bars STEP_BAR_H high. */
export const STEP_H = 3;
export const STEP_BAR_H = 4;

/** Height of an async row drawn with `steps` steps (1: a flat row). */
export function asyncRowHeight(steps: number): number {
  return steps <= 1 ? ASYNC_H : 4 + (steps - 1) * STEP_H + STEP_BAR_H;
}

export interface RowLayout {
  bands: Band[];
  /** y and height of each model row, by row index. */
  rowY: Float64Array;
  rowH: Float64Array;
  /** Top and bottom of each lane's block (slice row + async rows), by lane index. */
  laneTop: Float64Array;
  laneBottom: Float64Array;
  height: number;
}

export function layoutRows(m: TimelineModel): RowLayout {
  const bands: Band[] = [];
  const rowY = new Float64Array(m.rows.length), rowH = new Float64Array(m.rows.length);
  const laneTop = new Float64Array(m.report.lanes.length), laneBottom = new Float64Array(m.report.lanes.length);
  let y = 0;
  for (const p of m.processes) {
    const dim = p.launcher ? { dim: true } : {};
    bands.push({ type: 'process', y, h: PROCESS_H, label: p.label, title: p.label, ...dim });
    y += PROCESS_H + 2;
    const sliceH = p.launcher ? LAUNCHER_SLICE_H : SLICE_H;
    for (const lv of p.lanes) {
      laneTop[lv.lane] = y;
      // A collapsed strip has no room for text: the process header names the launcher, the tooltip says the rest.
      bands.push({ type: 'row', y, h: sliceH, row: lv.sliceRow, lane: lv.lane, label: p.launcher ? '' : lv.label, title: lv.title, first: true, ...dim });
      rowY[lv.sliceRow] = y; rowH[lv.sliceRow] = sliceH;
      y += sliceH + 1;
      for (const r of lv.asyncRows) {
        const h = asyncRowHeight(m.rows[r].stairs?.steps ?? 1);
        bands.push({ type: 'row', y, h, row: r, lane: lv.lane, label: m.rows[r].label, title: m.rows[r].label, first: false, ...dim });
        rowY[r] = y; rowH[r] = h;
        y += h + 1;
      }
      laneBottom[lv.lane] = y - 1;
      y += LANE_GAP;
    }
  }
  return { bands, rowY, rowH, laneTop, laneBottom, height: y };
}

/** The band under y (binary search; bands are in increasing y), or undefined. */
export function bandAt(layout: RowLayout, y: number): Band | undefined {
  const b = layout.bands;
  let lo = 0, hi = b.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (b[mid].y > y) hi = mid - 1;
    else if (b[mid].y + b[mid].h <= y) lo = mid + 1;
    else return b[mid];
  }
  return undefined;
}
