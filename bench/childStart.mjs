// What profiling adds to a child process (issue 12: the added cost per extra process), split as
// bench/workerStart.mjs splits a worker's: the child's main-thread CPU before its first line runs
// (Linux's /proc/thread-self/schedstat, read by that line: it holds on a busy machine; coarse per
// child, not as a median over many), the wall time from spawn() to that line, and from it to the
// parent's 'exit' event. A program spawns N `node -e` children one after another
// (bench/childStart/children.cjs); each variant runs it `--rounds` times, alternating:
//   plain     — no inspector;
//   inspect   — the children under `--inspect=127.0.0.1:0`, nobody attached: the inspector's own part;
//   cpu-prof  — the children under `node --cpu-prof` (V8's profiler from the process's start,
//               written to a file at exit): the profiler's own cost, delivered without the inspector;
//   probe     — the probe preloaded as the recorder preloads it, with no recorder (its options name
//               a process that is gone) and no profiler: the probe's load and start, and the
//               inspector it opens;
//   ours      — `concurrency-lens profile` (this build's dist/cli.js): the probe, the recorder's
//               attachment, commands and collection, and the profiler;
//   compare   — with --compare DIR: DIR's build (its dist/cli.js), in the same rounds.
// Prints each variant's medians (over all children of all rounds but each run's first) and their
// differences from plain.
// Usage: node bench/childStart.mjs [--rounds N] [--count N] [--compare DIR] [variant…]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeEnv, runStartPhases, startPhasesArgs } from './lib/startPhases.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const PROGRAM = join(ROOT, 'bench/childStart/children.cjs');
const { rounds, count, compare, filters } = startPhasesArgs(process.argv.slice(2), CLI);

const base = { ...process.env, CL_BENCH_CHILDREN: String(count) };
delete base.NODE_OPTIONS;
const scratch = mkdtempSync(join(tmpdir(), 'cl-childstart-'));

/** Each child's [main-thread CPU at its first line, ms from spawn() to it, ms from it to its exit event], from the program's output. */
function parse(r) {
  const m = /^CHILD_START (.+)$/m.exec(r.stdout ?? '');
  if (!m) throw new Error(`no figures in the program's output (exit ${r.status}):\n${(r.stdout ?? '').slice(-1000)}\n${(r.stderr ?? '').slice(-2000)}`);
  return JSON.parse(m[1]).slice(1);
}

const run = (args, env) => parse(spawnSync(process.execPath, args, { env, encoding: 'utf8' }));
const ours = (cli) => run([cli, 'profile', '--quiet', '--json', join(scratch, 'r.json'), PROGRAM], base);

const VARIANTS = {
  plain: () => run([PROGRAM], base),
  inspect: () => run([PROGRAM], { ...base, CL_BENCH_CHILD_ARGS: JSON.stringify(['--inspect=127.0.0.1:0', '--inspect-publish-uid=http']) }),
  'cpu-prof': () => run([PROGRAM], { ...base, CL_BENCH_CHILD_ARGS: JSON.stringify(['--cpu-prof', '--cpu-prof-dir', mkdtempSync(join(scratch, 'prof-'))]) }),
  probe: () => run([PROGRAM], probeEnv(base, CLI, scratch)),
  ours: () => ours(CLI),
  ...(compare ? { compare: () => ours(compare) } : {}),
};
await runStartPhases(`child start, ${count} children a run`, VARIANTS, { rounds, filters, scratch, started: 'spawn()', exited: 'exit event' });
