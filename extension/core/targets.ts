/**
 * What the user can profile — a file, an npm script, a Node launch configuration — turned into
 * the recorder's ProfileOptions. Pure functions over file contents; no editor APIs.
 */
import { existsSync, statSync, accessSync, constants } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ProfileOptions } from '../../recorder/profileOptions';
import { scriptArgIndex } from '../../recorder/launcher/command';
import type { AnalysisOptions } from '../../analyzer/analyze';
// The ES build: the package's main (UMD) requires its parts at run time, which a bundle cannot.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';

export const PROFILABLE_FILE = /\.(js|mjs|cjs|ts|mts|cts)$/i;

export interface ProfileSettings {
  blockingThresholdMs: number;
  samplingIntervalUs: number;
  /** Empty: `node` from PATH. */
  nodePath: string;
  includeNodeModules: boolean;
}

export type Target =
  | { kind: 'file'; file: string; cwd: string }
  | { kind: 'npm'; script: string; cwd: string }
  | { kind: 'launch'; name: string; config: LaunchConfig; workspaceFolder: string }
  /** The command line of a running node process (from /proc), restarted under Concurrency Lens. */
  | { kind: 'command'; argv: string[]; cwd: string };

export interface LaunchConfig {
  name: string;
  type: string;
  request: string;
  program?: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string | null>;
  runtimeArgs?: string[];
  runtimeExecutable?: string;
}

/** Names of the scripts in a package.json text. */
export function npmScripts(packageJsonText: string): { name: string; command: string }[] {
  const pkg = JSON.parse(packageJsonText) as { scripts?: Record<string, string> };
  return Object.entries(pkg.scripts ?? {}).map(([name, command]) => ({ name, command: String(command) }));
}

/** Node launch configurations of a launch.json text (comments allowed). */
export function nodeLaunchConfigs(launchJsonText: string): LaunchConfig[] {
  const errors: ParseError[] = [];
  const json = (parseJsonc(launchJsonText, errors, { allowTrailingComma: true }) ?? {}) as { configurations?: LaunchConfig[] };
  if (errors.length) throw new TargetError(`launch.json is not valid JSON: ${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}`);
  return (json.configurations ?? []).filter(
    (c) => c && (c.type === 'node' || c.type === 'pwa-node') && c.request === 'launch' && (c.program || c.runtimeExecutable),
  );
}

/** Expands the launch.json variables we can know without an editor running the config. */
export function substituteVariables(value: string, vars: { workspaceFolder: string; file?: string }): string {
  return value.replace(/\$\{(\w+)(?::([^}]*))?\}/g, (whole, name: string, arg?: string) => {
    switch (name) {
      case 'workspaceFolder': case 'workspaceRoot': return vars.workspaceFolder;
      case 'workspaceFolderBasename': return vars.workspaceFolder.split(/[\\/]/).pop() ?? '';
      case 'file': return vars.file ?? whole;
      case 'fileDirname': return vars.file ? dirname(vars.file) : whole;
      case 'env': return process.env[arg ?? ''] ?? '';
      default: return whole;
    }
  });
}

/** Finds an executable on PATH (or checks an explicit path). */
export function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  const isExecutable = (p: string) => {
    try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
  };
  if (name.includes('/') || name.includes('\\')) return isExecutable(name) ? name : undefined;
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidates = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
    for (const c of candidates) if (isExecutable(join(dir, c))) return join(dir, c);
  }
  return undefined;
}

export class TargetError extends Error {}

/** The settings that say how to read a recording (the analyzer's, not the recorder's). */
export function toAnalysisOptions(settings: ProfileSettings): AnalysisOptions {
  return { blockingThresholdMs: settings.blockingThresholdMs };
}

