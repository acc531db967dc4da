import type { Report } from '../analyzer/report';

/**
 * Builds the timeline page. The report goes into the page under a nonce'd script
 * (`globalThis.CONCURRENCY_LENS_MODEL`), as vscode-js-profile-visualizer does; the bundle
 * (dist/webview.js) renders it. In VS Code pass `scriptUri` and `cspSource`; for the
 * self-contained HTML report pass `inlineScript` (the bundle's text).
 * PLACEHOLDER: the webview issue replaces the body with the real timeline.
 */
export interface PageOptions {
  report: Report;
  nonce: string;
  title: string;
  cspSource?: string;
  scriptUri?: string;
  inlineScript?: string;
}

export function timelineHtml(o: PageOptions): string {
  // JSON inside <script> must not be able to close the tag.
  const model = JSON.stringify(o.report).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; img-src ${o.cspSource ?? ''} data:; style-src ${o.cspSource ?? ''} 'unsafe-inline'; script-src 'nonce-${o.nonce}';`;
  const script = o.scriptUri
    ? `<script nonce="${o.nonce}" src="${o.scriptUri}"></script>`
    : `<script nonce="${o.nonce}">${(o.inlineScript ?? '').replace(/<\/script/gi, '<\\/script')}</script>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(o.title)}</title></head>
<body><div id="root"></div>
<script nonce="${o.nonce}">globalThis.CONCURRENCY_LENS_MODEL = ${model};</script>
${script}</body></html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
