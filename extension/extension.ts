/**
 * Concurrency Lens in VS Code: wires the commands, the runner, the report panel and the
 * findings presenter together. Everything below extension/panel is editor-free (extension/core)
 * or belongs to the recorder/analyzer.
 */
import * as vscode from 'vscode';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../analyzer/report';
import { startProfile } from '../recorder/profile';
import { attach, type AttachTarget } from '../recorder/attach/attach';
import { listNodeProcesses, describeCommand, scriptName, type NodeProcessInfo } from '../recorder/attach/nodeProcesses';
import { AttachRunner } from './panel/attachRunner';
import { absoluteFile, FindingsIndex, validateReport } from './core/findingsIndex';
import type { LaneProfile } from '../analyzer/exportCpuProfile';
import { exportRun } from './panel/exports';
import { reportSummaryLine } from './core/findingText';
import { nodeLaunchConfigs, npmScripts, PROFILABLE_FILE, TargetError, targetLabel, toAnalysisOptions, toProfileOptions, type ProfileSettings, type Target } from './core/targets';
import { compareHtml } from './panel/compareView';
import { checkLaunchConfig, checkNpmScript } from './core/targetChecks';
import { walkthroughProgress } from './core/walkthroughProgress';
import { FindingsPresenter } from './panel/findingsPresenter';
import { ProfileRunner } from './panel/profileRunner';
import { ReportPanel } from './panel/reportPanel';
import { randomBytes } from 'node:crypto';

const RESTRICTED_MESSAGE = 'Concurrency Lens: profiling runs this workspace\'s code, so it is disabled in Restricted Mode. Trust the workspace to profile; opening saved reports still works.';

