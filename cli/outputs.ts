import * as fs from 'node:fs';
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
  --cpuprofile FILE        write the main thread's .cpuprofile (other lanes: FILE.<lane>.cpuprofile)`;

/**
 * Writes the report files asked for, then (unless quiet) the summary and the files written, on
 * stderr. `status` is the exit status the SARIF log records.
 */
export function writeOutputs(report: Report, recording: Recording, o: OutputOptions, cwd: string, status: number): void {
  const written: string[] = [];
  const write = (file: string, text: string) => { fs.writeFileSync(file, text); written.push(file); };
  if (o.json) write(path.resolve(o.json), JSON.stringify(report)); // compact: the spans make it large
  if (o.html) { writeHtmlReport(report, path.resolve(o.html)); written.push(path.resolve(o.html)); }
  if (o.sarif) { writeSarif(report, path.resolve(o.sarif), status); written.push(path.resolve(o.sarif)); }
  if (o.trace) write(path.resolve(o.trace), JSON.stringify(exportTrace(report)));
  if (o.cpuprofile) {
    const lanes = laneProfiles(report, recording.profiles);
    const names = cpuProfileFileNames(path.resolve(o.cpuprofile), lanes);
    lanes.forEach((lp, i) => write(names[i], JSON.stringify(exportCpuProfile(lp))));
  }
  debugLog('written');
  if (!o.quiet) {
    process.stderr.write(formatSummary(report, cwd));
    for (const f of written) process.stderr.write(`wrote ${path.relative(cwd, f) || f}\n`);
  }
}
