/**
 * What a finding is, apart from where its line happens to be: its kind, its file relative to the
 * run's working directory, the code at its site ("await getText()", "fs.readFileSync()") and the
 * function around it ("downloadAll"). Two runs of the same code, one with lines inserted above
 * the site or run from another checkout, give the same identity; the comparison of runs and the
 * SARIF fingerprints are built on it. Pure: read from the report alone (no source files).
 */
import type { Finding, Report, SourceLocation } from './report';

export interface FindingIdentity {
  kind: string;
  /** The file relative to the run's cwd with '/' (absolute when outside it). */
  file: string;
  /** The code at the exact site, as the probe labelled it ("await getText()"), if one is known. */
  label?: string;
  /** The nearest function (by start) at or above the site in its file, if one was sampled. */
  fn?: string;
  /** Where that function starts (line), for the site's offset inside it. */
  fnLine?: number;
}

/** `file` relative to `cwd` with '/', or as given when it is not below cwd (or not a path). */
export function relativeToCwd(file: string, cwd: string): string {
  const norm = (p: string) => p.replace(/\\/g, '/');
  const f = norm(file);
  const base = norm(cwd).replace(/\/+$/, '');
  if (base && f.startsWith(`${base}/`)) return f.slice(base.length + 1);
  return f;
}

/** Where a finding is, for one-line messages: "src/app.js:15" (relative to the run's cwd). */
export function findingSite(f: Finding, cwd: string): string {
  return `${relativeToCwd(f.location.file, cwd)}:${f.location.line}`;
}

/** Everything the identities of one report's findings are read from, indexed once. */
export class IdentityIndex {
  /** "file:line:column" → labels of sites there, report.sites' first, then the timeline's await sites. */
  private readonly labels = new Map<string, string[]>();
  /** file → functions sampled in it (timeline slices' sites), by start. */
  private readonly functions = new Map<string, { line: number; column: number; name: string }[]>();

  constructor(private readonly report: Report) {
    for (const s of report.sites ?? []) this.addLabel(s.location, s.label);
    const sites = report.spans?.sites;
    const strings = report.spans?.strings ?? [];
    if (sites?.file) {
      const fnSites = new Set(report.spans.slices?.site ?? []);
      for (let i = 0; i < sites.file.length; i++) {
        const loc = { file: strings[sites.file[i]], line: sites.line[i], column: sites.column[i] };
        const label = strings[sites.label[i]];
        if (loc.file === undefined || label === undefined) continue;
        if (fnSites.has(i)) {
          const list = this.functions.get(loc.file) ?? [];
          list.push({ line: loc.line, column: loc.column, name: label });
          this.functions.set(loc.file, list);
        } else this.addLabel(loc, label);
      }
    }
    for (const list of this.functions.values()) list.sort((a, b) => a.line - b.line || a.column - b.column);
  }

  private addLabel(loc: SourceLocation, label: string): void {
    const key = `${loc.file}:${loc.line}:${loc.column}`;
    const list = this.labels.get(key) ?? [];
    if (!list.includes(label)) list.push(label);
    this.labels.set(key, list);
  }

  identity(f: Finding): FindingIdentity {
    const { file, line, column } = f.location;
    const labels = this.labels.get(`${file}:${line}:${column}`);
    const fns = this.functions.get(file) ?? [];
    let fn: { line: number; name: string } | undefined;
    for (const g of fns) if (g.line < line || (g.line === line && g.column <= column)) fn = g;
    return {
      kind: f.kind,
      file: relativeToCwd(file, this.report.program.cwd),
      // The first label: report.sites' (every instrumented site that ran) before the timeline's (bounded).
      ...(labels ? { label: labels[0] } : {}),
      ...(fn ? { fn: fn.name, fnLine: fn.line } : {}),
    };
  }
}

/**
 * A stable text of the identity (SARIF partialFingerprints): kind, file, site label and function,
 * without line numbers; undefined when neither a label nor a function is known (the line is then
 * all that tells two findings apart).
 */
export function identityKey(id: FindingIdentity): string | undefined {
  if (id.label === undefined && id.fn === undefined) return undefined;
  return [id.kind, id.file, id.label ?? '', id.fn ?? ''].join('|');
}
