// What bench/workerStart.mjs and bench/childStart.mjs share: the probe preloaded without a
// recorder, and the table of a thread's start phases per variant.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { median } from './stats.mjs';

/**
 * `env` with the probe of the build whose CLI is `cli` preloaded as the recorder preloads it
 * (recorder/profile.ts: NODE_OPTIONS and the options in CONCURRENCY_LENS_OPTIONS,
 * recorder/probeOptions.ts), for a recorder that is gone: a process that has exited (the probe
 * checks that its recorder lives before it waits for it). Its run directory is made in
 * `scratch`. The inspector the probe opens says nothing on stderr, as under the recorder, unless
 * `uidOnStderr` (a bare CDP client reads the inspector's address there).
 */
export function probeEnv(env, cli, scratch, { uidOnStderr = false } = {}) {
  const probePath = join(dirname(cli), 'probe.js');
  const options = {
    runDir: mkdtempSync(join(scratch, 'run-')), probePath, esmHooksPath: join(dirname(cli), 'esmHooks.mjs'),
    esbuildPath: dirname(createRequire(import.meta.url).resolve('esbuild/package.json')),
    includeNodeModules: false, maxSpans: 200_000, recorderPid: spawnSync(process.execPath, ['-e', '0']).pid,
  };
  const publish = uidOnStderr ? '' : ' --inspect-publish-uid=http';
  return { ...env, NODE_OPTIONS: `--require ${JSON.stringify(probePath)}${publish}`, CONCURRENCY_LENS_OPTIONS: JSON.stringify(options) };
}

/**
 * Prints, per variant, the medians of each column of its figures (each figure: [thread CPU at the
 * first line, ms to the first line, ms from it to the exit event]; the last column is the sum of
 * the two times) and their change from `plain`'s.
 */
export function printStartPhases(figures, names, { started, exited }) {
  const columns = ['thread CPU at its first line', `${started} → first line`, `first line → ${exited}`, `${started} → ${exited}`];
  const column = (v, k) => figures[v].map((w) => (k < 3 ? w[k] : w[1] + w[2]));
  console.log(`medians over ${figures.plain.length} per variant (ms; change from plain)`);
  console.log(`${''.padEnd(15)}${columns.map((c) => c.padStart(30)).join('')}`);
  for (const v of names) {
    const cells = columns.map((_, k) => {
      const m = median(column(v, k));
      const d = m - median(column('plain', k));
      return `${m.toFixed(1)}${v === 'plain' ? '' : ` (${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)})`}`.padStart(30);
    });
    console.log(`${v.padEnd(15)}${cells.join('')}`);
  }
}
