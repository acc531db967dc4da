// Bench fixture: a small vitest project run by the installed vitest (`npx vitest run` here).
// Vite's cache goes to the temp dir, not into the shared node_modules/.vite.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default {
  cacheDir: join(tmpdir(), 'cl-bench-vitest-cache'),
  test: { include: ['tests/*.spec.js'], reporters: ['dot'] },
};
