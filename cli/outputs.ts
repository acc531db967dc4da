import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Report } from '../analyzer/report';
import type { Recording } from '../recorder/profileOptions';
import { writeHtmlReport } from './htmlReport';
import { writeSarif } from './sarifFile';
import { exportTrace } from '../analyzer/exportTrace';
import { exportCpuProfile, cpuProfileFileNames, laneProfiles } from '../analyzer/exportCpuProfile';
import { formatSummary } from './summary';
import { debugLog } from '../recorder/launcher/debugLog';

/** The output options `profile` and `attach` share. */
export interface OutputOptions { json?: string; html?: string; sarif?: string; trace?: string; cpuprofile?: string; quiet?: boolean }

export const OUTPUT_USAGE = `  --json FILE              write the report (schema: README)
  --html FILE              write a self-contained HTML timeline report
  --sarif FILE             write the findings as SARIF 2.1.0 (GitHub code scanning): one result per
                           finding, paths relative to the run's cwd (%SRCROOT%)
  --trace FILE             write Chrome Trace Event JSON (Perfetto, chrome://tracing)
  --cpuprofile FILE        write the main thread's .cpuprofile (other lanes: FILE.<lane>.cpuprofile)
                           Missing folders of FILE are created.`;

const OUTPUT_NAMES = ['json', 'html', 'sarif', 'trace', 'cpuprofile'] as const;

/**
 * Checked before the program runs, so a typo does not cost the run: every output FILE must be
 * creatable — not an existing folder, and its nearest existing ancestor a folder we may write
 * in (missing folders are created when the reports are written). Returns one message per
 * problem, empty when all can be written.
 */
export function outputPathProblems(o: OutputOptions): string[] {
  const problems: string[] = [];
  for (const name of OUTPUT_NAMES) {
    const given = o[name];
    if (given === undefined) continue;
    const file = path.resolve(given); // relative to the shell's folder, not --cwd
    const problem = pathProblem(file);
    if (problem) problems.push(`--${name} ${given}: ${problem}`);
  }
  return problems;
}

function pathProblem(file: string): string | undefined {
  const st = statOrUndefined(file);
  if (st?.isDirectory()) return 'is a folder; give a file name';
  if (st) return writable(file) ? undefined : 'cannot be overwritten (permission denied)';
  let dir = path.dirname(file);
  for (let d = statOrUndefined(dir); !d; d = statOrUndefined(dir)) {
    const up = path.dirname(dir);
    if (up === dir) return 'no folder of it exists';
    dir = up;
  }
  if (!statOrUndefined(dir)!.isDirectory()) return `${dir} is a file, not a folder`;
  return writable(dir) ? undefined : `cannot write in ${dir} (permission denied)`;
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try { return fs.statSync(p); } catch { return undefined; }
}

function writable(p: string): boolean {
  try { fs.accessSync(p, fs.constants.W_OK); return true; } catch { return false; }
}

/**
 * Writes the report files asked for, then (unless quiet) the summary and the files written, on
 * stderr. `status` is the exit status the SARIF log records. Missing folders are created. A file
 * that cannot be written (the disk filled up, the folder was removed during the run) does not
 * stop the others; if the report itself (--json) was among them, it is saved in the temp folder
 * instead, so the run is not lost. Returns false when any file could not be written.
 */
export function writeOutputs(report: Report, recording: Recording, o: OutputOptions, cwd: string, status: number): boolean {
  const written: string[] = [];
  const failed: string[] = [];
  const attempt = (name: string, file: string, writeFile: (file: string) => void): boolean => {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeFile(file);
      written.push(file);
      return true;
    } catch (e) {
      failed.push(`could not write --${name} ${file}: ${(e as Error).message}`);
      return false;
    }
  };
  const text = (t: () => string) => (file: string) => fs.writeFileSync(file, t());
  const json = () => JSON.stringify(report); // compact: the spans make it large
  if (o.json && !attempt('json', path.resolve(o.json), text(json))) {
    const rescue = path.join(os.tmpdir(), `concurrency-lens-report-${process.pid}-${Date.now()}.json`);
    if (attempt('json', rescue, text(json))) failed.push(`the report was saved to ${rescue} instead`);
  }
  if (o.html) attempt('html', path.resolve(o.html), (f) => writeHtmlReport(report, f));
  if (o.sarif) attempt('sarif', path.resolve(o.sarif), (f) => writeSarif(report, f, status));
  if (o.trace) attempt('trace', path.resolve(o.trace), text(() => JSON.stringify(exportTrace(report))));
  if (o.cpuprofile) {
    const lanes = laneProfiles(report, recording.profiles);
    const names = cpuProfileFileNames(path.resolve(o.cpuprofile), lanes);
    lanes.forEach((lp, i) => attempt('cpuprofile', names[i], text(() => JSON.stringify(exportCpuProfile(lp)))));
  }
  debugLog('written');
  if (!o.quiet) {
    process.stderr.write(formatSummary(report, cwd));
    for (const f of written) process.stderr.write(`wrote ${path.relative(cwd, f) || f}\n`);
  }
  for (const f of failed) process.stderr.write(`concurrency-lens: ${f}\n`);
  return failed.length === 0;
}