/** Builds ProfileOptions for a target, or throws TargetError with a message a user can act on. */
export function toProfileOptions(target: Target, settings: ProfileSettings, file?: string): ProfileOptions {
  const nodeName = settings.nodePath || 'node';
  const nodePath = findExecutable(nodeName);
  if (!nodePath) {
    throw new TargetError(settings.nodePath
      ? `The Node.js executable "${settings.nodePath}" (setting concurrencyLens.nodePath) does not exist or is not executable.`
      : 'Node.js was not found on PATH. Install Node.js 20 or later, or set concurrencyLens.nodePath to its executable.');
  }
  const common = {
    nodePath,
    samplingIntervalUs: settings.samplingIntervalUs,
    includeNodeModules: settings.includeNodeModules,
    stdio: 'pipe' as const,
    // npm scripts run `node` from PATH: put the chosen node first so they use it too.
    env: { PATH: `${dirname(nodePath)}${delimiter}${process.env.PATH ?? ''}` },
  };
  switch (target.kind) {
    case 'file':
      if (!existsSync(target.file)) throw new TargetError(`The file to profile does not exist: ${target.file}`);
      if (!PROFILABLE_FILE.test(target.file)) throw new TargetError(`Only .js, .mjs, .cjs and .ts files can be profiled, not ${target.file}`);
      return { ...common, command: [target.file], cwd: target.cwd };
    case 'npm':
      if (!existsSync(join(target.cwd, 'package.json'))) throw new TargetError(`No package.json in ${target.cwd}`);
      if (!findExecutable('npm', common.env.PATH)) throw new TargetError('npm was not found on PATH, so the script cannot be run.');
      return { ...common, command: ['npm', 'run', target.script], cwd: target.cwd };
    case 'command':
      if (!existsSync(target.cwd)) throw new TargetError(`The process's working directory no longer exists: ${target.cwd}`);
      return { ...common, command: restartCommand(target.argv), cwd: target.cwd };
    case 'launch': {
      const c = target.config;
      const vars = { workspaceFolder: target.workspaceFolder, file };
      const sub = (s: string) => substituteVariables(s, vars);
      const cwd = c.cwd ? resolve(target.workspaceFolder, sub(c.cwd)) : target.workspaceFolder;
      const env: Record<string, string | undefined> = { ...common.env };
      for (const [k, v] of Object.entries(c.env ?? {})) env[k] = v === null ? undefined : sub(String(v));
      const runtimeArgs = (c.runtimeArgs ?? []).map(sub);
      const args = (c.args ?? []).map(sub);
      const runtime = c.runtimeExecutable ? sub(c.runtimeExecutable) : undefined;
      if (runtime && !/(^|[\\/])node(\.exe)?$/.test(runtime)) {
        // e.g. runtimeExecutable "npm", runtimeArgs ["run", "start"]: a whole command.
        const program = c.program ? [resolve(cwd, sub(c.program))] : [];
        return { ...common, env, command: [runtime, ...runtimeArgs, ...program, ...args], cwd };
      }
      if (!c.program) throw new TargetError(`Launch configuration "${c.name}" has no program.`);
      const program = sub(c.program);
      const programPath = isAbsolute(program) ? program : resolve(cwd, program);
      if (!existsSync(programPath)) throw new TargetError(`The program of launch configuration "${c.name}" does not exist: ${programPath}`);
      const runtimeNode = runtime ? findExecutable(runtime) : nodePath;
      if (!runtimeNode) throw new TargetError(`The runtimeExecutable "${runtime}" of launch configuration "${c.name}" was not found.`);
      return { ...common, nodePath: runtimeNode, env, runtimeArgs, command: [programPath, ...args], cwd };
    }
  }
}

/** A short label for progress and the status bar. */
export function targetLabel(target: Target): string {
  switch (target.kind) {
    case 'file': return target.file.split(/[\\/]/).pop()!;
    case 'npm': return `npm run ${target.script}`;
    case 'launch': return target.name;
    case 'command': return restartCommand(target.argv).map((a) => a.split(/[\\/]/).pop()).join(' ');
  }
}

/**
 * The command that starts a running node process again (its /proc argv): `node` (the recorder's
 * chosen node) in place of its executable, without the inspector flags it had (the recorder opens
 * its own). A process that is not a plain node executable is rerun as it was.
 */
export function restartCommand(argv: string[]): string[] {
  const [exe = 'node', ...rest] = argv;
  if (!/(^|[\\/])node(js)?[0-9.]*(\.exe)?$/.test(exe)) return argv;
  const scriptAt = scriptArgIndex(rest);
  const flags = (scriptAt < 0 ? rest : rest.slice(0, scriptAt)).filter((a) => !/^--(inspect|debug-port)/.test(a));
  return ['node', ...flags, ...(scriptAt < 0 ? [] : rest.slice(scriptAt))];
}
