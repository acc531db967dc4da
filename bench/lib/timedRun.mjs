// One timed run of a bench workload, plain or under `concurrency-lens profile`.
//  - wall: the whole command, spawn to exit, as the user waits for it;
//  - work: the program's own time for its work, when it prints BENCH_MS=… (NaN otherwise);
//  - rssKb: GNU time's %M over the command (the largest single process of the tree it waited for:
//    the program when plain; profiled, the larger of the CLI and the program's processes);
//  - cpuMs: GNU time's user + system CPU of the command and every process it waited for (10 ms
//    resolution): unlike wall time, it holds up on a loaded machine;
//  - cli: the profiler CLI process's own peak RSS and CPU (profiled runs only; bench/lib/peakRss.cjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/cli.js');
const PEAK_RSS_HOOK = join(ROOT, 'bench/lib/peakRss.cjs');
const TIME_BIN = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
export const hasGnuTime = TIME_BIN !== null;

/** The environment every bench run gets: no inherited NODE_OPTIONS or pool size, no npm update check. */
export function benchEnv() {
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  delete env.NODE_OPTIONS;
  delete env.UV_THREADPOOL_SIZE;
  return env;
}

/** A node script (run with this node) or a command (npx, npm) as given. */
const isScript = (file) => /\.(m|c)?js$/.test(file);

/**
 * Runs `w.cmd` in `w.cwd` once; `profiledJson` set: under the CLI, writing the report there.
 * @returns {{ wallMs, status, signal, error, stdout, stderr, workMs, rssKb, cpuMs, cliRssKb, cliCpuMs }}
 */
export function timedRun(w, { profiledJson, scratch, timeoutMs = 300_000 }) {
  const timeFile = join(scratch, 'time.txt');
  const selfFile = join(scratch, 'cli-self.json');
  rmSync(timeFile, { force: true });
  rmSync(selfFile, { force: true });
  const env = benchEnv();
  const command = profiledJson
    ? [process.execPath, '-r', PEAK_RSS_HOOK, CLI, 'profile', '--json', profiledJson, '--cwd', w.cwd, '--', ...w.cmd]
    : isScript(w.cmd[0]) ? [process.execPath, ...w.cmd] : w.cmd;
  if (profiledJson) env.CL_BENCH_SELF_FILE = selfFile;
  const [file, args] = TIME_BIN ? [TIME_BIN, ['-f', '%M %U %S', '-o', timeFile, ...command]] : [command[0], command.slice(1)];
  const t0 = performance.now();
  const r = spawnSync(file, args, { cwd: w.cwd, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: timeoutMs });
  const wallMs = performance.now() - t0;
  // GNU time writes "Command exited with non-zero status N" first when it did; the figures are the last line.
  const [rssKb, userS, sysS] = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  let self = {};
  try { self = JSON.parse(readFileSync(selfFile, 'utf8')); } catch { /* plain run, or the CLI died before its exit handler */ }
  const m = /^BENCH_MS=([\d.]+)$/m.exec(r.stdout ?? '');
  return {
    wallMs, status: r.status, signal: r.signal, error: r.error?.message, stdout: r.stdout ?? '', stderr: r.stderr ?? '',
    workMs: m ? Number(m[1]) : NaN, rssKb, cpuMs: (userS + sysS) * 1000, cliRssKb: self.maxRssKb ?? NaN, cliCpuMs: self.cpuMs ?? NaN,
  };
}
