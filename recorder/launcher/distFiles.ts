import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Path of a built file (probe.js, esmHooks.mjs, webview.js). The recorder runs bundled from
 * dist/ (CLI, extension) or from source under tsx (tests); both find the same dist/.
 */
export function distFile(name: string): string {
  const candidates = [path.join(__dirname, name), path.resolve(__dirname, '..', '..', 'dist', name), path.resolve(__dirname, '..', 'dist', name)];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`${name} not found (run \`npm run build\`): looked in ${candidates.join(', ')}`);
  return found;
}
