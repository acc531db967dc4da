/**
 * The matrix's input: the sample programs under a directory and what each header says.
 * Samples declare what Concurrency Lens should find in their header comment, one directive per
 * line (the format is documented in samples/README.md):
 *
 *   // expect: <kind> @ <line>     a finding of <kind> located at <line> of this file
 *   // expect: nothing             no finding at all
 *   // allow: info <kind>          extra info-severity findings of <kind> are tolerated
 *   // env: NAME=value             environment for the run
 *   // args: --flag value          arguments for the program
 *
 * Anything the header does not expect or allow is a mismatch: the matrix marks it and exits 1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FindingKind } from '../../analyzer/report';
import { isFindingKind } from '../../analyzer/findingKinds';

export interface ExpectedFinding { kind: FindingKind; line: number }

export interface SampleSpec {
  /** Absolute, symlink-free path. */
  file: string;
  /** `group/name`: the path under the samples dir without the order prefix and extension, e.g. `io/sequential`. */
  variant: string;
  group: string;
  expects: ExpectedFinding[];
  expectNothing: boolean;
  allowInfo: FindingKind[];
  env: Record<string, string>;
  args: string[];
}

const SAMPLE_FILE = /\.(js|cjs|mjs|ts|mts|cts)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'lib', 'walkthrough', 'dist']);

/** Reads the header directives of one sample. Throws on a malformed or contradictory header. */
export function parseSampleHeader(source: string, file: string, variant = path.basename(file)): SampleSpec {
  const spec: SampleSpec = { file, variant, group: variant.split('/')[0], expects: [], expectNothing: false, allowInfo: [], env: {}, args: [] };
  const lines = source.split('\n');
  const fail = (i: number, why: string): never => { throw new Error(`${file}:${i + 1}: ${why}: ${lines[i].trim()}`); };
  lines.forEach((text, i) => {
    const m = /^\s*\/\/\s*(expect|allow|env|args):\s*(.*?)\s*$/.exec(text);
    if (!m) return;
    const [, directive, value] = m;
    if (directive === 'expect') {
      if (value === 'nothing') { spec.expectNothing = true; return; }
      const e = /^([a-z-]+)\s*@\s*(\d+)$/.exec(value) ?? fail(i, 'expected `expect: <kind> @ <line>` or `expect: nothing`');
      if (!isFindingKind(e[1])) fail(i, `unknown finding kind "${e[1]}"`);
      const line = Number(e[2]);
      if (line < 1 || line > lines.length) fail(i, `line ${line} is outside the file`);
      const target = lines[line - 1].trim();
      if (target === '' || target.startsWith('//')) fail(i, `line ${line} is blank or a comment (did the file move?)`);
      spec.expects.push({ kind: e[1] as FindingKind, line });
    } else if (directive === 'allow') {
      const a = /^info\s+([a-z-]+)$/.exec(value) ?? fail(i, 'expected `allow: info <kind>`');
      if (!isFindingKind(a[1])) fail(i, `unknown finding kind "${a[1]}"`);
      spec.allowInfo.push(a[1] as FindingKind);
    } else if (directive === 'env') {
      const v = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(value) ?? fail(i, 'expected `env: NAME=value`');
      spec.env[v[1]] = v[2];
    } else {
      spec.args.push(...value.split(/\s+/).filter(Boolean));
    }
  });
  if (spec.expectNothing && spec.expects.length > 0) throw new Error(`${file}: says both "expect: nothing" and expects findings`);
  if (!spec.expectNothing && spec.expects.length === 0) throw new Error(`${file}: no "// expect:" line in the header`);
  return spec;
}

/** The order of the lessons in samples/README.md; other groups follow alphabetically. */
const GROUP_ORDER = ['io', 'cpu', 'mixed', 'blocking-io', 'fanout', 'threadpool', 'cluster'];
const groupRank = (group: string) => { const i = GROUP_ORDER.indexOf(group); return i < 0 ? GROUP_ORDER.length : i; };

/** Every sample program under dir (not lib/ or walkthrough/), by group then path; `filter` keeps variants containing any of the strings. */
export function discoverSamples(dir: string, filter: string[] = []): SampleSpec[] {
  const root = fs.realpathSync(dir);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (d !== root && SAMPLE_FILE.test(entry.name) && !/\.test\.|\.d\.ts$/.test(entry.name)) files.push(p);
    }
  };
  walk(root);
  return files
    .map((file) => {
      const variant = path.relative(root, file).split(path.sep).join('/').replace(SAMPLE_FILE, '').replace(/(^|\/)\d+-/g, '$1');
      return parseSampleHeader(fs.readFileSync(file, 'utf8'), file, variant);
    })
    .sort((a, b) => groupRank(a.group) - groupRank(b.group) || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .filter((s) => filter.length === 0 || filter.some((f) => s.variant.includes(f)));
}

