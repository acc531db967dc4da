import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';

/**
 * child_process's `*Sync` functions, named rather than read from the module: the instrumenter runs
 * in the program's threads, and loading child_process for it cost a process that never uses it
 * ~6.5 ms (recorder/probe/handOver.ts).
 */
const CHILD_PROCESS_SYNC = ['execFileSync', 'execSync', 'spawnSync'];

/** Every `*Sync` function of fs, child_process, zlib and crypto: calls that block the thread. */
export function syncCallNames(): Set<string> {
  const names = new Set<string>(CHILD_PROCESS_SYNC);
  for (const mod of [fs, zlib, crypto] as Record<string, unknown>[]) {
    for (const k of Object.keys(mod)) if (k.endsWith('Sync') && typeof mod[k] === 'function') names.add(k);
  }
  return names;
}

/** Async functions that queue work on libuv's thread pool (fs, crypto, zlib, dns.lookup). */
export function poolCallNames(): Set<string> {
  const names = new Set<string>(Object.keys(fs.promises).filter((k) => typeof (fs.promises as any)[k] === 'function'));
  for (const mod of [fs, zlib] as Record<string, unknown>[]) {
    for (const k of Object.keys(mod)) if (k.endsWith('Sync') && typeof mod[k.slice(0, -4)] === 'function') names.add(k.slice(0, -4));
  }
  for (const k of ['pbkdf2', 'scrypt', 'randomBytes', 'randomFill', 'generateKeyPair', 'generatePrime', 'hkdf', 'lookup', 'lookupService']) names.add(k);
  names.delete('watch'); names.delete('constants');
  return names;
}
