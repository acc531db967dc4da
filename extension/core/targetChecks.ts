/**
 * Whether a target offered in "Profile Concurrency" can run here, before the user picks it:
 * a launch configuration that needs `${file}` with no file open cannot, nor an npm script that
 * runs a `../` file that is not there; others run but need something the user should know
 * (the current file, files outside the workspace folder). Pure over the file system; no editor APIs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LaunchConfig } from './targets';

export interface TargetCheck {
  /** Cannot run as things are: not offered. */
  hidden: boolean;
  /** What running it needs, shown next to it. */
  note?: string;
}

const FILE_VARS = /\$\{(file|fileDirname|fileBasename|relativeFile)\}/;

export function checkLaunchConfig(c: LaunchConfig, currentFile: string | undefined): TargetCheck {
  const fields = [c.program, c.cwd, ...(c.args ?? []), ...(c.runtimeArgs ?? [])].filter((s): s is string => typeof s === 'string');
  if (!fields.some((s) => FILE_VARS.test(s))) return { hidden: false };
  if (!currentFile) return { hidden: true };
  return { hidden: false, note: `runs the current file (${currentFile.split(/[\\/]/).pop()})` };
}

/** Paths an npm script's command names with `../` (e.g. `node ../dist/cli.js`). */
const PARENT_PATH = /(?:^|[\s"'=])(\.\.\/[^\s"';&|]*)/g;

export function checkNpmScript(command: string, cwd: string): TargetCheck {
  const parents = [...command.matchAll(PARENT_PATH)].map((m) => m[1]);
  if (/(^|[\s;&|])cd\s+\.\.(\s|\/|$)/.test(command)) return { hidden: false, note: 'runs outside this folder (cd ..)' };
  if (parents.length === 0) return { hidden: false };
  if (parents.some((p) => p !== '../' && !existsSync(resolve(cwd, p)))) return { hidden: true };
  return { hidden: false, note: 'uses files outside this folder' };
}
