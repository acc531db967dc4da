import { basename } from './paths';

/**
 * Whether an executable path is Node's (`/usr/bin/node`, `node20`, `nodejs`, `node.exe`): a
 * process seen from /proc only (an external lane) that runs node is one the probe never loaded
 * into, not a program of another kind.
 */
export function isNodeExecutable(path: string | undefined): boolean {
  return !!path && /^(node(js)?\d*)(\.exe)?$/i.test(basename(path));
}
