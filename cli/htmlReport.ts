import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Report } from '../analyzer/report';
import { timelineHtml } from '../reportPage/page';

/**
 * `--html FILE`: one self-contained page (the timeline bundle and the report inlined, no
 * network, strict CSP with a fresh nonce) that any browser opens from disk.
 */
export function writeHtmlReport(report: Report, file: string): void {
  writeFileSync(file, htmlReport(report));
}

export function htmlReport(report: Report): string {
  const title = `Concurrency Lens — ${report.program.command.join(' ')}`;
  return timelineHtml({ report, nonce: randomBytes(16).toString('base64'), title, inlineScript: readFileSync(webviewBundle(), 'utf8') });
}

/** dist/webview.js: next to the bundled CLI (dist/cli.js), or under dist/ when run from source. */
export function webviewBundle(): string {
  const candidates = [path.join(__dirname, 'webview.js'), path.join(__dirname, '..', 'dist', 'webview.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`timeline bundle not found (looked for ${candidates.join(', ')}); run npm run build`);
  return found;
}