function settings(): ProfileSettings & { programOutput: 'outputChannel' | 'terminal' } {
  const c = vscode.workspace.getConfiguration('concurrencyLens');
  return {
    blockingThresholdMs: c.get('blockingThresholdMs', 20),
    samplingIntervalUs: c.get('samplingIntervalUs', 1000),
    nodePath: c.get('nodePath', ''),
    includeNodeModules: c.get('includeNodeModules', false),
    programOutput: c.get('programOutput', 'outputChannel'),
  };
}

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Concurrency Lens');
  const index = new FindingsIndex();
  const presenter = new FindingsPresenter(index);
  const runner = new ProfileRunner(startProfile, channel);
  const attachRunner = new AttachRunner(attach, channel);
  const history: Report[] = [];
  // CPU profiles of the runs of this session, for "Export .cpuprofile".
  const profilesOf = new WeakMap<Report, LaneProfile[]>();
  const panel = new ReportPanel(context.extensionUri, {
    openLocation: (m) => void revealSource(absoluteFile(m.location, index.report?.program.cwd ?? ''), m.location.line, m.location.column, false),
    // Selecting a finding in the timeline shows its line without taking the focus from the panel.
    selectFinding: (id) => {
      const f = index.get(id);
      if (f) progress('readTimeline');
      if (f) void revealSource(index.fileOf(f), f.location.line, f.location.column, true);
    },
    export: (format) => {
      const report = index.report ?? history.at(-1);
      if (report) void exportRun(format, report, profilesOf.get(report) ?? []);
    },
  });
  context.subscriptions.push(channel, presenter, runner, attachRunner, panel);
  // The walkthrough ticks a step from these context keys, set only once its action succeeded.
  const progress = (key: string) => void vscode.commands.executeCommand('setContext', `concurrencyLens.${key}`, true);

  // The last profilable file the user had in an editor: what "Profile it" means when the
  // walkthrough (or any non-editor) has the focus.
  let lastFile = profilableUri(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor((e) => { lastFile = profilableUri(e) ?? lastFile; }));
  const currentFile = () => profilableUri(vscode.window.activeTextEditor) ?? lastFile;

  let compareView: vscode.WebviewPanel | undefined;
  const showReport = (report: Report, baseline?: Report) => {
    index.set(report);
    presenter.refresh();
    runner.showResult(report);
    const name = report.program.command.map((p) => p.split(/[\\/]/).pop()).join(' ');
    panel.show(report, `Concurrency: ${name}`, baseline, { cpuProfiles: (profilesOf.get(report)?.length ?? 0) > 0, column: compareView?.viewColumn });
  };

  const register = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  /** Whether a run may start: the workspace is trusted (else offers to manage trust) and nothing is recording. */
  const mayRun = async (): Promise<boolean> => {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showInformationMessage(RESTRICTED_MESSAGE, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return false;
    }
    if (runner.running || attachRunner.running) {
      void vscode.window.showWarningMessage('Concurrency Lens is already recording a program. Stop it first.', 'Stop').then((c) => c && (runner.stop(), attachRunner.stop()));
      return false;
    }
    return true;
  };

  // `{ recentFile: true }` (the walkthrough's link): the file the user last had open, without asking.
  // `{ argv, cwd }`: a running process's command line, restarted under Concurrency Lens (after an attach).
  register('concurrencyLens.profile', async (arg?: vscode.Uri | { recentFile?: boolean } | { argv: string[]; cwd: string }) => {
    if (!await mayRun()) return;
    const file = currentFile();
    const target = arg instanceof vscode.Uri ? fileTarget(arg)
      : arg && typeof arg === 'object' && 'argv' in arg ? { kind: 'command' as const, argv: arg.argv, cwd: arg.cwd }
      : arg && typeof arg === 'object' && 'recentFile' in arg && arg.recentFile && file ? fileTarget(file)
      : await pickTarget(file);
    if (!target) return;
    const config = settings();
    let options;
    try {
      options = toProfileOptions(target, config, file?.fsPath);
    } catch (e) {
      if (e instanceof TargetError) { void vscode.window.showErrorMessage(`Concurrency Lens: ${e.message}`); return; }
      throw e;
    }
    if (target.kind === 'file') await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === target.file)?.save();
    const label = targetLabel(target);
    let report: Report;
    try {
      const result = await runner.profile(options, toAnalysisOptions(config), label, config.programOutput);
      report = validateReport(result.report);
      profilesOf.set(report, result.profiles);
    } catch (e) {
      void vscode.window.showErrorMessage(`Concurrency Lens could not start ${label}: ${(e as Error).message}`, 'Show Output').then((c) => c && runner.showOutput());
      return;
    }
    const baseline = history.at(-1);
    history.push(report);
    if (history.length > 10) history.shift();
    if (report.program.error && report.lanes.length === 0) {
      void vscode.window.showErrorMessage(`Concurrency Lens: ${label} did not start: ${report.program.error}`, 'Show Output').then((c) => c && runner.showOutput());
      return;
    }
    const sameProgram = baseline && baseline.program.command.join(' ') === report.program.command.join(' ');
    showReport(report, sameProgram ? baseline : undefined);
    for (const key of walkthroughProgress(report, baseline)) progress(key);
    if (report.program.error) {
      void vscode.window.showWarningMessage(`Concurrency Lens: ${label}: ${report.program.error}`, 'Show Output').then((c) => c && runner.showOutput());
    } else if (report.program.exitCode) {
      void vscode.window.showWarningMessage(`Concurrency Lens: ${label} exited with code ${report.program.exitCode}. ${reportSummaryLine(report)}`, 'Show Output').then((c) => c && runner.showOutput());
    }
  });

  register('concurrencyLens.stop', () => { runner.stop(); attachRunner.stop(); });

  // A running node process, picked from /proc (or given as `{ pid }`), or an inspector address.
  register('concurrencyLens.attach', async (arg?: { pid?: number }) => {
    if (!await mayRun()) return;
    const picked = typeof arg?.pid === 'number' ? { target: { pid: arg.pid }, label: `pid ${arg.pid}` } : await pickProcess();
    if (!picked) return;
    const config = settings();
    let report: Report;
    try {
      const result = await attachRunner.record(picked.target, toAnalysisOptions(config), config.samplingIntervalUs, picked.label);
      report = validateReport(result.report);
      profilesOf.set(report, result.profiles);
    } catch (e) {
      void vscode.window.showErrorMessage(`Concurrency Lens could not attach to ${picked.label}: ${(e as Error).message}`);
      return;
    }
    history.push(report);
    if (history.length > 10) history.shift();
    showReport(report);
    // What an attached run cannot have is in the report's banner; a full run is one restart away.
    const argv = report.program.command;
    const restart = argv.length > 0 && report.program.cwd && 'pid' in picked.target ? 'Restart under Concurrency Lens' : undefined;
    const choice = await vscode.window.showInformationMessage(
      `Concurrency Lens: attached to ${picked.label}: ${reportSummaryLine(report)}. An attached run has no per-await detail, sync I/O sites or start-up: profile the program from its start for those.`,
      ...(restart ? [restart] : []));
    if (choice !== restart || !('pid' in picked.target)) return;
    const pid = picked.target.pid;
    const sure = await vscode.window.showWarningMessage(`Stop pid ${pid} (SIGTERM) and run \`${describeCommand(argv)}\` in ${report.program.cwd} under Concurrency Lens?`, { modal: true }, 'Restart');
    if (sure !== 'Restart') return;
    if (!await terminated(pid)) { void vscode.window.showErrorMessage(`Concurrency Lens: pid ${pid} did not exit within 10 s of SIGTERM; not restarted.`); return; }
    await vscode.commands.executeCommand('concurrencyLens.profile', { argv, cwd: report.program.cwd });
  });

  register('concurrencyLens.showReport', () => {
    const last = index.report ?? history.at(-1);
    if (last) { showReport(last); progress('readTimeline'); }
    else void vscode.window.showInformationMessage('Concurrency Lens: no report yet. Run "Profile Concurrency" first.');
  });

  register('concurrencyLens.revealFinding', async (id: string) => {
    const f = index.get(id);
    if (!f) return;
    if (!panel.isOpen && index.report) showReport(index.report);
    panel.revealFinding(id);
    progress('readTimeline');
  });

  register('concurrencyLens.clearFindings', () => {
    index.set(undefined);
    presenter.refresh();
    runner.hideResult();
  });

  register('concurrencyLens.openReport', async (uri?: vscode.Uri) => {
    const file = uri instanceof vscode.Uri ? uri : (await vscode.window.showOpenDialog({
      canSelectMany: false, filters: { 'Concurrency Lens report': ['json'] }, title: 'Open a saved Concurrency Lens report',
    }))?.[0];
    if (!file) return;
    try {
      const report = validateReport(JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))));
      history.push(report);
      showReport(report);
      progress('readTimeline');
    } catch (e) {
      void vscode.window.showErrorMessage(`Concurrency Lens: cannot open ${file.fsPath}: ${(e as Error).message}`);
    }
  });

  register('concurrencyLens.saveReport', () => {
    const report = index.report ?? history.at(-1);
    if (!report) { void vscode.window.showInformationMessage('Concurrency Lens: no report to save yet.'); return; }
    return exportRun('report', report, []);
  });

  register('concurrencyLens.compareRuns', () => {
    if (history.length < 2) {
      void vscode.window.showInformationMessage('Concurrency Lens: profile twice (for example before and after a fix) to compare runs.');
      return;
    }
    // One Compare tab, reused; it opens where the report is, so the editor keeps its column.
    if (!compareView) {
      compareView = vscode.window.createWebviewPanel('concurrencyLens.compare', 'Compare runs', panel.column ?? vscode.ViewColumn.Beside, { enableScripts: false });
      compareView.onDidDispose(() => { compareView = undefined; });
    }
    const [before, after] = [history.at(-2)!, history.at(-1)!];
    compareView.title = `Compare: ${runName(before)} → ${runName(after)}`;
    compareView.webview.html = compareHtml(before, after, randomBytes(16).toString('base64'));
    compareView.reveal(compareView.viewColumn, false);
    progress('compared');
  });
}

