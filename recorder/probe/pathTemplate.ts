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
 * every path without a digit, which is returned unchanged without being split. A framework's own
 * pattern (`/items/:id`) is never passed here.
 *
 * `from`: where the path begins in `s` (a client request's route is host + path, and the host,
 * `127.0.0.1:8080`, is not a segment).
 */
export function pathTemplate(s: string, from = 0): string {
  if (!hasDigit(s, from)) return s;
  const segments = s.slice(from).split('/');
  for (let i = 0; i < segments.length; i++) segments[i] = foldSegment(segments[i]);
  return s.slice(0, from) + segments.join('/');
}

const NUMBER = /^\d[\d.,:_-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{16,}$/i;
const TOKEN = /^[A-Za-z0-9_-]{16,}$/;
const LETTER = /[A-Za-z]/;

/** The placeholder for one path segment, or the segment itself. */
export function foldSegment(seg: string): string {
  if (!hasDigit(seg, 0)) return seg;
  if (NUMBER.test(seg)) return ':n';
  if (UUID.test(seg)) return ':uuid';
  if (HEX.test(seg)) return ':hex';
  if (TOKEN.test(seg) && LETTER.test(seg)) return ':id';
  return seg;
}

function hasDigit(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}
