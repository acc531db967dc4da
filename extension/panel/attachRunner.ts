/**
 * One attach from the editor: a progress notification with elapsed time (its Cancel button
 * detaches and keeps the report) and a status-bar item that also detaches. The process keeps
 * running either way.
 */
import * as vscode from 'vscode';
import type { Report } from '../../analyzer/report';
import type { AttachRun, AttachTarget, AttachOptions } from '../../recorder/attach/attach';
import { analyzeHandedOver, type AnalysisOptions } from '../../analyzer/analyze';
import { laneProfiles, type LaneProfile } from '../../analyzer/exportCpuProfile';
import { reportSummaryLine } from '../core/findingText';
import { formatMs } from '../../analyzer/format';

export type StartAttach = (target: AttachTarget, options: AttachOptions) => Promise<AttachRun>;

export class AttachRunner implements vscode.Disposable {
  private current: { run: AttachRun; label: string } | undefined;
  private readonly status = vscode.window.createStatusBarItem('concurrencyLens.attachStatus', vscode.StatusBarAlignment.Left, 50);

  constructor(private readonly start: StartAttach, private readonly channel: vscode.OutputChannel) {
    this.status.name = 'Concurrency Lens attach';
  }

  get running(): boolean { return this.current !== undefined; }

  /** Detaches (the report is still made); the process runs on. */
  stop(): void {
    if (!this.current) return;
    this.status.text = `$(loading~spin) Detaching from ${this.current.label}…`;
    this.current.run.stop();
  }

  /**
   * Attaches, records until stop() (or the process exits), detaches, then analyzes. Rejects with
   * the recorder's AttachError when the target cannot be attached to.
   */
  async record(target: AttachTarget, analysis: AnalysisOptions, samplingIntervalUs: number, label: string): Promise<{ report: Report; profiles: LaneProfile[] }> {
    if (this.current) throw new Error(`Already attached to ${this.current.label}. Detach first.`);
    this.channel.appendLine(`▶ Attaching to ${label}`);
    const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attaching to ${label}…` },
      () => this.start(target, { samplingIntervalUs, onStatus: (m) => this.channel.appendLine(`[concurrency-lens] ${m}`) }));
    this.current = { run, label };
    const started = Date.now();
    this.status.command = { title: 'Detach', command: 'concurrencyLens.stop' };
    this.status.tooltip = 'Concurrency Lens is recording a running process: click to detach and show the report (the process keeps running)';
    this.status.show();
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Recording ${label}`, cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => this.stop());
        const tick = () => {
          const elapsed = formatMs(Date.now() - started);
          progress.report({ message: `${elapsed} elapsed · Cancel detaches and shows the report; the process keeps running` });
          this.status.text = `$(debug-disconnect) Recording ${label} · ${elapsed}`;
        };
        tick();
        const timer = setInterval(tick, 1000);
        try {
          const recording = await run.done;
          const report = analyzeHandedOver(recording.raw, analysis);
          this.channel.appendLine(`■ ${label}: ${reportSummaryLine(report)}`);
          return { report, profiles: laneProfiles(report, recording.profiles) };
        } finally {
          clearInterval(timer);
        }
      });
    } finally {
      this.current = undefined;
      this.status.hide();
    }
  }

  dispose(): void {
    this.current?.run.stop(); // the editor is going away: detach (the agents also undo themselves when we are gone)
    this.status.dispose();
  }
}
