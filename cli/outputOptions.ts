/**
 * The output options `profile` and `attach` share, their usage text, and the check of their
 * paths made before the program runs. Its own module: the CLI needs it before it starts the
 * program, the report writers (outputs.ts) only at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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
