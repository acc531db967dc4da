/**
 * Runs one profile from the editor: progress notification with elapsed time (its Cancel button
 * stops the program and keeps the report), a status-bar item that also stops it, and the
 * program's output in an output channel or a terminal.
 */
import * as vscode from 'vscode';
import type { Report } from '../../analyzer/report';
import type { ProfileOptions, ProfileRun } from '../../recorder/profileOptions';
import { analyzeHandedOver, type AnalysisOptions } from '../../analyzer/analyze';
import { laneProfiles, type LaneProfile } from '../../analyzer/exportCpuProfile';
import { reportSummaryLine } from '../core/findingText';
import { formatMs, formatSeconds } from '../../analyzer/format';
import { stopRequests } from '../../recorder/stopRequests';

export type StartProfile = (options: ProfileOptions) => ProfileRun;

interface ProgramOutput { write(text: string): void; show(): void; }

/** One terminal, reused across runs, that only displays what the program prints. */
class ProgramTerminal implements vscode.Disposable {
  private terminal: vscode.Terminal | undefined;
  private readonly emitter = new vscode.EventEmitter<string>();
  private pending: string[] = [];
  private open = false;
  private readonly closed = vscode.window.onDidCloseTerminal((t) => {
    if (t === this.terminal) { this.terminal = undefined; this.open = false; }
  });

  start(title: string): ProgramOutput {
    if (!this.terminal) {
      this.pending = [];
      this.terminal = vscode.window.createTerminal({
        name: 'Concurrency Lens',
        iconPath: new vscode.ThemeIcon('pulse'),
        pty: {
          onDidWrite: this.emitter.event,
          open: () => { this.open = true; for (const t of this.pending.splice(0)) this.emitter.fire(t); },
          close: () => { this.open = false; },
        },
      });
    }
    const write = (text: string) => {
      const t = text.replace(/\r?\n/g, '\r\n');
      if (this.open) this.emitter.fire(t); else this.pending.push(t);
    };
    write(`\x1b[2m▶ ${title}\x1b[0m\n`);
    return { write, show: () => this.terminal?.show(true) };
  }

  dispose(): void { this.closed.dispose(); this.emitter.dispose(); this.terminal?.dispose(); }
}

export class ProfileRunner implements vscode.Disposable {
  private current: { run: ProfileRun; label: string; request: ReturnType<typeof stopRequests>; stopping: string | undefined } | undefined;
  private readonly status = vscode.window.createStatusBarItem('concurrencyLens.status', vscode.StatusBarAlignment.Left, 50);
  private readonly terminal = new ProgramTerminal();
  private readonly disposables: vscode.Disposable[] = [this.status, this.terminal];

  constructor(private readonly start: StartProfile, private readonly channel: vscode.OutputChannel) {
    this.status.name = 'Concurrency Lens';
  }

  private lastOutput: ProgramOutput | undefined;

  get running(): boolean { return this.current !== undefined; }

  /** Shows where the last program's output went (terminal or output channel). */
  showOutput(): void { (this.lastOutput ?? { show: () => this.channel.show(true) }).show(); }

  /**
   * The Stop button (status bar, command, the notification's Cancel): the first stop sends the
   * program SIGINT and gives it the grace period to shut down by itself; the next kills it.
   */
  stop(): void {
    const c = this.current;
    if (!c) return;
    const meant = c.request('SIGINT');
    if (meant === 'stop') c.stopping = `waiting up to ${formatSeconds(c.run.graceMs)} for it to shut down · Stop again to kill it`;
    else if (meant === 'kill') c.stopping = 'killing it, keeping the report…';
    else return;
    this.status.text = `$(loading~spin) Stopping ${c.label}: ${c.stopping}`;
    this.channel.appendLine(`[concurrency-lens] stopping ${c.label}: ${c.stopping}`);
  }

  /**
   * Profiles until the program ends or is stopped, then analyzes the recording (as the CLI does:
   * recorder, then analyzer); resolves with the report and the lanes' CPU profiles.
   */
  async profile(options: ProfileOptions, analysis: AnalysisOptions, label: string, outputKind: 'outputChannel' | 'terminal'): Promise<{ report: Report; profiles: LaneProfile[] }> {
    if (this.current) throw new Error(`Already profiling ${this.current.label}. Stop it first.`);
    const output: ProgramOutput = outputKind === 'terminal'
      ? this.terminal.start(`Profiling ${options.command.join(' ')}`)
      : { write: (t) => this.channel.append(t), show: () => this.channel.show(true) };
    this.lastOutput = output;
    if (outputKind === 'outputChannel') this.channel.appendLine(`▶ Profiling ${options.command.join(' ')}  (in ${options.cwd})`);
    output.show();

    const graceSeconds = vscode.workspace.getConfiguration('concurrencyLens').get<number>('shutdownGraceSeconds', 10);
    const run = this.start({
      graceMs: Number.isFinite(graceSeconds) && graceSeconds >= 0 ? graceSeconds * 1000 : undefined,
      ...options,
      stdio: 'pipe',
      onStdout: (chunk) => output.write(chunk),
      onStderr: (chunk) => output.write(chunk),
      onStatus: (message) => this.channel.appendLine(`[concurrency-lens] ${message}`),
    });
    this.current = { run, label, request: stopRequests(run), stopping: undefined };
    const started = Date.now();
    this.status.command = { title: 'Stop profiling', command: 'concurrencyLens.stop' };
    this.status.tooltip = 'Concurrency Lens is profiling: click to stop the program and keep the report';
    this.status.show();

    try {
      return await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification,
        title: `Profiling ${label}`,
        cancellable: true,
      }, async (progress, token) => {
        token.onCancellationRequested(() => this.stop());
        const tick = () => {
          const elapsed = formatMs(Date.now() - started);
          const stopping = this.current?.run === run ? this.current.stopping : undefined;
          progress.report({ message: stopping ? `${elapsed} elapsed · stopping: ${stopping}` : `${elapsed} elapsed · Cancel stops the program and keeps the report` });
          if (this.current?.run === run && !stopping) this.status.text = `$(debug-stop) Profiling ${label} · ${elapsed}`;
        };
        tick();
        const timer = setInterval(tick, 1000);
        try {
          const recording = await run.done;
          const report = analyzeHandedOver(recording.raw, analysis);
          if (outputKind === 'outputChannel') this.channel.appendLine(`■ ${label}: ${reportSummaryLine(report)}`);
          return { report, profiles: laneProfiles(report, recording.profiles) };
        } finally {
          clearInterval(timer);
        }
      });
    } finally {
      this.current = undefined;
      this.status.hide(); // until showResult() puts the run's summary there
    }
  }

  /** After a run: a summary that reopens the report. */
  showResult(report: Report): void {
    this.status.text = `$(pulse) ${reportSummaryLine(report)}`;
    this.status.tooltip = 'Concurrency Lens: show the last report';
    this.status.command = { title: 'Show report', command: 'concurrencyLens.showReport' };
    this.status.show();
  }

  hideResult(): void { if (!this.current) this.status.hide(); }

  dispose(): void {
    this.current?.run.kill(); // the editor is going away: no time for a graceful shutdown
    for (const d of this.disposables) d.dispose();
  }
}
