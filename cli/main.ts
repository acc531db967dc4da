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
import { writeOutputs, outputPathProblems, OUTPUT_USAGE } from './outputs';
import { attachCommand, ATTACH_USAGE } from './attach';
import { runMatrix } from './matrix';
import { debugLog } from '../recorder/launcher/debugLog';
import { analyze } from '../analyzer/analyze';
import type { Finding, Report } from '../analyzer/report';
import { parseBudgets, checkBudgets, budgetHelp, type Budget } from '../analyzer/budgets';
import { parseFailOn, checkFailOn, type FailOnRule } from '../analyzer/failOn';
import { findingSite } from '../analyzer/findingIdentity';
import { FINDING_KINDS } from '../analyzer/findingKinds';
import { compareCommand, COMPARE_SYNOPSIS, COMPARE_OPTIONS } from './compare';
import { EXIT_CANT_WRITE, EXIT_GATE, EXIT_USAGE } from './exitCodes';

const USAGE = `Usage:
  concurrency-lens profile <script.js|script.ts|command…> [options] [-- program args]
  concurrency-lens attach [pid | 127.0.0.1:port] [options]
${COMPARE_SYNOPSIS}
  concurrency-lens matrix [samples-dir] [--markdown] [--json FILE] [--filter TEXT]

Profile options:
${OUTPUT_USAGE}
  --duration SECONDS       stop the program after this long (servers): it gets SIGINT
  --grace SECONDS          time the program may take to shut down after a stop signal
                           before it is killed (default 10)
  --sampling-interval US   CPU sampling interval in microseconds (default 1000)
  --threshold MS           event-loop block worth reporting (default 20)
  --include-node-modules   instrument dependencies too
  --cwd DIR                run the program in DIR
  --quiet                  no summary
  --fail-on KIND[:MIN_MS],…
                           fail (exit ${EXIT_GATE}) when a finding of KIND has a total time (all its
                           occurrences, all lanes) of at least MIN_MS (default 0); KIND: any,
${wrap(FINDING_KINDS.join(', '), 27, 100)}
  --budget NAME=LIMIT,…    fail (exit ${EXIT_GATE}) when a measured figure exceeds LIMIT, e.g.
                           lag.p99=50ms,blocking.total=200ms,rss=300MB. Times take ms or s.
                           A budget whose figure was not recorded fails too ("not checked").
${budgetHelp(' '.repeat(29))}
Stopping: SIGINT (Ctrl-C), SIGTERM and SIGHUP are passed on to the program, which gets the grace
period to shut down; a second Ctrl-C kills it at once. The report is written either way.
Exit code: the program's (128 + signal number if a signal ended it; 0 if --duration's SIGINT
ended it), 137 if it had to be killed, 2 for bad usage. When the program's status is 0 and a
--fail-on or --budget gate failed: ${EXIT_GATE}, with one line per breach on stderr. A program that
failed by itself keeps its own status (the breaches are still printed). The reports (--json,
--html, --sarif) are written in every case, with the program's own exit code in them.

${ATTACH_USAGE}

${COMPARE_OPTIONS}`;

/** `text` wrapped at `width` columns, every line indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') { process.stdout.write(USAGE + '\n'); return command ? 0 : 2; }
  if (command === 'matrix') return matrix(rest);
  if (command === 'attach') return attachCommand(rest, USAGE);
  if (command === 'compare') return compareCommand(rest);
  if (command !== 'profile') { process.stderr.write(`concurrency-lens: unknown command '${command}'\n\n${USAGE}\n`); return 2; }
  return profile(rest);
}

async function profile(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = splitProfileArgs(args);
  } catch (e) {
    process.stderr.write(`concurrency-lens: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const o = parsed.values;
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
  // Record, then analyze: the recorder hands over the raw recording, the analyzer reads it.
  const recording = await run.done;
  const report = analyze(recording.raw, { blockingThresholdMs: threshold });
  debugLog('report ready');

  const status = exitStatus(report.program);
  const wrote = writeOutputs(report, recording, o, cwd, status);
  const gated = gateStatus(report, status, budgets, failOn);
  return gated === 0 && !wrote ? EXIT_CANT_WRITE : gated;
}

/**
 * The exit status once the gates are checked: the program's own non-zero status stands (what
 * failed first is the program); otherwise EXIT_GATE when a --fail-on rule or a --budget was
 * breached. Every breach is printed, one line each, either way.
 */
function gateStatus(report: Report, status: number, budgets: Budget[], failOn: FailOnRule[]): number {
  const where = (f: Finding) => findingSite(f, report.program.cwd);
  const breaches = [...checkFailOn(report, failOn, where), ...checkBudgets(report, budgets)];
  for (const b of breaches) process.stderr.write(`concurrency-lens: ${b}\n`);
  if (breaches.length && status !== 0) process.stderr.write(`concurrency-lens: exit status ${status} is the program's own (the gates would have failed with ${EXIT_GATE})\n`);
  return status !== 0 ? status : breaches.length ? EXIT_GATE : 0;
}

/**
 * What a shell would report for the program: its exit code, or 128 + signal number when a
 * signal ended it (130 for the SIGINT we passed on); 137 (SIGKILL) when it had to be killed.
 * A program that `--duration`'s own SIGINT ended did what was asked: 0.
 */
export function exitStatus(p: Report['program']): number {
  if (p.error) return 1;
  if (p.killed) return 128 + os.constants.signals.SIGKILL;
  if (p.exitCode !== null) return p.exitCode;
  if (p.stopReason === 'duration' && p.signal === p.stopSignal) return 0;
  const signo = p.signal ? os.constants.signals[p.signal as NodeJS.Signals] : undefined;
  return signo ? 128 + signo : 1;
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

/**
 * Our options may stand anywhere before `--` (`profile app.js --duration 10`); everything after
 * `--` goes to the program. An option we do not know, once the command has started, is the
 * command's own (`profile node --import tsx app.ts`).
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
    else if (a.startsWith('-') && command.length === 0) throw new Error(`unknown option '${a}'`);
    else command.push(a);
  }
  return { values, command };
}

async function matrix(args: string[]): Promise<number> {
  const parsed = parseArgs({ args, allowPositionals: true, options: { markdown: { type: 'boolean' }, json: { type: 'string' }, filter: { type: 'string', multiple: true }, verbose: { type: 'boolean' } } });
  const dir = path.resolve(parsed.positionals[0] ?? 'samples');
  const result = await runMatrix(dir, { markdown: parsed.values.markdown, json: parsed.values.json, filter: parsed.values.filter, verbose: parsed.values.verbose });
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`concurrency-lens: internal error: ${e instanceof Error ? e.stack : e}\n`);
  process.exitCode = 70;
});
