/**
 * TypeScript through esbuild (the recorder passes the path of its own copy). Source maps are
 * kept: the probe records them with the file's sites, and appends them inline so Node's
 * --enable-source-maps shows .ts lines in the program's own stack traces.
 */
import * as path from 'node:path';
import { createRequire } from 'node:module';

export interface Transpiled { code: string; map: unknown }

let esbuild: any;

export function isTypeScript(file: string): boolean {
  return /\.(ts|cts|mts|tsx)$/.test(file) && !file.endsWith('.d.ts');
}

export function transpileTypeScript(source: string, file: string, format: 'cjs' | 'esm', esbuildPath: string): Transpiled {
  if (!esbuild) {
    // Without worker threads esbuild runs its binary per call: no extra thread in the program.
    const saved = process.env.ESBUILD_WORKER_THREADS;
    process.env.ESBUILD_WORKER_THREADS = '0';
    // createRequire: this also runs in the ESM hooks bundle, where there is no `require`.
    try { esbuild = createRequire(path.join(esbuildPath, 'package.json'))(esbuildPath); } finally {
      if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS; else process.env.ESBUILD_WORKER_THREADS = saved;
    }
  }
  const r = esbuild.transformSync(source, {
    loader: file.endsWith('x') ? 'tsx' : 'ts', format, sourcemap: 'external', sourcefile: file, target: 'node18',
  });
  return { code: r.code, map: JSON.parse(r.map) };
}

export function withInlineMap(code: string, map: unknown): string {
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
}
