import type { Report, SourceLocation } from '../analyzer/report';

/**
 * The shape of the timeline's flat model (built by model.ts) and the lookups every part of the
 * view shares. A module of its own so that the builders model.ts calls (stairs.ts,
 * requestsRow.ts) and the drawing code (lod.ts) import the types without importing the builder:
 * no import cycle (scripts/layers.test.mjs).
 */

export type RowKind = 'slices' | 'async' | 'requests';

export interface Row {
  kind: RowKind;
  /** Index into report.lanes. */
  lane: number;
  /** Label shown in the gutter (program-provided text: render as text only). */
  label: string;
  /** For async rows: the creation site (index into spans.sites; -1 unknown), or OTHER_SITES. */
  site: number;
  /** Sorted by start. */
  start: Float64Array;
  end: Float64Array;
  /** Index of each item in its report column (spans.slices, spans.asyncSpans or spans.requests). */
  ref: Uint32Array;
  /** Slices: SLICE_CATEGORIES index. Async spans: 1 if rejected, else 0. Requests: 1 if failed or 5xx. */
  cat: Uint8Array;
  /** Longest item: a window [t0, t1] holds items starting in [t0 - maxDur, t1). */
  maxDur: number;
  /** Async rows: each item's iteration and the staircase the row is drawn as (stairs.ts). */
  stairs?: Stairs;
}

/**
 * Every row is made here, its fields in one order and `stairs` always present (undefined when
 * flat): the preview's rows and the loaded model's then share one hidden class in V8, so the
 * draw loops' optimized code keeps working when the loaded rows replace the preview's (rows
 * made by object spreads and literals of other orders had other classes, and the first zoom
 * after a load threw that code away in its frame).
 */
export function newRow(kind: RowKind, lane: number, label: string, site: number,
  d: Pick<Row, 'start' | 'end' | 'ref' | 'cat' | 'maxDur'>, stairs?: Stairs): Row {
  return { kind, lane, label, site, start: d.start, end: d.end, ref: d.ref, cat: d.cat, maxDur: d.maxDur, stairs };
}

export interface LaneView {
  lane: number;
  /** "main", "worker 3", "child 4123" … with the script's base name. */
  label: string;
  /** Full description for tooltips: pid, thread id, script path. */
  title: string;
  sliceRow: number;
  asyncRows: number[];
}

export interface ProcessView {
  pid: number;
  label: string;
  lanes: LaneView[];
  /** Launcher name (npm, npx, sh…): a process that only starts others, drawn dimmed and low. */
  launcher?: string;
}

export interface TimelineModel {
  report: Report;
  /** Time 0 … wallMs is the whole run (at least the last span's end). */
  wallMs: number;
  rows: Row[];
  /** Lanes grouped by process: the main lane's process first, then by pid; main thread first within one. */
  processes: ProcessView[];
  /** Whole-run series in `bucketMs` buckets. `lag` is the worst lag of any lane in the bucket. */
  bucketMs: number;
  lag: Float32Array;
  concurrency: Float32Array;
  parallelism: Float32Array;
  threadpoolRunning: Float32Array;
  threadpoolQueued: Float32Array;
  /** HTTP requests in flight (empty without requests). */
  requestsInFlight: Float32Array;
  totalSpans: number;
  /**
   * Drawn from the host's preview (preview.ts) while the spans are decoded: rows hold no items
   * to hover or select yet, and a zoom finer than the preview draws them as loading. Cleared
   * when the loaded rows replace them (Timeline.load).
   */
  pending?: boolean;
}

/** Async rows per lane that get their own creation site; the rest share one "other" row. */
export const MAX_SITE_ROWS = 6;

/** `Row.site` of the row that gathers a lane's less used sites. */
export const OTHER_SITES = -2;

export function siteLabel(r: Report, site: number): string {
  const s = r.spans.sites;
  if (site < 0 || site >= s.label.length) return '';
  return r.spans.strings[s.label[site]] ?? '';
}

export function siteLocation(r: Report, site: number): SourceLocation | undefined {
  const s = r.spans.sites;
  if (site < 0 || site >= s.file.length) return undefined;
  return { file: r.spans.strings[s.file[site]] ?? '', line: s.line[site], column: s.column[site] };
}

/** What the level of detail reads: a row, or a coarse level of one (with its items' cover). */
export type Drawable = Pick<Row, 'start' | 'end' | 'cat' | 'maxDur'> & { cover?: Float32Array | null };

/**
 * Iterations of awaits, and the staircase they are drawn as. One invocation of an async
 * function waits on one await at a time, so the spans of one await site within one
 * invocation ran one after another: the k-th of them is the site's k-th iteration (of the
 * loop it sits in). An async row whose invocations repeat a site is drawn as a staircase:
 * iteration k on step (k−1) mod `steps`, each step its own sub-row, so back-to-back waits
 * read as separate bars stepping down instead of one long bar. Rows where nothing repeats
 * stay flat. Pure.
 */
export interface Stairs {
  /** 1-based iteration of each item (row order), 0 when its invocation is unknown. */
  iter: Uint32Array;
  /** How many iterations the item's invocation recorded at its site. */
  iterOf: Uint32Array;
  /** Number of steps drawn (1: flat). */
  steps: number;
  /** Items of each step, as drawables sorted by start (length `steps`; empty when flat). */
  levels: Drawable[];
}
