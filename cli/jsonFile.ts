import * as fs from 'node:fs';

/** Array elements serialized at once: a slice of numbers is ~40 kB of text, well under V8's large-object size. */
const SLICE = 4096;
/** Text gathered before it is written out. */
const FLUSH_CHARS = 1 << 16;

/**
 * Writes `value` to `file` as JSON: the same text as `JSON.stringify(value)`, made and written a
 * piece at a time. A report's span arrays hold millions of numbers: as one string (8 MB for a
 * 20M-promise run) and its UTF-8 copy, the text took fresh memory pages whose faults cost more
 * than the serializing (stringify + write 215 ms there); in pieces of at most ~64 kB the same
 * memory is reused. Objects and arrays are walked (with JSON.stringify's rules: toJSON, keys
 * whose value is undefined, a function or a symbol left out, such array elements as null);
 * slices of arrays of primitives and every primitive go to JSON.stringify itself.
 */
export function writeJsonFile(file: string, value: unknown): void {
  const fd = fs.openSync(file, 'w');
  try {
    let pending = '';
    const put = (text: string) => {
      pending += text;
      if (pending.length >= FLUSH_CHARS) { writeAll(fd, pending); pending = ''; }
    };
    const top = resolved(value, '');
    if (hasNoJson(top)) throw new TypeError('nothing to write: the value has no JSON form');
    emit(top, put);
    writeAll(fd, pending);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** `value` as JSON.stringify sees it in its holder under `key`: after its toJSON, if it has one. */
function resolved(value: unknown, key: string): unknown {
  const hasToJson = value !== null && (typeof value === 'object' || typeof value === 'bigint')
    && typeof (value as { toJSON?: unknown }).toJSON === 'function';
  return hasToJson ? (value as { toJSON(key: string): unknown }).toJSON(key) : value;
}

/** Whether JSON.stringify leaves a (resolved) value out of an object, and writes it as null in an array. */
const hasNoJson = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The objects and arrays being written, outermost first: a cycle is an error, as in JSON.stringify. */
const ancestors = new Set<object>();

/** Puts the JSON of a resolved value that has one. */
function emit(value: unknown, put: (text: string) => void): void {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)
    || value instanceof Number || value instanceof String || value instanceof Boolean) {
    put(JSON.stringify(value));
    return;
  }
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  ancestors.add(value);
  try { emitContainer(value, put); } finally { ancestors.delete(value); }
}

function emitContainer(value: object, put: (text: string) => void): void {
  if (Array.isArray(value)) {
    put('[');
    for (let from = 0; from < value.length; from += SLICE) {
      const to = Math.min(value.length, from + SLICE);
      if (from > 0) put(',');
      if (primitivesOnly(value, from, to)) {
        put(JSON.stringify(value.slice(from, to)).slice(1, -1));
        continue;
      }
      for (let i = from; i < to; i++) {
        if (i > from) put(',');
        const v = resolved(value[i], String(i));
        if (hasNoJson(v)) put('null'); else emit(v, put);
      }
    }
    put(']');
    return;
  }
  put('{');
  let first = true;
  for (const k of Object.keys(value)) {
    const v = resolved((value as Record<string, unknown>)[k], k);
    if (hasNoJson(v)) continue;
    put(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
    emit(v, put);
    first = false;
  }
  put('}');
}

/** Whether value[from, to) holds no object (JSON.stringify writes such a slice alone; holes and undefined become null there too). */
function primitivesOnly(value: unknown[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const e = value[i];
    if (e !== null && typeof e === 'object') return false;
  }
  return true;
}
