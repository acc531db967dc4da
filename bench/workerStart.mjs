// What profiling adds to a worker thread (issue 12: the added cost per extra thread): the worker's
// own thread CPU before its first line runs, and the wall time from `new Worker()` to that line and
// from it to the worker's 'exit' event. Thread CPU from Linux's /proc/thread-self/schedstat (ns on
// a CPU), read by the worker's first statement: it holds on a busy machine, where wall-time ratios
// move ±15 % from run to run. schedstat is brought up to date at the scheduler's ticks (a few ms):
// one worker's figure is coarse, the median over many is not. A program starts N workers one after
// another (bench/workerStart/workers.cjs); each variant runs it `--rounds` times, alternating:
//   plain     — no inspector;
//   probe     — the probe preloaded as the recorder preloads it (NODE_OPTIONS, its options env), with
//               no recorder (the options name a process that is gone: the probe never waits for it)
//               and no profiler: what loading and starting the probe costs by itself;
//   attach    — `--inspect` and a bare CDP client that attaches to each worker (NodeWorker,
//               waitForDebuggerOnStart) and lets it run: the inspector's own part;
//   profiler  — the same, and V8's CPU profiler started in each worker as it attaches
//               (Profiler.enable, Profiler.start): what the profiler costs by itself;
//   profiler+probe — both: the probe in a profiled worker, without the recorder's commands and
//               round trips (the difference to `ours` is the recorder's part);
//   late      — the profiler started by the worker's first statement instead (console.profile,
//               read after it): what starting it once the worker has booted costs;
//   ours      — `concurrency-lens profile` (this build's dist/cli.js): the probe, the recorder's
//               commands and the profiler;
//   ours-off  — the same with every running mechanism off (CONCURRENCY_LENS_MEASURE_OFF: the
//               instrumentation, fs wrapping, request recording, lag ticks, writes, hand-overs,
//               chunks, tracing): what is left is the probe's start and the profiler;
//   compare   — with --compare DIR: DIR's build (its dist/cli.js), in the same rounds.
// Prints each variant's medians (over all workers of all rounds but each run's first, whose
// thread also pays for what the process loads once) and their differences from plain.
// Usage: node bench/workerStart.mjs [--rounds N] [--count N] [--compare DIR] [variant…]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeEnv, runStartPhases, startPhasesArgs } from './lib/startPhases.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const PROGRAM = join(ROOT, 'bench/workerStart/workers.cjs');
const CDP = createRequire(import.meta.url)('chrome-remote-interface');
const { rounds, count, compare, filters } = startPhasesArgs(process.argv.slice(2), CLI);

const OFF = 'instrument,fsSync,http,ticks,flush,handOver,chunks,tracing';
const base = { ...process.env, CL_BENCH_WORKERS: String(count) };
delete base.NODE_OPTIONS;
const scratch = mkdtempSync(join(tmpdir(), 'cl-workerstart-'));

/** Each worker's [thread CPU at its first line, ms from new Worker() to it, ms from it to the worker's exit], from the program's output. */
function parse(out) {
  const m = /^WORKER_START (.+)$/m.exec(out);
  if (!m) throw new Error(`no figures in the program's output:\n${out.slice(-2000)}`);
  return JSON.parse(m[1]).slice(1);
}

function plain(withProbe = false) {
  const r = spawnSync(process.execPath, [PROGRAM], { env: withProbe ? probeEnv(base, CLI, scratch) : base, encoding: 'utf8' });
  return parse(r.stdout);
}

function ours(off, cli = CLI) {
  const env = off ? { ...base, CONCURRENCY_LENS_MEASURE_OFF: OFF } : base;
  const r = spawnSync(process.execPath, [cli, 'profile', '--quiet', '--json', join(scratch, 'r.json'), PROGRAM], { env, encoding: 'utf8' });
  return parse(r.stdout);
}

/** The program under `--inspect`, a bare CDP client attached; `profile`: 'attach' | 'profiler' | 'late'. */
async function bare(profile, withProbe = false) {
  const env = { ...(withProbe ? probeEnv(base, CLI, scratch, { uidOnStderr: true }) : base), CL_BENCH_LATE_PROFILE: profile === 'late' ? '1' : '0' };
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', PROGRAM], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const url = await new Promise((res, rej) => {
    let err = '';
    child.stderr.on('data', (d) => { err += d; const m = /ws:\/\/\S+/.exec(err); if (m) res(m[0]); });
    child.on('exit', () => rej(new Error(`the program ended before its inspector listened:\n${err}`)));
  });
  const client = await CDP({ target: url, local: true });
  let id = 1;
  const toWorker = (sessionId, method) => client.send('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: id++, method }) });
  client.on('NodeWorker.attachedToWorker', ({ sessionId }) => {
    if (profile !== 'attach') void toWorker(sessionId, 'Profiler.enable');
    if (profile === 'profiler') void toWorker(sessionId, 'Profiler.start');
    void toWorker(sessionId, 'Runtime.runIfWaitingForDebugger');
  });
  await client.send('NodeWorker.enable', { waitForDebuggerOnStart: true });
  await client.send('Runtime.runIfWaitingForDebugger');
  // Node waits for a connected client to hang up before the process ends; a program that died
  // without its figures ends the wait too (parse says so).
  await new Promise((res) => { const t = setInterval(() => { if (/^WORKER_START /m.test(out) || child.exitCode !== null) { clearInterval(t); res(); } }, 5); });
  await client.close();
  await new Promise((res) => (child.exitCode !== null ? res() : child.on('exit', res)));
  return parse(out);
}

const VARIANTS = {
  plain: () => plain(), probe: () => plain(true), attach: () => bare('attach'), profiler: () => bare('profiler'), 'profiler+probe': () => bare('profiler', true),
  late: () => bare('late'), ours: () => ours(false), 'ours-off': () => ours(true), ...(compare ? { compare: () => ours(false, compare) } : {}),
};
await runStartPhases(`worker start, ${count} workers a run`, VARIANTS, { rounds, filters, scratch, started: 'new Worker()', exited: 'exit event' });
