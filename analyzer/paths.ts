/**
 * File paths and file: URLs without node:path / node:url, so the analyzer stays pure (its
 * tsconfig has neither Node nor DOM types). Paths are those of the machine that recorded the
 * run: POSIX (`/a/b.js`) or Windows (`C:\a\b.js`); both separators are accepted.
 */

/** The last segment of a path, trailing separators ignored (`/a/b.js` → `b.js`), like path.basename. */
export function basename(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  const m = /[^\\/]*$/.exec(trimmed);
  return m ? m[0] : '';
}

/** The directory of a path with its trailing separator (`/a/b.js` → `/a/`); '' for a bare name. */
export function dirWithSep(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? '' : p.slice(0, i + 1);
}

/**
 * `file:///a/b%20c.js` → `/a/b c.js`; `file:///C:/a/b.js` → `C:\a\b.js`. Anything that is not a
 * file: URL is returned unchanged (node:internal names, eval scripts, plain paths).
 */
export function fileUrlToPath(url: string): string {
  if (!url.startsWith('file://')) return url;
  let rest = url.slice('file://'.length);
  if (rest.startsWith('localhost/')) rest = rest.slice('localhost'.length);
  const end = rest.search(/[?#]/);
  if (end >= 0) rest = rest.slice(0, end);
  let decoded: string;
  try { decoded = decodeURIComponent(rest); } catch { decoded = rest; }
  return /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1).replace(/\//g, '\\') : decoded;
}
