/**
 * What `profile` does with a finished recording: analyze it, write the reports asked for, check
 * the gates. Its own module, loaded while the program runs (the analyzer and the report writers
 * are not needed to start it).
 */
import * as os from 'node:os';
import type { Recording } from '../recorder/profileOptions';
import { debugLog } from '../recorder/launcher/debugLog';
import { analyzeHandedOver } from '../analyzer/analyze';
import type { Finding, Report } from '../analyzer/report';
import { checkBudgets, type Budget } from '../analyzer/budgets';
import { checkFailOn, type FailOnRule } from '../analyzer/failOn';
import { findingSite } from '../analyzer/findingIdentity';
import { writeOutputs, type OutputOptions } from './outputs';
import { EXIT_CANT_WRITE, EXIT_GATE } from './exitCodes';

export interface Gates { threshold?: number; budgets: Budget[]; failOn: FailOnRule[] }

/** Analyzes the recording, writes the outputs and returns the CLI's exit status. */
export function finishProfile(recording: Recording, o: OutputOptions, cwd: string, gates: Gates): number {
  const report = analyzeHandedOver(recording.raw, { blockingThresholdMs: gates.threshold });
  debugLog('report ready');

  const status = exitStatus(report.program);
  const wrote = writeOutputs(report, recording, o, cwd, status);
  const gated = gateStatus(report, status, gates.budgets, gates.failOn);
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
