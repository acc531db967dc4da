import * as fs from 'node:fs';
import * as path from 'node:path';

/** How the program is started: a script run by node under the inspector, or any command (npm run …). */
export interface ResolvedCommand {
  file: string;
  args: string[];
  /** The script, when the command is a node script. */
  script?: string;
}

const SCRIPT = /\.(m|c)?(js|ts)$|\.tsx$/;

export class CommandError extends Error {}

export function resolveCommand(command: string[], cwd: string, nodePath: string, runtimeArgs: string[]): ResolvedCommand {
  if (command.length === 0) throw new CommandError('nothing to profile: give a script (app.js, app.ts) or a command');
  if (!fs.existsSync(cwd)) throw new CommandError(`working directory not found: ${cwd}`);
  const [first, ...rest] = command;
  const asFile = path.resolve(cwd, first);
  const looksLikeScript = SCRIPT.test(first) || first.includes('/') || first.startsWith('.');
  if (looksLikeScript && first !== 'node' && !isExecutableCommand(first)) {
    if (!fs.existsSync(asFile)) throw new CommandError(`file not found: ${asFile}`);
    if (fs.statSync(asFile).isDirectory()) throw new CommandError(`${asFile} is a directory, not a script`);
    return { file: nodePath, args: ['--inspect=127.0.0.1:0', '--inspect-publish-uid=http', ...runtimeArgs, asFile, ...rest], script: asFile };
  }
  if (first === 'node' || first === process.execPath) {
    const scriptIndex = scriptArgIndex(rest);
    const script = scriptIndex >= 0 ? path.resolve(cwd, rest[scriptIndex]) : undefined;
    if (script && !fs.existsSync(script)) throw new CommandError(`file not found: ${script}`);
    return { file: nodePath, args: ['--inspect=127.0.0.1:0', '--inspect-publish-uid=http', ...rest], script };
  }
  return { file: first, args: rest };
}

/** Node flags whose value is the next argument (`--import tsx`). */
const NODE_VALUE_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C',
  '--input-type', '--title', '--env-file', '--eval', '-e', '--print', '-p', '--stack-size', '--max-old-space-size']);

/** Index of the script in node's arguments (argv without the executable), or -1 (e.g. `node -e …`). */
export function scriptArgIndex(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    if (NODE_VALUE_FLAGS.has(args[i])) { if (args[i] === '-e' || args[i] === '--eval' || args[i] === '-p' || args[i] === '--print') return -1; i++; continue; }
    if (!args[i].startsWith('-')) return i;
  }
  return -1;
}

function isExecutableCommand(first: string): boolean {
  // `./run.sh`, `bin/start`: a file without a script extension is run as a command.
  return !SCRIPT.test(first);
}
