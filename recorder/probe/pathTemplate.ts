/**
 * A request path with its ID-like segments folded into placeholders, so that a server without a
 * framework that names its routes (plain node:http, Koa, 404s) or a client calling `/users/123`
 * gets one route per shape of path, not one per id: `/item/17` and `/item/18` are `/item/:n`.
 * Without it every id was a route of its own: an HTTP fan-out of 2,000 ids read as 500 routes of
 * one request each and "(other paths)" for the rest, and none had a meaningful p99.
 *
 * A segment (between two `/`) is folded when it is, whole:
 *   :n     digits, or a digit followed by digits and `.,:_-` (`42`, `2024-01-15`, `1.2.3`)
 *   :uuid  a UUID (`3f2b…-…`, any version, either case)
 *   :hex   16 or more hex digits with at least one digit (Mongo ObjectIds, SHA digests)
 *   :id    16 or more of `A-Za-z0-9_-` with at least one digit and one letter (ULIDs, base64url
 *          tokens, `cus_…`-style keys)
 * Anything else is kept as it is: a name with a digit (`/v2`, `/p7`, `/main.3f9a2b.js`), and
 * every segment without a digit (a path with nothing to fold is returned as it is, not rebuilt). A framework's own
 * pattern (`/items/:id`) is never passed here.
 *
 * `from`: where the path begins in `s` (a client request's route is host + path, and the host,
 * `127.0.0.1:8080`, is not a segment).
 */
export function pathTemplate(s: string, from = 0): string {
  let out: string | undefined; // built only once a segment folds
  let kept = from; // s[from, kept) is in `out` (or unchanged)
  for (let a = from; a <= s.length;) {
    let b = s.indexOf('/', a);
    if (b < 0) b = s.length;
    const fold = foldRange(s, a, b);
    if (fold !== undefined) {
      out = (out ?? s.slice(0, from)) + s.slice(kept, a) + fold;
      kept = b;
    }
    a = b + 1;
  }
  return out === undefined ? s : out + s.slice(kept);
}

/** The placeholder for one path segment, or the segment itself. */
export function foldSegment(seg: string): string {
  return foldRange(seg, 0, seg.length) ?? seg;
}

// Character classes of a segment, as bits (one pass over it, no regular expression: a server
// whose every request names a new id templates every path it serves).
const DIGIT = 1, HEX_LETTER = 2, LETTER = 4, DASH = 8, PUNCT = 16, OTHER = 32;
const NUMBER_CHARS = DIGIT | DASH | PUNCT;
const HEX_CHARS = DIGIT | HEX_LETTER;
const TOKEN_CHARS = DIGIT | HEX_LETTER | LETTER | DASH;

/** The class of a character code: DASH is - and _, PUNCT . , and :. */
function charClass(c: number): number {
  if (c >= 48 && c <= 57) return DIGIT;
  const lower = c | 32;
  if (lower >= 97 && lower <= 102) return HEX_LETTER;
  if (lower >= 103 && lower <= 122) return LETTER;
  if (c === 45 || c === 95) return DASH;
  if (c === 46 || c === 44 || c === 58) return PUNCT;
  return OTHER;
}

/** The placeholder for s[a, b), or undefined to keep it (see pathTemplate). */
function foldRange(s: string, a: number, b: number): string | undefined {
  let all = 0;
  for (let i = a; i < b; i++) all |= charClass(s.charCodeAt(i));
  if (!(all & DIGIT)) return undefined;
  if ((all & ~NUMBER_CHARS) === 0 && charClass(s.charCodeAt(a)) === DIGIT) return ':n';
  const len = b - a;
  if (len === 36 && isUuid(s, a)) return ':uuid';
  if (len < 16) return undefined;
  if ((all & ~HEX_CHARS) === 0) return ':hex';
  if ((all & ~TOKEN_CHARS) === 0 && all & (HEX_LETTER | LETTER)) return ':id';
  return undefined;
}

function isUuid(s: string, a: number): boolean {
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(a + i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 : (charClass(c) & HEX_CHARS) === 0) return false;
  }
  return true;
}
