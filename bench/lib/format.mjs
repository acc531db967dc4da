// The bench's number formatting: milliseconds through the product's one formatter (analyzer/format.ts,
// loaded through tsx), ratios, percentages, megabytes and request rates. Missing figures print as '—'.
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const format = await tsImport(pathToFileURL(join(ROOT, 'analyzer/format.ts')).href, import.meta.url);

const known = (x) => typeof x === 'number' && Number.isFinite(x);
export const fmtMs = (ms) => (known(ms) ? format.formatMs(ms) : '—');
export const fmtDeltaMs = (ms) => (known(ms) ? `${ms < 0 ? '−' : '+'}${format.formatMs(Math.abs(ms))}` : '—');
export const fmtRatio = (x) => (known(x) ? `${x.toFixed(2)}×` : '—');
export const fmtPercent = (x) => (known(x) ? `${(x * 100).toFixed(1)} %` : '—');
export const fmtMb = (kb) => (known(kb) ? `${(kb / 1024).toFixed(0)} MB` : '—');
export const fmtRate = (x) => (known(x) ? `${Math.round(x).toLocaleString('en-US')} req/s` : '—');
