import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';

/**
 * child_process's `*Sync` functions, named rather than read from the module: the instrumenter runs
 * in the program's threads, and loading child_process for it cost a process that never uses it
 * ~6.5 ms (recorder/probe/handOver.ts).
 */
const CHILD_PROCESS_SYNC = ['execFileSync', 'execSync', 'spawnSync'];

/**
 * Whether `mod[key]` is a function, read from its property: fs loads some of its functions on
 * their first read (fs.opendirSync, fs.opendir: internal/fs/dir), and a program that never reads
 * them does not load that module plain. A lazily loaded property of Node's is one of its functions.
 * (The instrumenter's bundle reads Node's built-ins as the module objects: scripts/build.mjs.)
 */
function isFunction(mod: object, key: string): boolean {
  const property = Object.getOwnPropertyDescriptor(mod, key);
  return property !== undefined && (property.get !== undefined || typeof property.value === 'function');
}

/** Every `*Sync` function of fs, child_process, zlib and crypto: calls that block the thread. */
export function syncCallNames(): Set<string> {
  const names = new Set<string>(CHILD_PROCESS_SYNC);
  for (const mod of [fs, zlib, crypto]) {
    for (const k of Object.keys(mod)) if (k.endsWith('Sync') && isFunction(mod, k)) names.add(k);
  }
  return names;
}

/** Async functions that queue work on libuv's thread pool (fs, crypto, zlib, dns.lookup). */
export function poolCallNames(): Set<string> {
  const names = new Set<string>(Object.keys(fs.promises).filter((k) => typeof (fs.promises as any)[k] === 'function'));
  for (const mod of [fs, zlib]) {
    for (const k of Object.keys(mod)) if (k.endsWith('Sync') && isFunction(mod, k.slice(0, -4))) names.add(k.slice(0, -4));
  }
  for (const k of ['pbkdf2', 'scrypt', 'randomBytes', 'randomFill', 'generateKeyPair', 'generatePrime', 'hkdf', 'lookup', 'lookupService']) names.add(k);
  names.delete('watch'); names.delete('constants');
  return names;
}
