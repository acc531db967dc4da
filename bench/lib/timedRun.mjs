// One timed run of a bench workload, plain or under `concurrency-lens profile`.
//  - wall: the whole command, spawn to exit, as the user waits for it;
//  - work: the program's own time for its work, when it prints BENCH_MS=… (NaN otherwise);
//  - rssKb: GNU time's %M over the command (the largest single process of the tree it waited for:
//    the program when plain; profiled, the larger of the CLI and the program's processes);
//  - cpuMs: GNU time's user + system CPU of the command and every process it waited for (10 ms
//    resolution): unlike wall time, it holds up on a loaded machine;
//  - cli: the profiler CLI process's own peak RSS and CPU (profiled runs only; bench/lib/peakRss.cjs);
//  - floorProfiles: under the floor (V8's profiler alone: bench/lib/v8Floor.ts), the profiles it wrote.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

/**
 * `env` for a run under the floor: its preload in NODE_OPTIONS, where profiles go, the interval
 * (bench/lib/v8Floor.ts: µs; null: the CLI's base interval).
 */
export function floorEnv(env, { preload, dir, intervalUs }) {
  return { ...env, NODE_OPTIONS: `--require ${JSON.stringify(preload)}`, CL_BENCH_FLOOR_DIR: dir, ...(intervalUs ? { CL_BENCH_FLOOR_INTERVAL_US: String(intervalUs) } : {}) };
}

/** A node script (run with this node) or a command (npx, npm) as given. */
const isScript = (file) => /\.(m|c)?js$/.test(file);

/**
 * Runs `w.cmd` in `w.cwd` once; `profiledJson` set: under the CLI, writing the report there, with
 * `profileArgs` (more of the CLI's options, e.g. `--sampling-interval 2000`) before the command;
 * `floor` set ({ preload, dir, intervalUs }: bench/lib/floorPreload.mjs; intervalUs null: the
 * CLI's default): not profiled by us but with V8's profiler alone in every process and thread,
 * its profiles written to `dir` (emptied first).
 * The command runs in a process group of its own: past `timeoutMs` the whole tree gets SIGTERM
 * (the CLI then stops its program and writes its report), and whatever of it is still alive
 * `TERM_GRACE_MS` later gets SIGKILL, the program's own process group included (the CLI spawns
 * it detached), so a run that never ends leaves nothing behind.
 * @returns {Promise<{ wallMs, status, signal, error, stdout, stderr, workMs, rssKb, cpuMs, cliRssKb, cliCpuMs, floorProfiles? }>}
 */
export async function timedRun(w, { profiledJson, profileArgs = [], floor, scratch, timeoutMs = 300_000 }) {
  const timeFile = join(scratch, 'time.txt');
  const selfFile = join(scratch, 'cli-self.json');
  rmSync(timeFile, { force: true });
  rmSync(selfFile, { force: true });
  let env = benchEnv();
  for (const k of w.unsetEnv ?? []) delete env[k];
  if (floor) {
    rmSync(floor.dir, { recursive: true, force: true });
    mkdirSync(floor.dir, { recursive: true });
    env = floorEnv(env, floor);
  }
  const command = profiledJson
    ? [process.execPath, '-r', PEAK_RSS_HOOK, CLI, 'profile', '--json', profiledJson, ...profileArgs, '--cwd', w.cwd, '--', ...w.cmd]
    : isScript(w.cmd[0]) ? [process.execPath, ...w.cmd] : w.cmd;
  if (profiledJson) env.CL_BENCH_SELF_FILE = selfFile;
  const [file, args] = TIME_BIN ? [TIME_BIN, ['-f', '%M %U %S', '-o', timeFile, ...command]] : [command[0], command.slice(1)];
  const t0 = performance.now();
  const r = await runInOwnGroup(file, args, { cwd: w.cwd, env, timeoutMs });
  const wallMs = performance.now() - t0;
  // GNU time writes "Command exited with non-zero status N" first when it did; the figures are the last line.
  const [rssKb, userS, sysS] = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  let self = {};
  try { self = JSON.parse(readFileSync(selfFile, 'utf8')); } catch { /* plain run, or the CLI died before its exit handler */ }
  const m = /^BENCH_MS=([\d.]+)$/m.exec(r.stdout);
  return {
    wallMs, status: r.status, signal: r.signal, error: r.error, stdout: r.stdout, stderr: r.stderr,
    workMs: m ? Number(m[1]) : NaN, rssKb, cpuMs: (userS + sysS) * 1000, cliRssKb: self.maxRssKb ?? NaN, cliCpuMs: self.cpuMs ?? NaN,
    ...(floor ? { floorProfiles: readdirSync(floor.dir).filter((f) => f.endsWith('.cpuprofile')).length } : {}),
  };
}

/** How long a timed-out run's tree has between SIGTERM and SIGKILL (the CLI waits up to 10 s for its program). */
const TERM_GRACE_MS = 15_000;
/** Output kept per stream, like spawnSync's maxBuffer (the rest is dropped, not an error). */
const MAX_OUTPUT = 64 << 20;

/**
 * spawnSync's result (status, signal, error, stdout, stderr as text) for a command run in a
 * process group of its own (POSIX), so that a timeout ends the whole tree rather than only its
 * root. `error`: why it did not run or was stopped (undefined when it ended on its own).
 */
function runInOwnGroup(file, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: [], stderr: [] };
    for (const name of ['stdout', 'stderr']) {
      let size = 0;
      child[name].on('data', (b) => { if (size < MAX_OUTPUT) { out[name].push(b); size += b.length; } });
    }
    let error;
    /** The tree as it was at the timeout: once the CLI is gone its program is no longer its child (reparented to init). */
    let tree = [];
    const kill = () => { for (const pid of tree) signalGroup(pid, 'SIGKILL'); };
    const timers = [setTimeout(() => {
      error = `timed out after ${timeoutMs} ms (its process tree was stopped)`;
      tree = [child.pid, ...descendants(child.pid)];
      signalGroup(child.pid, 'SIGTERM');
      timers.push(setTimeout(kill, TERM_GRACE_MS));
    }, timeoutMs)];
    const settle = (status, signal) => {
      for (const t of timers) clearTimeout(t);
      kill(); // what a stopped tree's root left behind
      resolve({ status, signal, error, stdout: Buffer.concat(out.stdout).toString('utf8'), stderr: Buffer.concat(out.stderr).toString('utf8') });
    };
    child.on('error', (e) => { if (child.pid === undefined) { error = e.message; settle(null, null); } });
    // After the pipes close, like spawnSync: a process the command left behind holding them is waited for (and stopped on timeout).
    child.on('close', settle);
  });
}

/** Signals `pid`'s process group if it leads one (the command's own; the program the CLI spawned detached), else `pid` alone. Never throws. */
function signalGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch { /* gone */ } }
}

/** Every live descendant of `pid` (Linux /proc; none found elsewhere). */
function descendants(pid) {
  const found = [];
  const visit = (p) => {
    let tasks = [];
    try { tasks = readdirSync(`/proc/${p}/task`); } catch { return; }
    for (const t of tasks) {
      let children = '';
      try { children = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8'); } catch { continue; }
      for (const c of children.split(' ').filter(Boolean).map(Number)) { found.push(c); visit(c); }
    }
  };
  visit(pid);
  return found;
}
