/**
 * concurrency-lens: the headless front end.
 *   concurrency-lens profile <app.js|app.ts|command…> [options] [-- program args]
 *   concurrency-lens attach [pid | 127.0.0.1:port] [options]
 *   concurrency-lens compare <before.json> <after.json> [--fail-on-regression] [--tolerance PCT] [--json FILE]
 *   concurrency-lens matrix [samples-dir] [--markdown] [--json FILE] [--filter S]
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { startProfile, CommandError } from '../recorder/profile';
import type { StopSignal } from '../recorder/profileOptions';
import { stopRequests, SAME_REQUEST_MS } from '../recorder/stopRequests';
import { formatSeconds } from '../analyzer/format';
import { parseBudgets, type Budget } from '../analyzer/budgets';
import { parseFailOn, type FailOnRule } from '../analyzer/failOn';
import { outputPathProblems } from './outputOptions';
import { EXIT_USAGE } from './exitCodes';
import { exitAfterFlush } from './exitAfterFlush';
import { hideCdpClientDeprecation } from './ownWarnings';
import { applyOwnFlags } from './ownV8Flags';

// Start-up loads only what starting the program needs: the other commands, the usage text, the
// analyzer and the report writers are imported when used (esbuild evaluates a dynamically
// imported module only then), so a profiled program starts sooner.

/** The usage text (loads every command's module). */
const usage = async (): Promise<string> => (await import('./usage.js')).USAGE;

async function main(argv: string[]): Promise<number> {
  hideCdpClientDeprecation();
  const [command, ...rest] = argv;
  if (!command || isHelp(command) || command === 'help') { process.stdout.write(await usage() + '\n'); return command ? 0 : 2; }
  // `<command> --help`: attach, compare and matrix take no program, so anywhere; profile's is read before its program (splitProfileArgs).
  if (command !== 'profile' && rest.some(isHelp)) { process.stdout.write(await usage() + '\n'); return 0; }
  // The other commands' start-up is loading their module (see applyOwnFlags).
  if (command === 'matrix') return matrix(rest);
  if (command === 'attach') { const { attachCommand } = await import('./attach.js'); applyOwnFlags('started'); return attachCommand(rest, await usage()); }
  if (command === 'compare') { const { compareCommand } = await import('./compare.js'); applyOwnFlags('started'); return compareCommand(rest); }
  if (command !== 'profile') { process.stderr.write(`concurrency-lens: unknown command '${command}'\n\n${await usage()}\n`); return 2; }
  return profile(rest);
}

