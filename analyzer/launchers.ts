/**
 * Launchers: processes that only start other processes (package managers, npx, shells,
 * package-manager shims). They run no user code, so their lag, CPU and internals are never the
 * headline and never findings. Pure: decides from a process's argv (node processes: the script
 * node runs; others: the executable and its arguments).
 */

/**
 * Scripts of node launchers: npm, npx, pnpm, pnpx, yarn, corepack and their shims, and tsx's CLI
 * (it only starts a second node with its loader and relays signals).
 */
const NODE_LAUNCHER = /[\\/](?:npm-cli|npx-cli|npm|npx|pnpm|pnpx|yarn|yarnpkg|corepack)(?:\.c?js)?$|[\\/]node_modules[\\/](?:npm|pnpm|yarn|corepack|@yarnpkg[\\/]cli)[\\/]bin[\\/]|[\\/]node_modules[\\/](?:\.bin[\\/]tsx|tsx[\\/]dist[\\/]cli\.m?js)$/;
/** Executables of shells and non-node launchers. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'fish', 'busybox', 'env', 'timeout', 'nohup', 'xargs', 'cmd.exe', 'powershell', 'pwsh']);

/** Node flags whose value may be the next argument (so that argument is not the script). */
const NODE_FLAG_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title', '--inspect-port', '--env-file', '--watch-path']);

/**
 * Whether a node command line (as /proc shows it: node's own flags before the script) runs
 * Node's watch mode: that process only restarts a child that runs the script, and loads no
 * preload (so no probe) itself. `node --test --watch` is the test runner's, and a `--watch`
 * after the script is the script's own (`node build.js --watch`).
 */
function isWatchMode(argv: readonly string[]): boolean {
  let watch = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-')) break;
    if (a === '--test') return false;
    if (a === '--watch' || a.startsWith('--watch-path')) watch = true;
    if (NODE_FLAG_WITH_VALUE.has(a)) i++;
  }
  return watch;
}

/** The launcher's short name ("npm", "sh"), or undefined when the process may run user code. */
export function launcherName(argv: readonly string[], isNode: boolean): string | undefined {
  if (isNode) {
    if (isWatchMode(argv)) return 'node --watch';
    const script = argv[1];
    if (!script || !NODE_LAUNCHER.test(script)) return undefined;
    if (/[\\/]tsx(?:[\\/]dist[\\/]cli\.m?js)?$/.test(script)) return 'tsx';
    const m = /(npm|npx|pnpm|pnpx|yarn|corepack)/.exec(script.slice(script.search(/[\\/][^\\/]*$/)).toLowerCase())
      ?? /(npm|pnpm|yarn|corepack)/.exec(script.toLowerCase());
    return m ? m[1] : 'launcher';
  }
  const exe = (argv[0] ?? '').split(/[\\/]/).pop() ?? '';
  return SHELLS.has(exe.toLowerCase()) ? exe : undefined;
}
