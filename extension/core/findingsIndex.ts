/** The findings of the current report, by source file, with absolute paths. */
import { fileURLToPath } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import type { Finding, Report, SourceLocation } from '../../analyzer/report';

export function absoluteFile(location: SourceLocation, cwd: string): string {
  const f = location.file;
  if (f.startsWith('file://')) return fileURLToPath(f);
  return isAbsolute(f) ? f : resolve(cwd, f);
}

export class FindingsIndex {
  private byFile = new Map<string, Finding[]>();
  private byId = new Map<string, Finding>();
  report: Report | undefined;

  set(report: Report | undefined): void {
    this.report = report;
    this.byFile.clear();
    this.byId.clear();
    for (const f of report?.findings ?? []) {
      this.byId.set(f.id, f);
      const file = absoluteFile(f.location, report!.program.cwd);
      const list = this.byFile.get(file) ?? [];
      list.push(f);
      this.byFile.set(file, list);
    }
  }

  files(): string[] { return [...this.byFile.keys()]; }
  inFile(file: string): Finding[] { return this.byFile.get(file) ?? []; }
  get(id: string): Finding | undefined { return this.byId.get(id); }
  /** Drops one file's findings (its source changed, so the lines may no longer match). */
  forget(file: string): void {
    for (const f of this.byFile.get(file) ?? []) this.byId.delete(f.id);
    this.byFile.delete(file);
  }
  fileOf(f: Finding): string { return absoluteFile(f.location, this.report?.program.cwd ?? process.cwd()); }
}

/** The shape check of a saved report lives with the analyzer (the CLI's `compare` reads reports too). */
export { validateReport } from '../../analyzer/validateReport';
