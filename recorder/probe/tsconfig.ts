/**
 * The parts of a tsconfig.json that decide where an import goes at run time: `paths` and
 * `baseUrl`, from the nearest tsconfig.json above the importing file, following `extends` (a
 * local file or a package's config; a string or an array). Read as TypeScript reads it: JSON
 * with comments and trailing commas. Runs in the program's threads and on Node's ESM loader
 * thread; results are cached per folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
// The ES build's parser alone (see jsoncParser.d.ts): the package's main (UMD) requires its parts
// at run time, which a bundle cannot, and its ES main also evaluates the formatter's tables as it
// loads (~300 kB of strings, young-generation garbage in every thread the probe loads in).
import { parse } from 'jsonc-parser/lib/esm/impl/parser.js';

// Captured before the probe wraps fs.*Sync: reading configs is module loading, not the program's I/O.
const { readFileSync, statSync } = fs;

export interface ImportMapping {
  /** Absolute folder non-relative imports resolve against (`baseUrl`), if set. */
  baseUrl?: string;
  /** `paths` patterns (at most one `*`) with their substitutions, made absolute. */
  paths: { pattern: string; targets: string[] }[];
}

interface RawConfig { baseUrl?: string; paths?: Record<string, string[]> }

const nearestByDir = new Map<string, ImportMapping | null>();
const rawByFile = new Map<string, Resolved | null>();

/** The mapping of the nearest tsconfig.json at or above `dir`, or null (none, or no paths/baseUrl). */
export function importMappingFor(dir: string): ImportMapping | null {
  const cached = nearestByDir.get(dir);
  if (cached !== undefined) return cached;
  let result: ImportMapping | null;
  const config = path.join(dir, 'tsconfig.json');
  if (isFile(config)) result = toMapping(readConfig(config, new Set()));
  else {
    const up = path.dirname(dir);
    result = up === dir ? null : importMappingFor(up);
  }
  nearestByDir.set(dir, result);
  return result;
}

/**
 * Absolute candidate paths for a non-relative specifier, in TypeScript's order: the `paths`
 * pattern that matches (exact, else the longest prefix) and each of its substitutions. Empty
 * when no pattern matches.
 */
export function pathsCandidates(mapping: ImportMapping, specifier: string): string[] {
  let best: { targets: string[]; star: string } | undefined;
  let bestPrefix = -1;
  for (const { pattern, targets } of mapping.paths) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) return targets.slice();
      continue;
    }
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (prefix.length > bestPrefix && specifier.length >= prefix.length + suffix.length
      && specifier.startsWith(prefix) && specifier.endsWith(suffix)) {
      bestPrefix = prefix.length;
      best = { targets, star: specifier.slice(prefix.length, specifier.length - suffix.length) };
    }
  }
  return best ? best.targets.map((t) => t.replace('*', best!.star)) : [];
}

/** A config with `baseUrl` and `paths` made absolute, after its `extends` chain. */
interface Resolved { baseUrl?: string; paths?: Record<string, string[]>; pathsBase?: string }

function readConfig(file: string, seen: Set<string>): Resolved | null {
  if (rawByFile.has(file)) return rawByFile.get(file)!;
  if (seen.has(file)) return null; // a cycle of extends
  seen.add(file);
  let json: { extends?: string | string[]; compilerOptions?: RawConfig } | undefined;
  try { json = parse(readFileSync(file, 'utf8'), [], { allowTrailingComma: true }); } catch { json = undefined; }
  if (!json || typeof json !== 'object') { rawByFile.set(file, null); return null; }
  const dir = path.dirname(file);
  let result: Resolved = {};
  const bases = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
  for (const base of bases) {
    const baseFile = typeof base === 'string' ? extendsFile(base, file) : undefined;
    const inherited = baseFile ? readConfig(baseFile, seen) : null;
    if (inherited) result = { ...result, ...definedOnly(inherited) };
  }
  const options = json.compilerOptions ?? {};
  const own = (v: string) => v.replace(/\$\{configDir\}/g, dir);
  if (typeof options.baseUrl === 'string') result.baseUrl = path.resolve(dir, own(options.baseUrl));
  if (options.paths && typeof options.paths === 'object') {
    const paths: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(options.paths)) if (Array.isArray(v)) paths[k] = v.filter((x) => typeof x === 'string').map(own);
    result.paths = paths;
    result.pathsBase = dir; // without baseUrl, substitutions are relative to the config that sets paths
  }
  rawByFile.set(file, result);
  return result;
}

function definedOnly(r: Resolved): Resolved {
  const out: Resolved = {};
  if (r.baseUrl !== undefined) out.baseUrl = r.baseUrl;
  if (r.paths !== undefined) { out.paths = r.paths; out.pathsBase = r.pathsBase; }
  return out;
}

function toMapping(r: Resolved | null): ImportMapping | null {
  if (!r || (!r.baseUrl && !r.paths)) return null;
  const base = r.baseUrl ?? r.pathsBase!;
  const paths = Object.entries(r.paths ?? {}).map(([pattern, targets]) => ({ pattern, targets: targets.map((t) => path.resolve(base, t)) }));
  return { baseUrl: r.baseUrl, paths };
}

/** The file an `extends` names: relative or absolute path (`.json` optional), or a package's config. */
function extendsFile(spec: string, from: string): string | undefined {
  const dir = path.dirname(from);
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    const p = path.resolve(dir, spec);
    return isFile(p) ? p : isFile(`${p}.json`) ? `${p}.json` : undefined;
  }
  const req = createRequire(from);
  for (const candidate of [spec, `${spec}.json`, `${spec}/tsconfig.json`]) {
    try { return req.resolve(candidate); } catch { /* next form */ }
  }
  return undefined;
}

/** True if `p` is an existing file (not a folder). */
export function isFile(p: string): boolean {
  try { return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false; } catch { return false; }
}
