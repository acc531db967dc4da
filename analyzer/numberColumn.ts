/**
 * A report column of numbers held as a typed array instead of a number[] (the await spans: a
 * 20M-promise storm keeps 227k of them, seven columns). A number[] of n elements is 8n bytes
 * written once as holes when it is made and again as it is filled; a typed array of the column's
 * own width (Int32 for indexes, Uint8 for flags) is 4n or n, zeroed by the allocator as the
 * pages are first touched. On a small VM every fresh page costs a fault (~15 µs here), and those
 * were most of the analysis's time on such runs.
 *
 * A column reads like the number[] it stands for (`length`, `[i]`), and is written to JSON as
 * the array of its numbers, by anyone: its own `toJSON` (JSON.stringify, the extension's saved
 * reports and messages), and cli/jsonFile.ts and the page's packed columns, which write it
 * directly (isNumberColumn) without making that array. A report read back from JSON has
 * number[] there: consumers index columns, and never assume either form.
 */
export type NumberColumn = ArrayLike<number>;

/** `column`, written to JSON as the array of its numbers (see above). */
export function numberColumn<T extends Float64Array | Int32Array | Uint8Array>(column: T): T {
  Object.defineProperty(column, 'toJSON', { value: columnToJson, configurable: true });
  return column;
}

/** Whether `value` is a column made by numberColumn (its JSON is the array of its numbers). */
export function isNumberColumn(value: unknown): value is Float64Array | Int32Array | Uint8Array {
  return ArrayBuffer.isView(value) && (value as { toJSON?: unknown }).toJSON === columnToJson;
}

/**
 * The columns' toJSON: one function per realm, however many bundles hold a copy of this module
 * (isNumberColumn compares it: a column made by one copy is recognized by another).
 */
const columnToJson: (this: ArrayLike<number>) => number[] = ((globalThis as any)[Symbol.for('concurrency-lens.numberColumn.toJSON')] ??=
  function toJSON(this: ArrayLike<number>): number[] { return Array.from(this); });
