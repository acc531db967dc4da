// What bench/workerStart.mjs and bench/childStart.mjs share: their command line and checks, the
// probe preloaded without a recorder, the alternating rounds of variants and the table of a
// thread's start phases per variant.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { parseCostArgs } from './costArgs.mjs';
import { median } from './stats.mjs';

/** The command line (bench/lib/costArgs.mjs: 3 rounds, 8 threads by default); exits when schedstat or a CLI to time is missing. */
export function startPhasesArgs(argv, cli) {
  const args = parseCostArgs(argv, { rounds: 3, count: 8 });
  if (!existsSync('/proc/thread-self/schedstat')) { console.error('needs Linux\'s /proc/thread-self/schedstat'); process.exit(1); }
  for (const c of [cli, ...(args.compare ? [args.compare] : [])]) if (!existsSync(c)) { console.error(`${c} missing: node scripts/build.mjs`); process.exit(1); }
  return args;
}

/**
 * Runs every variant of `variants` that `filters` names (plain always; all when none is named)
 * `rounds` times, alternating, each round starting one variant later; each returns (or resolves
 * to) its figures, [thread CPU at the first line, ms to it, ms from it to the exit event] per
 * thread. Prints `title` and the load before and after, then the table (printStartPhases), and
 * removes `scratch` whatever happens.
 */
export async function runStartPhases(title, variants, { rounds, filters, scratch, started, exited }) {
  const names = Object.keys(variants).filter((v) => v === 'plain' || filters.length === 0 || filters.includes(v));
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`${title} — node ${process.version}, ${cpus().length} cores, ${rounds} rounds; load average ${load()}`);
  const figures = Object.fromEntries(names.map((v) => [v, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < names.length; i++) {
        const v = names[(i + round) % names.length];
        figures[v].push(...await variants[v]());
        process.stdout.write('.');
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`\nload average after: ${load()}`);
  printStartPhases(figures, names, { started, exited });
}

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
  // As the recorder preloads it: through its loader (recorder/probe/loader.ts) where the build has one.
  const loader = join(dirname(cli), 'probeLoader.js');
  const preload = existsSync(loader) ? loader : probePath;
  return { ...env, NODE_OPTIONS: `--require ${JSON.stringify(preload)}${publish}`, CONCURRENCY_LENS_OPTIONS: JSON.stringify(options) };
}

/**
 * Prints, per variant, the medians of each column of its figures (each figure: [thread CPU at the
 * first line, ms to the first line, ms from it to the exit event]; the last column is the sum of
 * the two times) and their change from `plain`'s.
 */
function printStartPhases(figures, names, { started, exited }) {
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
