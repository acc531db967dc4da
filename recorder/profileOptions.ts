import type { RawRun } from '../analyzer/raw';
import type { ThreadProfile } from '../analyzer/exportCpuProfile';

/**
 * What to run and how to record it. Used by the CLI, the extension and the tests alike:
 * `startProfile(options)` in recorder/profile.ts.
 */
export interface ProfileOptions {
  /**
   * The command to run. `['app.js', '--port', '0']` (a .js/.mjs/.cjs/.ts file: run with
   * node), or a whole command such as `['npm', 'run', 'start']` (profiled through
   * NODE_OPTIONS, so every node process it starts is recorded).
   */
  command: string[];
  cwd: string;
  /** Extra environment for the program, merged over process.env. */
  env?: Record<string, string | undefined>;
  /** Node executable for file programs. Default: the node running the recorder. */
  nodePath?: string;
  /** Node flags placed before the script (launch.json `runtimeArgs`). */
  runtimeArgs?: string[];
  /** Stop the program after this long (servers that never exit). */
  durationMs?: number;
  /**
   * How long the program may take to shut down after it was sent the stop signal (its own
   * SIGINT/SIGTERM handlers: closing listeners, finishing in-flight work) before it is killed
   * with SIGKILL. Default 10000.
   */
  graceMs?: number;
  /**
   * CPU sampling interval in microseconds. Default 1000; at the default, a thread whose fs/dns
   * work keeps libuv's pool busy on a machine with ≤ 3 cores is sampled every 2000 from then on
   * (recorder/launcher/samplingPolicy.ts). Any other value is kept throughout.
   */
  samplingIntervalUs?: number;
  /** Instrument files under node_modules too. Default false. */
  includeNodeModules?: boolean;
  /**
   * 'inherit' (default): the program writes to our stdout/stderr (stderr is filtered of the
   * inspector's own banner lines). 'pipe': output goes to onStdout/onStderr only.
   */
  stdio?: 'inherit' | 'pipe';
  onStdout?(chunk: string): void;
  onStderr?(chunk: string): void;
  /** Progress messages for a UI ("attached to worker 3", "stopping…"). */
  onStatus?(message: string): void;
}

export interface ProfileRun {
  /**
   * Resolves with the raw recording once the program ended (or was stopped). Never rejects for
   * a failing program: the error is in raw.error. Turn it into a report with analyze() from
   * analyzer/analyze.ts (the recorder does not interpret what it recorded).
   */
  readonly done: Promise<Recording>;
  /**
   * Stop the program, keeping everything recorded: sends `signal` (default SIGINT, as Ctrl-C
   * would) to the program's process tree and gives its own shutdown `graceMs`, then kills it.
   * Later calls while it shuts down do nothing (use kill()).
   */
  stop(signal?: StopSignal): void;
  /** Kill the program's process tree now (SIGKILL), keeping everything recorded so far. */
  kill(): void;
  /** The grace period stop() gives the program, in ms. */
  readonly graceMs: number;
}

/** What a finished run hands over: the raw recording and each recorded thread's CPU profile. */
export interface Recording {
  raw: RawRun;
  /** Every thread's joined V8 CPU profile (the same objects as raw.threads[i].profile). */
  profiles: ThreadProfile[];
}

/** Signals a stop forwards to the program (what the CLI itself received). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