async function profile(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = splitProfileArgs(args);
  } catch (e) {
    process.stderr.write(`concurrency-lens: ${(e as Error).message}\n\n${await usage()}\n`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) { process.stdout.write(await usage() + '\n'); return 0; }
  const number = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new CommandError(`--${name} needs a number ≥ ${min}, got '${v}'`);
    return n;
  };
  const cwd = path.resolve(o.cwd ?? process.cwd());
  let run;
  let threshold: number | undefined;
  let budgets: Budget[] = [];
  let failOn: FailOnRule[] = [];
  try {
    // The gates are checked before the program runs: a typo fails at once, not after the run.
    if (o.budget !== undefined) budgets = parseBudgets(o.budget);
    if (o['fail-on'] !== undefined) failOn = parseFailOn(o['fail-on']);
    const problems = outputPathProblems(o);
    if (problems.length) throw new Error(problems.join('\nconcurrency-lens: '));
  } catch (e) {
    process.stderr.write(`concurrency-lens: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  try {
    const duration = number('duration', o.duration, 0.1);
    const grace = number('grace', o.grace, 0);
    threshold = number('threshold', o.threshold, 1);
    run = startProfile({
      command: parsed.command,
      cwd,
      durationMs: duration !== undefined ? duration * 1000 : undefined,
      graceMs: grace !== undefined ? grace * 1000 : undefined,
      samplingIntervalUs: number('sampling-interval', o['sampling-interval'], 50),
      includeNodeModules: o['include-node-modules'] ?? false,
    });
  } catch (e) {
    if (e instanceof CommandError) { process.stderr.write(`concurrency-lens: ${e.message}\n`); return 2; }
    throw e;
  }
  onStopSignals(run);
  // The analyzer and the report writers load while the program runs (the next turn of the loop:
  // the program is already spawned, the signal handlers are in place).
  const finishing = new Promise((resolve) => setImmediate(resolve)).then(() => import('./finishProfile.js'));
  finishing.catch(() => undefined); // a failure surfaces where it is awaited, after the run (not as an unhandled rejection during it)
  // Start-up is done once they have loaded (the CDP client too: startProfile's setImmediate, queued
  // before this one): the CLI's own V8 flags apply from here, before the program can announce itself.
  finishing.then(() => applyOwnFlags('started'), () => undefined);
  // Record, then analyze: the recorder hands over the raw recording, the analyzer reads it.
  const recording = await run.done;
  return (await finishing).finishProfile(recording, o, cwd, { threshold, budgets, failOn });
}

/**
 * The CLI's SIGINT, SIGTERM and SIGHUP go on to the program as what they are; the program gets
 * its grace period to shut down. A second signal kills it at once; a third abandons the report.
 * Signals arriving together count as one (stopRequests).
 */
function onStopSignals(run: ReturnType<typeof startProfile>): void {
  // When a signal arrived is not known, only when the loop read it. Signals read in one batch
  // (one turn of the event loop) arrived together, however long the first one's handling took;
  // so did one read within SAME_REQUEST_MS of the loop being free again after handling the
  // previous one (it may have waited in the signal pipe while the CLI was busy or waiting for a
  // core): both get the previous turn's time, and stopRequests counts them once.
  let turnAt: number | undefined;
  let lastTurnAt = -Infinity;
  let lastTurnEnd = -Infinity;
  const arrivedAt = () => {
    if (turnAt === undefined) {
      const t = performance.now();
      turnAt = t - lastTurnEnd < SAME_REQUEST_MS ? lastTurnAt : t;
      lastTurnAt = turnAt;
      setImmediate(() => { turnAt = undefined; lastTurnEnd = performance.now(); });
    }
    return turnAt;
  };
  const request = stopRequests(run, arrivedAt);
  const say = (text: string) => { try { process.stderr.write(`\nconcurrency-lens: ${text}\n`); } catch { /* terminal gone (SIGHUP) */ } };
  const onSignal = (signal: StopSignal) => {
    const meant = request(signal);
    if (meant === 'stop') say(`sent ${signal} to the program; waiting up to ${formatSeconds(run.graceMs)} for it to shut down — Ctrl-C again to kill it`);
    else if (meant === 'kill') say('killing the program; writing the report… (Ctrl-C again to abandon the report)');
    else if (meant === 'again') { say('abandoned the report'); process.exit(128 + os.constants.signals[signal]); }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

const VALUE_OPTIONS = new Set(['json', 'html', 'sarif', 'trace', 'cpuprofile', 'duration', 'grace', 'sampling-interval', 'threshold', 'cwd', 'budget', 'fail-on']);
/** Value options that may be given more than once: their values are joined with ','. */
const LIST_OPTIONS = new Set(['budget', 'fail-on']);
const FLAG_OPTIONS = new Set(['include-node-modules', 'quiet']);
const isHelp = (a: string): boolean => a === '--help' || a === '-h';

/**
 * Our options may stand anywhere before `--` (`profile app.js --duration 10`); everything after
 * `--` goes to the program. An option we do not know, once the command has started, is the
 * command's own (`profile node --import tsx app.ts`); so is `--help` (`-h`), which before the
 * command asks for the usage (`values.help`).
 */
export function splitProfileArgs(args: string[]): { values: Record<string, any>; command: string[] } {
  const values: Record<string, any> = {};
  const command: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { command.push(...args.slice(i + 1)); break; }
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m && VALUE_OPTIONS.has(m[1])) {
      const v = m[2] ?? args[++i];
      if (v === undefined) throw new Error(`--${m[1]} needs a value`);
      values[m[1]] = LIST_OPTIONS.has(m[1]) && values[m[1]] !== undefined ? `${values[m[1]]},${v}` : v;
    } else if (m && FLAG_OPTIONS.has(m[1]) && m[2] === undefined) values[m[1]] = true;
    else if (isHelp(a) && command.length === 0) values.help = true;
    else if (a.startsWith('-') && command.length === 0) throw new Error(`unknown option '${a}'`);
    else command.push(a);
  }
  return { values, command };
}

async function matrix(args: string[]): Promise<number> {
  const { runMatrix } = await import('./matrix.js');
  applyOwnFlags('started');
  const parsed = parseArgs({ args, allowPositionals: true, options: { markdown: { type: 'boolean' }, json: { type: 'string' }, filter: { type: 'string', multiple: true }, verbose: { type: 'boolean' } } });
  const dir = path.resolve(parsed.positionals[0] ?? 'samples');
  const result = await runMatrix(dir, { markdown: parsed.values.markdown, json: parsed.values.json, filter: parsed.values.filter, verbose: parsed.values.verbose });
  return result.ok ? 0 : 1;
}

const argv = process.argv.slice(2);
// `profile` has nothing left running once it returns (the program's processes are gone, the
// files written): it ends as soon as its output is out, without Node's teardown.
main(argv).then((code) => { if (argv[0] === 'profile') exitAfterFlush(code); else process.exitCode = code; }, (e) => {
  process.stderr.write(`concurrency-lens: internal error: ${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 70;
});
