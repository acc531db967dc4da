import { Node, calleeName } from './ast';
import { moduleBindingsOf } from './moduleBindings';

/**
 * Whether a call that runs another program changes state: `exec('npm run build')` writes files the
 * `exec('npm test')` after it reads, and gathered, the tests would run on what the build had not
 * written yet. Undefined when the call runs no program (its callee is not one of child_process's
 * runners, their promisified names, or execa's).
 *
 * A command reads only (false) when every command of it (`a && b`, `a | b`, `a; b`) is a program
 * known to read only (`cat`, `ls`, `git status`, `git rev-parse`), or asks a program its version or
 * usage (`node --version`), and nothing is redirected into a file. Anything else changes state,
 * and so does a command not written as a literal: most commands a program runs in turn build,
 * install, move or write something.
 */
export function commandChangesState(call: Node): boolean | undefined {
  if (!RUNNERS.test(calleeName(call)) && !callsRunnerAlias(call)) return undefined;
  const command = commandText(call);
  if (command === undefined || /[<>]/.test(command)) return true;
  return !command.split(/&&|\|\||[;|\n]/).every((c) => readsOnly(c.trim().split(/\s+/).filter(Boolean)));
}

/** child_process's runners and their usual promisified names (`execAsync`, `execFileP`), execa's. */
const RUNNERS = /^(exec|execFile|spawn|execa|execaCommand|execaNode)(Async|P|Promise|Promised)?$/;

/**
 * The call's callee is a name the file binds to a promisified runner under a name of its own
 * (`const run = promisify(execFile)`, `const sh = util.promisify(cp.exec)`): a build script's
 * `await run('tsc')`, then `await run('node', ['--test'])`, read "3 independent awaits ran one
 * after another · Promise.all would save …". The file's promisified names come from its module
 * bindings (moduleBindingsOf, collected once per file); a name shadowed in an inner scope is taken
 * for the same.
 */
function callsRunnerAlias(call: Node): boolean {
  if (call.callee.type !== 'Identifier') return false;
  let root: Node = call;
  while (root.__parent) root = root.__parent;
  return RUNNERS.test(moduleBindingsOf(root).promisified.get(call.callee.name) ?? '');
}

/** Programs that only read, whatever their arguments (`sleep` waits). */
const READERS = new Set(['cat', 'ls', 'echo', 'pwd', 'which', 'whoami', 'uname', 'date', 'hostname', 'head', 'tail',
  'wc', 'stat', 'du', 'df', 'ps', 'id', 'printenv', 'grep', 'sleep', 'true', 'test', 'file', 'type']);
/** git's subcommands that only read. */
const GIT_READS = new Set(['status', 'log', 'rev-parse', 'diff', 'show', 'describe', 'ls-files', 'ls-tree', 'ls-remote',
  'cat-file', 'rev-list', 'shortlog', 'blame', 'grep', 'version', '--version']);

function readsOnly(words: string[]): boolean {
  if (words.length === 0) return true;
  const program = words[0].replace(/^.*\//, '');
  if (READERS.has(program)) return true;
  // Not `-v`: verbose to most (`rm -v`, `cp -v`).
  if (words.slice(1).some((w) => w === '--version' || w === '--help')) return true;
  return program === 'git' && GIT_READS.has(words[1] ?? '');
}

/**
 * The command a call runs as one line of words: `exec('git status')`'s text (`exec(`cat ${f}`)`: the
 * template's parts, what is put in taken for an argument); `execFile('git',
 * ['rev-parse', 'HEAD'])`'s file and literal arguments (an argument not written as a literal makes
 * it unknown). Undefined when the program is not a literal.
 */
function commandText(call: Node): string | undefined {
  const text = (n: Node | undefined) => {
    if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
    // `cat ${file}`: what is put in is taken for an argument (a placeholder word).
    if (n?.type === 'TemplateLiteral') return n.quasis.map((q: Node) => q.value.cooked as string).join('ARG');
    return undefined;
  };
  const program = text(call.arguments[0]);
  if (program === undefined) return undefined;
  const args = call.arguments[1];
  if (args?.type !== 'ArrayExpression') return program;
  const words = args.elements.map((e: Node | null) => (e ? text(e) : undefined));
  return words.every((w: string | undefined) => w !== undefined) ? [program, ...words].join(' ') : undefined;
}
