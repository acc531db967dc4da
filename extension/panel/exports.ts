/** Save the current run as a report (.json), a Chrome trace, or per-lane .cpuprofile files. */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { Report } from '../../analyzer/report';
import { exportTrace } from '../../analyzer/exportTrace';
import { cpuProfileFileNames, exportCpuProfile, type LaneProfile } from '../../analyzer/exportCpuProfile';

export type ExportFormat = 'report' | 'trace' | 'cpuprofile';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  report: { 'Concurrency Lens report': ['json'] },
  trace: { 'Chrome trace (Perfetto, chrome://tracing)': ['json'] },
  cpuprofile: { 'CPU profile': ['cpuprofile'] },
};
const DEFAULT_NAME: Record<ExportFormat, string> = {
  report: 'concurrency-report.json', trace: 'concurrency-trace.json', cpuprofile: 'concurrency.cpuprofile',
};

export async function exportRun(format: ExportFormat, report: Report, profiles: LaneProfile[]): Promise<void> {
  if (format === 'cpuprofile' && profiles.length === 0) {
    void vscode.window.showInformationMessage('Concurrency Lens: CPU profiles are kept only for runs profiled in this window, not for opened reports.');
    return;
  }
  const target = await vscode.window.showSaveDialog({
    filters: FILTERS[format],
    defaultUri: vscode.Uri.file(join(report.program.cwd, DEFAULT_NAME[format])),
    title: `Save ${Object.keys(FILTERS[format])[0]}`,
  });
  if (!target) return;
  const write = (uri: vscode.Uri, value: unknown) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(value)));
  if (format === 'report') await write(target, report);
  if (format === 'trace') await write(target, exportTrace(report));
  if (format === 'cpuprofile') {
    const names = cpuProfileFileNames(target.fsPath, profiles);
    await Promise.all(profiles.map((p, i) => write(vscode.Uri.file(names[i]), exportCpuProfile(p))));
  }
  void vscode.window.showInformationMessage(`Concurrency Lens: saved ${vscode.workspace.asRelativePath(target)}${format === 'cpuprofile' && profiles.length > 1 ? ` and ${profiles.length - 1} more` : ''}.`);
}
