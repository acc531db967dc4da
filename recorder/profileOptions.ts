import type { Report } from '../analyzer/report';

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
  /** CPU sampling interval in microseconds. Default 1000. */
  samplingIntervalUs?: number;
  /** A task longer than this blocked the event loop. Default 20. */
  blockingThresholdMs?: number;
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
  /** Resolves with the report once the program ended (or was stopped) and analysis is done. Never rejects for a failing program: the error is in report.program.error. */
  readonly done: Promise<Report>;
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
  /** The lanes' CPU profiles; filled in when `done` resolves. */
  readonly profiles: LaneProfile[];
}

/** Signals a stop forwards to the program (what the CLI itself received). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Raw CPU profiles of a finished run, for `.cpuprofile` export (one per lane). */
export interface LaneProfile {
  laneId: string;
  label: string;
  /** A V8 `Profiler.Profile` as returned by CDP `Profiler.stop`, timestamps in µs on CLOCK_MONOTONIC. */
  profile: { nodes: unknown[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };
}