/** The document's file if it is one we can profile. */
function profilableUri(e: vscode.TextEditor | undefined): vscode.Uri | undefined {
  const uri = e?.document.uri;
  return uri && uri.scheme === 'file' && PROFILABLE_FILE.test(uri.fsPath) ? uri : undefined;
}

/** A run's program by its script's base name ("01-sequential.js", "npm run dashboard"). */
function runName(r: Report): string {
  return r.program.command.map((p) => p.split(/[\\/]/).pop()).join(' ');
}

function fileTarget(uri: vscode.Uri): Target {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return { kind: 'file', file: uri.fsPath, cwd: folder?.uri.fsPath ?? join(uri.fsPath, '..') };
}

async function revealSource(file: string, line: number, column: number, preserveFocus: boolean): Promise<void> {
  if (!existsSync(file)) { void vscode.window.showWarningMessage(`Concurrency Lens: ${file} no longer exists.`); return; }
  const doc = await vscode.workspace.openTextDocument(file);
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos), preserveFocus });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

type ProcessItem = vscode.QuickPickItem & { process?: NodeProcessInfo; address?: boolean };

/** The attach picker: running node processes (newest first) or an inspector address typed in. */
async function pickProcess(): Promise<{ target: AttachTarget; label: string } | undefined> {
  const items: ProcessItem[] = listNodeProcesses().map((p) => ({
    label: `$(server-process) ${scriptName(p.argv)}`,
    description: `pid ${p.pid}${p.cwd ? ` · ${p.cwd}` : ''}`,
    detail: describeCommand(p.argv, 200),
    process: p,
  }));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(plug) Inspector address (127.0.0.1:port)…', address: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Attach to Process', matchOnDescription: true, matchOnDetail: true,
    placeHolder: items.length > 2 ? 'Which running Node.js process?' : 'No running Node.js processes of yours were found',
  });
  if (!picked) return undefined;
  if (picked.process) return { target: { pid: picked.process.pid }, label: `${scriptName(picked.process.argv)} (pid ${picked.process.pid})` };
  const text = await vscode.window.showInputBox({
    title: 'Attach to an inspector', prompt: 'Loopback address of an open Node.js inspector (node --inspect=127.0.0.1:9229)', value: '127.0.0.1:9229',
    validateInput: (v) => (/^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(v.trim()) ? undefined : 'A loopback address and port, such as 127.0.0.1:9229'),
  });
  if (!text) return undefined;
  const m = /^(.*):(\d+)$/.exec(text.trim())!;
  return { target: { host: m[1], port: Number(m[2]) }, label: text.trim() };
}

