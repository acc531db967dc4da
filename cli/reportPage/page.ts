/**
 * cli/reportPage/: the host side of the timeline page (Node code: it runs in the CLI and in the
 * extension host, never in the browser). It is the CLI's HTML report, which the extension's
 * panel reuses: its own layer inside cli/, the one part of cli/ the extension may import (so the
 * card's top-level layout stays as it is); not in webview/ (browser-only, no Node types), not in
 * analyzer/ (pure: gzip is not), not in recorder/ (which runs programs and knows nothing of pages).
 * It may import analyzer types and webview's pure, DOM-free modules (styles, the packed
 * columns' format) and node:*; nothing imports it but cli/ and extension/ (scripts/layers.test.mjs).
 */
import type { Report } from '../../analyzer/report';
import { TIMELINE_CSS } from '../../webview/styles';
import { packColumns } from './packColumns';
import { buildModel } from '../../webview/model';
import { encodePreview } from '../../webview/preview';

/**
 * Builds the timeline page. The report goes into the page as a JSON data block
 * (`<script type="application/json" id="cl-model">`, which never executes and parses fast;
 * main.ts also accepts `globalThis.CONCURRENCY_LENS_MODEL` if a host sets it), as
 * vscode-js-profile-visualizer embeds its model; the bundle (dist/webview.js) renders it.
 * In VS Code pass `scriptUri` and `cspSource`; for the self-contained HTML report pass
 * `inlineScript` (the bundle's text). Strict CSP: nothing but the nonce'd scripts runs,
 * nothing is loaded from anywhere but `cspSource`.
 */
export interface PageOptions {
  report: Report;
  nonce: string;
  title: string;
  cspSource?: string;
  scriptUri?: string;
  inlineScript?: string;
  /** Whether the host can export the run's CPU profiles (false for reopened reports). */
  cpuProfiles?: boolean;
}

export function timelineHtml(o: PageOptions): string {
  const csp = [
    `default-src 'none'`,
    `img-src ${o.cspSource ?? ''} data: blob:`,
    `style-src ${o.cspSource ?? ''} 'unsafe-inline'`,
    `font-src ${o.cspSource ?? ''}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  const nonce = escapeHtml(o.nonce);
  const blocks = modelBlocks(o.report, nonce);
  const script = o.scriptUri
    ? `<script nonce="${nonce}" src="${escapeHtml(o.scriptUri)}"></script>`
    : `<script nonce="${nonce}">${escapeScript(o.inlineScript ?? '')}</script>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${asciiHtml(o.title)}</title>
<style nonce="${nonce}">${TIMELINE_CSS}</style></head>
<body data-cpuprofile="${o.cpuProfiles ? '1' : '0'}"><div id="root" class="cl"></div>
${blocks.head}
${script}${blocks.tail ? `\n${blocks.tail}` : ''}</body></html>`;
}

/**
 * The report as inert data blocks: `#cl-model` (JSON) and, for big runs, `#cl-preview` (the head
 * of what the first frame draws, from the model built here: see webview/preview.ts) and its
 * coarsest class `#cl-preview-0` before the script, so the script draws the first frame before
 * the parser reads on (exact on lanes up to 512 px, else coarse and labelled so); after it the
 * finer classes `#cl-preview-1…2` (the page reads the one its lanes' width draws and redraws)
 * and `#cl-columns` (the packed numeric columns, see packedColumns.ts). The binary blocks are a
 * JSON header line, then base64.
 */
export function modelBlocks(report: Report, nonce: string): { head: string; tail?: string } {
  const packed = packColumns(report);
  const model = `<script type="application/json" id="cl-model" nonce="${nonce}">${modelJson(packed.report)}</script>`;
  if (packed.header.columns.length === 0) return { head: model };
  const preview = encodePreview(buildModel(report));
  const columns = binaryBlock('cl-columns', packed.header, packed.base64, nonce);
  // The page grows by the preview: what a first frame reads of it is at most PREVIEW_MAX_SIZE
  // times the packed columns (rows drawn item by item hold their items; raw f64 times when µs is
  // not exact), else the page decodes the columns before its first frame as it does for small runs.
  const firstFrame = preview.bytes.byteLength + Math.max(...preview.classes.map((c) => c.bytes.byteLength));
  if (firstFrame > ((packed.base64.length * 3) / 4) * PREVIEW_MAX_SIZE) return { head: model, tail: columns };
  const [class0, ...classes] = preview.classes.map((c, k) => binaryBlock(`cl-preview-${k}`, c.header, base64(c.bytes), nonce));
  return {
    head: [model, binaryBlock('cl-preview', preview.header, base64(preview.bytes), nonce), class0].join('\n'),
    tail: [...classes, columns].join('\n'),
  };
}

const base64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** The preview is left out when a first frame would read more than this many times the packed columns (gzipped bytes). */
const PREVIEW_MAX_SIZE = 1.5;

/** An inert block: its header as one JSON line (program text in it cannot close the element), then base64. */
function binaryBlock(id: string, header: unknown, base64: string, nonce: string): string {
  return `<script type="application/octet-stream" id="${id}" nonce="${nonce}">${modelJson(header)}\n${base64}</script>`;
}

/**
 * The report as JSON that cannot close its script element nor open a comment, in ASCII: every
 * other character is a \\u escape (a line or paragraph separator too). The whole page is ASCII
 * (the bundle is: esbuild's default charset; the title below; the styles): Chromium decodes the
 * page in 1 MB chunks, and the first one, which held 65 non-ASCII characters (21 "—" and 44 "·"
 * in row and process labels), took 34 ms of main-thread CPU to decode; in ASCII 10.5 ms (the next
 * chunks, base64, ~4.5 ms). A 1M-span report's first paint: 403 → 363 ms of main-thread CPU,
 * the wait until the script ran 331 → 292 ms (medians of 5 loads each, alternating).
 */
export function modelJson(report: unknown): string {
  return JSON.stringify(report).replace(/</g, '\\u003c').replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeScript(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

/** For a double-quoted attribute: single quotes (CSP keywords) stay readable. */
function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** escapeHtml, and every character beyond ASCII as a character reference (modelJson: why). */
function asciiHtml(s: string): string {
  return escapeHtml(s).replace(/[^\0-\x7f]/gu, (c) => `&#${c.codePointAt(0)};`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
