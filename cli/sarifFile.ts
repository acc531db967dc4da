/** Writes a report as SARIF 2.1.0 (analyzer/sarif.ts), with this build's version. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Report } from '../analyzer/report';
import { toSarif } from '../analyzer/sarif';

/** package.json's version (dist/cli.js sits in dist/, next to the package root); '0.0.0' when not found. */
function toolVersion(): string {
  try { return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version ?? '0.0.0'; } catch { return '0.0.0'; }
}

export function writeSarif(report: Report, file: string, exitCode: number): void {
  fs.writeFileSync(file, JSON.stringify(toSarif(report, { toolVersion: toolVersion(), exitCode }), null, 2));
}
