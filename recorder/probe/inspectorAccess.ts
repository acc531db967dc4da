/**
 * The inspector of a process's main thread, without loading node:inspector before the program
 * asks for it. That module loads node:worker_threads, and with it ~20 stream modules: ~2 ms of
 * every process's start before the recorder can attach, ~5.5 ms in one that loads no streams of
 * its own (README, Overhead; see thread.ts).
 *
 * Opening: node:inspector's open() and url() are its binding's, behind checks the probe does not
 * need (the port's range; whether it is open already: asked first). The binding is reached
 * through process.binding('inspector'), which Node allows for that module and deprecates in its
 * documentation only: it warns only under --pending-deprecation, and there (or where it throws,
 * as under the permission model) the probe loads node:inspector instead.
 *
 * Sharing (index.ts, shareInspector): the program may open the inspector itself, so the probe
 * puts Proxies on node:inspector's open() and close(). It does so when the program (or another
 * preload) first gets the module, before it gets it: `inspectorRequested()` is called by the
 * probe's hooks on each way in: require() (Module._load), process.getBuiltinModule(), an import
 * seen by the in-thread ES-module hooks, and a user file compiled as CommonJS whose source names
 * it (an import() there passes none of the others; loadHooks.ts). Where ES modules load through
 * module.register's hooks (another thread), the probe cannot see their imports: loadHooks shares
 * at once there (the hooks thread has loaded worker_threads anyway). Not seen, on a Node before
 * syncHooksUsable's versions in a process that registered no hooks: an import() of
 * node:inspector in a dependency's CommonJS code, or an import of it in an ES module that
 * CommonJS code import()ed; that program's inspector.open() throws as the inspector is already
 * open (README, Limits).
 */
import { beforeCalls } from './beforeCalls';
import { builtinLoaded } from './thread';
import { hasNodeFlag } from './nodeFlags';

export interface InspectorAccess {
  url(): string | undefined;
  /** Opens the inspector (the caller checked url() first). */
  open(port: number, host: string): void;
}

/** open() and url(), from the binding where that is quiet, else from node:inspector. */
export function inspectorAccess(): InspectorAccess {
  if (!pendingDeprecation()) {
    try {
      const binding = (process as any).binding('inspector');
      if (typeof binding?.url === 'function' && typeof binding?.open === 'function') {
        return { url: () => binding.url(), open: (port, host) => { binding.open(port, host); } };
      }
    } catch { /* not allowed here: node:inspector below */ }
  }
  const inspector = require('node:inspector') as typeof import('node:inspector');
  return { url: () => inspector.url(), open: (port, host) => { inspector.open(port, host, false); } };
}

/** Whether Node warns on process.binding() (--pending-deprecation, in argv, NODE_OPTIONS or its env switch). */
function pendingDeprecation(): boolean {
  return hasNodeFlag('pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1';
}

let onRequested: (() => void) | undefined;
/** inspectorRequested() was called (before beforeInspectorRequested(), where loadHooks registered module.register's hooks). */
let requested = false;

/** Runs `share` once, before the program first gets node:inspector (at once if it is loaded already, or was asked for). */
export function beforeInspectorRequested(share: () => void): void {
  if (requested || builtinLoaded('inspector') !== false) { share(); return; }
  onRequested = share;
  // Each a function taking a module id first.
  const askingFirst = (args: unknown[]) => { if (onRequested && isInspector(args[0])) inspectorRequested(); };
  beforeCalls(process, 'getBuiltinModule', askingFirst);
  const Module = require('node:module');
  beforeCalls(Module, '_load', askingFirst);
}

/** The program is about to get node:inspector: share it first (once). */
export function inspectorRequested(): void {
  requested = true;
  const share = onRequested;
  onRequested = undefined;
  share?.();
}

/**
 * Whether a require/import specifier names node:inspector, or node:inspector/promises (which
 * copies node:inspector's functions as it loads, past Module._load: shared first, it copies ours).
 */
export function isInspector(specifier: unknown): boolean {
  return typeof specifier === 'string' && INSPECTOR_IDS.has(specifier);
}
const INSPECTOR_IDS = new Set(['inspector', 'node:inspector', 'inspector/promises', 'node:inspector/promises']);
