/** Hosts the timeline webview: one panel, reused for every run. */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Report } from '../../analyzer/report';
import type { FromWebview, ToWebview } from '../../webview/protocol';
import { escapeHtml, timelineHtml } from '../../reportPage/page';

export interface ReportPanelEvents {
  openLocation(location: FromWebview & { type: 'openLocation' }): void;
  selectFinding(findingId: string): void;
  export(format: 'trace' | 'cpuprofile'): void;
}

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ToWebview[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly events: ReportPanelEvents) {}

  get isOpen(): boolean { return this.panel !== undefined; }

  /** The column the panel is in, if open. */
  get column(): vscode.ViewColumn | undefined { return this.panel?.viewColumn; }

  /**
   * Shows a report in the panel: the panel keeps its column once opened (a focused Compare tab
   * beside it must not push it into a third one); a new panel opens in `column` or beside the editor.
   * `cpuProfiles`: whether this session has the run's CPU profiles (saved reports do not).
   */
  show(report: Report, title: string, baseline?: Report, o: { cpuProfiles?: boolean; column?: vscode.ViewColumn } = {}): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('concurrencyLens.report', title, { viewColumn: o.column ?? vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [dist],
        retainContextWhenHidden: true,
      });
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m));
    }
    this.panel.title = title;
    this.ready = false;
    this.queue = baseline ? [{ type: 'report', report, baseline }] : [];
    const bundle = vscode.Uri.joinPath(dist, 'webview.js');
    const webview = this.panel.webview;
    // One renderer: the typed timeline bundle (webview/main.ts), spoken to through webview/protocol.ts.
    // Without it (a build that skipped the webview) the panel says so instead of rendering something else.
    webview.html = existsSync(bundle.fsPath)
      ? timelineHtml({
        report, title, nonce: randomBytes(16).toString('base64'), cspSource: webview.cspSource,
        cpuProfiles: o.cpuProfiles ?? false, scriptUri: webview.asWebviewUri(bundle).toString(),
      })
      : missingBundleHtml(bundle.fsPath);
    this.panel.reveal(this.panel.viewColumn, true);
  }

  revealFinding(findingId: string): void {
    if (!this.panel) return;
    this.panel.reveal(undefined, true);
    this.post({ type: 'revealFinding', findingId });
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel?.webview.postMessage(message);
    else this.queue.push(message);
  }

  private receive(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) void this.panel?.webview.postMessage(m);
        break;
      case 'openLocation': this.events.openLocation(message); break;
      case 'selectFinding': this.events.selectFinding(message.findingId); break;
      case 'export': this.events.export(message.format); break;
    }
  }

  dispose(): void { this.panel?.dispose(); }
}

/** A static page (no script) for an extension installed without its timeline bundle. */
function missingBundleHtml(bundlePath: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none';"><title>Concurrency Lens</title></head>
<body><p>The timeline bundle is missing (${escapeHtml(bundlePath)}): run <code>npm run build</code> and open the report again.</p></body></html>`;
}
