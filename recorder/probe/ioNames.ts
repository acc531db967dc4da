import * as fs from 'node:fs';

/**
 * child_process's `*Sync` functions, named rather than read from the module: the instrumenter runs
 * in the program's threads, and loading child_process for it cost a process that never uses it
 * ~6.5 ms (recorder/probe/handOver.ts).
 */
const CHILD_PROCESS_SYNC = ['execFileSync', 'execSync', 'spawnSync'];

/**
 * zlib's and crypto's `*Sync` functions and fs.promises' functions, named for the same reason:
 * reading them from the modules loaded zlib, crypto and fs/promises (~40 built-in modules with
 * the streams they use) into every thread that instrumented a file not in the cache, ~8 ms of its
 * start where the program loads none of them. The union over Node 20, 22 and 24 (zstd, argon2,
 * fs.promises.glob and mkdtempDisposable are newer than Node 20): a name this Node lacks matches
 * no call that could run. ioNames.test.ts fails when the running Node has one that is not here.
 */
const ZLIB_SYNC = ['deflateSync', 'gzipSync', 'deflateRawSync', 'unzipSync', 'inflateSync', 'gunzipSync', 'inflateRawSync',
  'brotliCompressSync', 'brotliDecompressSync', 'zstdCompressSync', 'zstdDecompressSync'];
const CRYPTO_SYNC = ['checkPrimeSync', 'generatePrimeSync', 'hkdfSync', 'pbkdf2Sync', 'generateKeyPairSync', 'generateKeySync',
  'randomFillSync', 'scryptSync', 'argon2Sync'];
const FS_PROMISES = ['access', 'copyFile', 'cp', 'open', 'opendir', 'rename', 'truncate', 'rm', 'rmdir', 'mkdir', 'readdir',
  'readlink', 'symlink', 'lstat', 'stat', 'statfs', 'link', 'unlink', 'chmod', 'lchmod', 'lchown', 'chown', 'utimes', 'lutimes',
  'realpath', 'mkdtemp', 'writeFile', 'appendFile', 'readFile', 'watch', 'glob', 'mkdtempDisposable'];

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
  const names = new Set<string>([...CHILD_PROCESS_SYNC, ...ZLIB_SYNC, ...CRYPTO_SYNC]);
  for (const k of Object.keys(fs)) if (k.endsWith('Sync') && isFunction(fs, k)) names.add(k);
  return names;
}

/** Async functions that queue work on libuv's thread pool (fs, crypto, zlib, dns.lookup). */
export function poolCallNames(): Set<string> {
  const names = new Set<string>(FS_PROMISES);
  for (const k of Object.keys(fs)) if (k.endsWith('Sync') && isFunction(fs, k.slice(0, -4))) names.add(k.slice(0, -4));
  for (const k of ZLIB_SYNC) names.add(k.slice(0, -4));
  for (const k of ['pbkdf2', 'scrypt', 'randomBytes', 'randomFill', 'generateKeyPair', 'generatePrime', 'hkdf', 'lookup', 'lookupService']) names.add(k);
  names.delete('watch'); names.delete('constants');
  return names;
}
