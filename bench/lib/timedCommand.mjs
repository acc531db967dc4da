// One run of a command, timed, for the cost benches (fixedCost.mjs, profileDelivery.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Runs `file args` in `cwd` with `env` and waits for it; returns [wall ms, CPU ms of it and every
 * process it waited for (GNU time's user + system, 10 ms resolution, written to `timeFile`; NaN
 * without /usr/bin/time)]. Throws with the command's output when it does not exit 0. On a loaded
 * machine CPU time is the steadier figure: wall time there is mostly waiting for a core.
 */
export function timedCommand(file, args, { cwd, env, timeFile }) {
  const [f, a] = TIME_BIN ? [TIME_BIN, ['-f', '%U %S', '-o', timeFile, file, ...args]] : [file, args];
  const t0 = performance.now();
  const r = spawnSync(f, a, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status ?? r.signal}\n${(r.stderr || r.stdout).slice(-2000)}`);
  const cpu = TIME_BIN ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').reduce((x, y) => x + Number(y) * 1000, 0) : NaN;
  return [ms, cpu];
}
