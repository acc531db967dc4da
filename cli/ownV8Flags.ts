import { debugLog } from '../recorder/launcher/debugLog';
import { youngGenerationFlags } from './youngGeneration';
import { tierUpFlags } from './tierUp';
import type { OwnFlag } from './ownFlag';

/**
 * Flags that, once set, V8's flag hash does not forget when they are set back to their default,
 * by V8 major version (cli/ownV8Flags.test.ts checks each flag of each Node the suite has, both ways).
 */
export const NOT_RESTORABLE: Record<string, readonly string[]> = {
  13: ['invocation-count-for-turbofan'],
};

/**
 * When the CLI's own V8 flags (youngGeneration.ts, tierUp.ts) apply, and when V8's defaults do.
 *
 * V8 takes a code cache only under the flags it was made under: it checks a hash of the flags.
 * That holds for Node's built-in modules too, whose code cache is built into the node binary under
 * the defaults. With the flags set as the CLI started, every built-in it loaded compiled from
 * source instead (2-core VM: node:child_process 2.5 → 9.8 ms, on the way to spawning the program;
 * node:http 2.0 → 6.8 ms; node:crypto 3.2 → 8.4 ms). So, where V8 allows it ('late'):
 * - start-up runs under V8's defaults: both bundles, the built-ins they load, the program's spawn;
 * - our bundles' code caches are read and made under the defaults too (`underDefaultFlags`, given
 *   to recorder/codeCache.ts as `cacheFlags`), whenever that happens;
 * - the own flags apply once start-up is done (`applyOwnFlags('started')`, cli/main.ts): for
 *   `profile`, once the program is spawned and the CDP client and the analyzer are loaded, before
 *   the program can announce itself. The recording and the analysis, what they are for, run
 *   under them.
 * Where one of the flags cannot be set back (NOT_RESTORABLE: Node 24), all of them apply as the
 * CLI starts, before any code cache is read or made, and the caches are made under them ('early',
 * as before).
 * A built-in first loaded after the flags compiles from source: with CL_DEBUG the CLI lists them
 * as it exits.
 *
 * dist/cli.js and dist/cliMain.js each have a copy of this module: the state is shared through
 * a global, as debugLog's origin is.
 */
const state: { applied: OwnFlag[]; late: boolean } =
  ((globalThis as any)[Symbol.for('concurrency-lens.ownV8Flags')] ??= { applied: [], late: false });

// node:v8 is required when first needed, not as the CLI starts (it loads node:stream with it).
const setFlags = (flags: readonly OwnFlag[], which: 1 | 2): void => {
  const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
  for (const f of flags) setFlagsFromString(`--${f[0]}=${f[which]}`);
};

/** Node's list of what it loaded, in order: built-ins as 'NativeModule <id>' (undocumented: empty where absent). */
const builtins = (): string[] => (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];

/**
 * Sets the CLI's own V8 flags from now on, at the moment this V8 allows (see above): 'boot' as the
 * CLI starts (dist/cli.js), 'started' once start-up is done; once. CONCURRENCY_LENS_MEASURE_OFF
 * can leave either flag out.
 */
export function applyOwnFlags(moment: 'boot' | 'started'): void {
  if (state.applied.length) return;
  const flags = [...youngGenerationFlags(), ...tierUpFlags()];
  const stuck = NOT_RESTORABLE[process.versions.v8.split('.')[0]] ?? [];
  const late = !flags.some((f) => stuck.includes(f[0]));
  if (!flags.length || late !== (moment === 'started')) return;
  // What the recording loads anyway, loaded first (see `performance` in recorder/launcher/debugLog.ts).
  if (late) void performance.now();
  setFlags(flags, 1);
  Object.assign(state, { applied: flags, late });
  if (!process.env.CL_DEBUG) return;
  const before = builtins().length;
  debugLog(`own V8 flags applied (${late ? 'once started' : 'at boot'}): ${flags.map((f) => `--${f[0]}=${f[1]}`).join(' ')}`);
  process.once('exit', () => {
    const later = builtins().slice(before).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
    debugLog(`built-ins loaded after the own V8 flags (without Node's code cache, but under underDefaultFlags): ${later.join(' ') || 'none'}`);
  });
}

/**
 * Runs `f` under V8's defaults for the flags the CLI set once started, then sets them again; as is
 * before they are set, or when they were set at boot (the caches are then made under them).
 */
export function underDefaultFlags<T>(f: () => T): T {
  const { applied, late } = state;
  if (!late || !applied.length) return f();
  setFlags(applied, 2);
  try { return f(); } finally { setFlags(applied, 1); }
}
