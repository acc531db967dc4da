/**
 * Child processes started with an environment of their own keep the recording's two variables.
 *
 * Every process the program starts is recorded because it inherits NODE_OPTIONS (our `--require`
 * of the probe) and the probe's options (OPTIONS_ENV). A program that gives a child an
 * environment of its own (`spawn(cmd, args, { env: { … } })`) drops both unless it copied
 * process.env: tinypool's child_process runtime forks each worker process with
 * `{ TINYPOOL_WORKER_ID }` alone, and such children ran unrecorded (their CPU was seen from /proc
 * only; the summary called them "not node").
 *
 * So, for a child process whose environment lacks either, they are added as they are in every
 * other recorded process: NODE_OPTIONS gets our flags in front of whatever the program gave it,
 * and the probe's options come as this process has them. The child sees the same two variables
 * every recorded process sees, and the rest of its environment as the program wrote it. An
 * environment that has both (process.env spread, or another recording's: a profiled program that
 * runs the recorder itself) is left as it is.
 *
 * Not patched: Node's `child_process` diagnostics channel publishes each ChildProcess from its
 * constructor, before spawn() calls `child.spawn(options)`; the probe gives that one child an own
 * `spawn` for that call, which removes itself first. `options.envPairs` (Node's "KEY=value" list,
 * made from the program's env) is replaced in a copy of the options, never changed in place.
 * The sync calls (spawnSync, execSync, execFileSync) make no ChildProcess: their `env` gets the
 * two variables in the probe's wrappers of those calls (handOver.ts), in a copy of the options.
 */
import { OPTIONS_ENV, probeRequireFlag, recordingNodeOptions } from '../probeOptions';

const NODE_OPTIONS = 'NODE_OPTIONS=';
const OPTIONS = `${OPTIONS_ENV}=`;

/** The recording as this process has it: the probe's path and options (as text). */
export interface RecordingEnv { probePath: string; optionsText: string }

/**
 * The recording's variables as this process has them, read as the probe starts (before the
 * program can change process.env); undefined when they are not both there.
 */
export function recordingEnv(probePath: string, env: NodeJS.ProcessEnv = process.env): RecordingEnv | undefined {
  const optionsText = env[OPTIONS_ENV];
  if (!optionsText || !env.NODE_OPTIONS?.includes(probeRequireFlag(probePath))) return undefined;
  return { probePath, optionsText };
}

/**
 * The NODE_OPTIONS a child whose environment has `nodeOptions` (undefined: none) and, or not,
 * the probe's options gets: undefined when it has both already (nothing to add); its own when it
 * has our preload; else ours in front of its own.
 */
function childNodeOptions(nodeOptions: string | undefined, hasOptions: boolean, rec: RecordingEnv): string | undefined {
  const ours = nodeOptions?.includes(probeRequireFlag(rec.probePath)) ?? false;
  if (ours && hasOptions) return undefined;
  return ours ? nodeOptions : recordingNodeOptions(rec.probePath, nodeOptions);
}

/** `pairs` ("KEY=value") with the recording's variables, or `pairs` itself when it has them both. */
export function withRecordingEnv(pairs: readonly string[], rec: RecordingEnv): readonly string[] {
  let nodeOptions: string | undefined;
  let options = false;
  for (const p of pairs) {
    if (p.startsWith(NODE_OPTIONS)) nodeOptions = p.slice(NODE_OPTIONS.length);
    else if (p.startsWith(OPTIONS)) options = true;
  }
  const kept = childNodeOptions(nodeOptions, options, rec);
  if (kept === undefined) return pairs;
  const out = pairs.filter((p) => !p.startsWith(NODE_OPTIONS) && !p.startsWith(OPTIONS));
  out.push(NODE_OPTIONS + kept, OPTIONS + rec.optionsText);
  return out;
}

/** Makes `child`'s coming spawn() (see above) keep the recording's variables in its environment. */
export function keepRecordingEnv(child: any, rec: RecordingEnv): void {
  const spawn = child?.spawn;
  if (typeof spawn !== 'function' || Object.prototype.hasOwnProperty.call(child, 'spawn')) return;
  child.spawn = function spawnRecorded(this: unknown, options: any, ...rest: unknown[]) {
    delete child.spawn;
    const pairs = options?.envPairs;
    if (Array.isArray(pairs)) {
      const kept = withRecordingEnv(pairs, rec);
      if (kept !== pairs) options = { ...options, envPairs: kept };
    }
    return Reflect.apply(spawn, this, [options, ...rest]);
  };
}

/**
 * A child_process sync call's arguments (spawnSync, execFileSync: file, [args], [options];
 * execSync: command, [options]) with the recording's variables added to an `env` of the
 * program's own, in copies of the options and the env; the arguments themselves when there is no
 * such env or it has both.
 */
export function withRecordingEnvInArgs(args: unknown[], rec: RecordingEnv): unknown[] {
  const at = Array.isArray(args[1]) ? 2 : 1;
  const options = args[at];
  if (options === null || typeof options !== 'object') return args;
  let env: unknown;
  try { env = (options as { env?: unknown }).env; } catch { return args; } // a getter that throws: Node throws it, not us
  if (env === null || typeof env !== 'object') return args;
  const given = env as Record<string, unknown>;
  const kept = childNodeOptions(typeof given.NODE_OPTIONS === 'string' ? given.NODE_OPTIONS : undefined, given[OPTIONS_ENV] !== undefined, rec);
  if (kept === undefined) return args;
  const out = args.slice();
  out[at] = { ...options, env: { ...given, NODE_OPTIONS: kept, [OPTIONS_ENV]: rec.optionsText } };
  return out;
}