/** Sends SIGTERM and waits (at most 10 s) for the process to be gone. */
async function terminated(pid: number): Promise<boolean> {
  try { process.kill(pid, 'SIGTERM'); } catch { return true; }
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try { process.kill(pid, 0); } catch { return true; }
  }
  return false;
}

type TargetItem = vscode.QuickPickItem & { target?: Target; browse?: boolean };

/**
 * Current file (or the last one open), npm scripts and Node launch configurations of the
 * workspace, or a file chosen by hand. Targets that cannot run here are left out; those that
 * need something say so.
 */
async function pickTarget(current: vscode.Uri | undefined): Promise<Target | undefined> {
  const items: TargetItem[] = [];
  if (current) {
    items.push({ label: `$(file-code) Current file: ${current.path.split('/').pop()}`, description: vscode.workspace.asRelativePath(current), target: fileTarget(current) });
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = folder.uri.fsPath;
    const pkg = join(root, 'package.json');
    if (existsSync(pkg)) {
      try {
        const scripts = npmScripts(readFileSync(pkg, 'utf8')).map((s) => ({ ...s, check: checkNpmScript(s.command, root) })).filter((s) => !s.check.hidden);
        if (scripts.length) items.push({ label: 'npm scripts', kind: vscode.QuickPickItemKind.Separator });
        for (const s of scripts) items.push({ label: `$(package) npm run ${s.name}`, description: s.command, detail: s.check.note && `$(info) ${s.check.note}`, target: { kind: 'npm', script: s.name, cwd: root } });
      } catch { /* an unparsable package.json offers no scripts */ }
    }
    const launch = join(root, '.vscode', 'launch.json');
    if (existsSync(launch)) {
      try {
        const configs = nodeLaunchConfigs(readFileSync(launch, 'utf8')).map((c) => ({ c, check: checkLaunchConfig(c, current?.fsPath) })).filter((x) => !x.check.hidden);
        if (configs.length) items.push({ label: 'launch.json', kind: vscode.QuickPickItemKind.Separator });
        for (const { c, check } of configs) items.push({ label: `$(debug-alt) ${c.name}`, description: c.program ?? c.runtimeExecutable, detail: check.note && `$(info) ${check.note}`, target: { kind: 'launch', name: c.name, config: c, workspaceFolder: root } });
      } catch { /* an unparsable launch.json offers no configurations */ }
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(folder-opened) Choose a file…', browse: true });
  const picked = items.length === 2 ? items[1] : await vscode.window.showQuickPick(items, { title: 'Profile Concurrency', placeHolder: 'What should run?' });
  if (!picked) return undefined;
  if (picked.target) return picked.target;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JavaScript / TypeScript': ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'] } });
  return chosen?.[0] ? fileTarget(chosen[0]) : undefined;
}

export function deactivate(): void { /* disposables in context.subscriptions end any run */ }
