import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { attach, AttachError, type AttachTarget } from '../recorder/attach/attach';
import { listNodeProcesses, describeCommand } from '../recorder/attach/nodeProcesses';
import { SAME_REQUEST_MS } from '../recorder/stopRequests';
import { analyzeHandedOver } from '../analyzer/analyze';
import { writeOutputs, outputPathProblems, OUTPUT_USAGE } from './outputs';
import { EXIT_CANT_WRITE } from './exitCodes';

export const ATTACH_USAGE = `Attach options (concurrency-lens attach <pid | 127.0.0.1:port>):
${OUTPUT_USAGE}
  --duration SECONDS       detach after this long (default: at Ctrl-C)
  --sampling-interval US   CPU sampling interval in microseconds (default 1000)
  --threshold MS           event-loop block worth reporting (default 20)
  --quiet                  no summary
Records a Node.js process that is already running: by pid (Linux; its inspector is opened with
SIGUSR1 and closed again when done) or at the loopback address of an inspector it already has
open. Ctrl-C (SIGINT, SIGTERM, SIGHUP) detaches and writes the report; the process keeps running.
Without a target, lists the node processes one can attach to.`;

/** `pid`, `127.0.0.1:9229`, `[::1]:9229`, `localhost:9229`: what to attach to. */
export function parseAttachTarget(text: string): AttachTarget {
  if (/^\d+$/.test(text)) return { pid: Number(text) };
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m) throw new AttachError(`'${text}' is neither a pid nor host:port`);
  return { host: m[1], port: Number(m[2]) };
}

export async function attachCommand(args: string[], usage: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: {
      json: { type: 'string' }, html: { type: 'string' }, sarif: { type: 'string' }, trace: { type: 'string' }, cpuprofile: { type: 'string' },
      duration: { type: 'string' }, 'sampling-interval': { type: 'string' }, threshold: { type: 'string' }, quiet: { type: 'boolean' },
    } });
  } catch (e) {
    process.stderr.write(`concurrency-lens: ${(e as Error).message}\n\n${usage}\n`);
    return 2;
  }
  const o = parsed.values;
  if (parsed.positionals.length === 0) {
    const list = listNodeProcesses();
    if (list.length === 0) process.stdout.write('no node processes to attach to\n');
    for (const p of list) process.stdout.write(`${String(p.pid).padStart(7)}  ${describeCommand(p.argv)}${p.cwd ? `  (in ${p.cwd})` : ''}\n`);
    return 0;
  }
  let run;
  let threshold: number | undefined;
  try {
    if (parsed.positionals.length > 1) throw new AttachError(`one target only, got ${parsed.positionals.join(' ')}`);
    const problems = outputPathProblems(o);
    if (problems.length) throw new AttachError(problems.join('\nconcurrency-lens: '));
    const number = (name: string, v: string | undefined, min: number): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < min) throw new AttachError(`--${name} needs a number ≥ ${min}, got '${v}'`);
      return n;
    };
    const duration = number('duration', o.duration, 0.1);
    threshold = number('threshold', o.threshold, 1);
    run = await attach(parseAttachTarget(parsed.positionals[0]), {
      durationMs: duration !== undefined ? duration * 1000 : undefined,
      samplingIntervalUs: number('sampling-interval', o['sampling-interval'], 50),
      onStatus: (m) => { if (!o.quiet) process.stderr.write(`concurrency-lens: ${m}\n`); },
    });
  } catch (e) {
    if (e instanceof AttachError) { process.stderr.write(`concurrency-lens: ${e.message}\n`); return 2; }
    throw e;
  }
  if (!o.quiet) process.stderr.write(`concurrency-lens: recording pid ${run.pid}${o.duration ? ` for ${o.duration} s` : ''}; Ctrl-C detaches and writes the report\n`);
  onDetachSignals(run.stop);
  const recording = await run.done;
  const report = analyzeHandedOver(recording.raw, { blockingThresholdMs: threshold });
  return writeOutputs(report, recording, o, process.cwd(), 0) ? 0 : EXIT_CANT_WRITE;
}

/**
 * The first SIGINT/SIGTERM/SIGHUP detaches (the report is written, the process keeps running);
 * another one, later than SAME_REQUEST_MS (a process group signalled twice at once counts once),
 * abandons the report: the injected agents then undo themselves when they see the recorder gone.
 */
function onDetachSignals(stop: () => void): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = performance.now();
    if (firstAt === undefined) {
      firstAt = now;
      try { process.stderr.write('\nconcurrency-lens: detaching and writing the report… (Ctrl-C again to abandon it)\n'); } catch { /* terminal gone */ }
      stop();
    } else if (now - firstAt >= SAME_REQUEST_MS) {
      try { process.stderr.write('\nconcurrency-lens: abandoned the report\n'); } catch { /* terminal gone */ }
      process.exit(128 + os.constants.signals[signal]);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}
