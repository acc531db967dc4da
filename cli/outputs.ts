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
import { writeJsonFile } from './jsonFile';
import { debugLog } from '../recorder/launcher/debugLog';

export { type OutputOptions, OUTPUT_USAGE, outputPathProblems } from './outputOptions';
import type { OutputOptions } from './outputOptions';

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
  // Compact JSON, written in pieces (jsonFile.ts): the spans make it large.
  const json = (file: string) => writeJsonFile(file, report);
  if (o.json && !attempt('json', path.resolve(o.json), json)) {
    const rescue = path.join(os.tmpdir(), `concurrency-lens-report-${process.pid}-${Date.now()}.json`);
    if (attempt('json', rescue, json)) failed.push(`the report was saved to ${rescue} instead`);
  }
  if (o.html) attempt('html', path.resolve(o.html), (f) => writeHtmlReport(report, f));
  if (o.sarif) attempt('sarif', path.resolve(o.sarif), (f) => writeSarif(report, f, status));
  if (o.trace) attempt('trace', path.resolve(o.trace), (f) => writeJsonFile(f, exportTrace(report)));
  if (o.cpuprofile) {
    const lanes = laneProfiles(report, recording.profiles);
    const names = cpuProfileFileNames(path.resolve(o.cpuprofile), lanes);
    lanes.forEach((lp, i) => attempt('cpuprofile', names[i], (f) => writeJsonFile(f, exportCpuProfile(lp))));
  }
  debugLog('written');
  if (!o.quiet) {
    process.stderr.write(formatSummary(report, cwd));
    for (const f of written) process.stderr.write(`wrote ${path.relative(cwd, f) || f}\n`);
  }
  for (const f of failed) process.stderr.write(`concurrency-lens: ${f}\n`);
  return failed.length === 0;
}
