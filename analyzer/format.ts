/**
 * Human-readable numbers, the one formatter of each unit for every layer: finding messages
 * (analyzer), the CLI, the extension's lenses and hovers, the timeline (header, axis, tooltips).
 * Pure: no Node, no DOM, so the webview bundle and the extension host can both import it.
 */

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 100) return `${ms.toFixed(0)} ms`;
  if (a >= 10) return `${ms.toFixed(1)} ms`;
  if (a >= 1) return `${ms.toFixed(2)} ms`;
  if (a === 0) return '0 ms';
  return `${(ms * 1000).toFixed(0)} µs`;
}

/** A grace period or a timeout as the user reads it, to the tenth of a second: "10 s", "1.5 s". */
export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

export function formatPercent(p: number): string {
  return Number.isFinite(p) ? `${p.toFixed(0)} %` : '–';
}

export function formatCount(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

/**
 * An integer with its thousands grouped as en-US writes them ("1,000,000"), as
 * `n.toLocaleString('en-US')` does, without Intl: the first Intl call of a page loads its locale
 * data (~20 ms before the timeline's first frame). Other numbers as toLocaleString writes them.
 */
export function formatThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** The last path segment of a file path or URL (labels stay short; the full path goes in tooltips). */
export function baseName(p: string | undefined): string {
  if (!p) return '';
  const m = /[^/\\]*$/.exec(p);
  return m && m[0] ? m[0] : p;
}
