import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Captured at load, before the probe wraps fs.*Sync: a cache is the recorder's I/O, not the program's.
const { mkdirSync, lstatSync } = fs;

/**
 * The per-user folder that caches across runs live in (the probe's instrumented files, the
 * CLI's code cache): `<os.tmpdir()>/concurrency-lens-<uid>`. Shared by the probe and the CLI.
 */
export function userCacheRoot(): string {
  const uid = process.getuid?.();
  return path.join(os.tmpdir(), `concurrency-lens-${uid ?? os.userInfo().username}`);
}

/**
 * Creates `dir` (and its parents) closed to others (0700) if it is missing (unless `create` is
 * false: then a missing `dir` is not private), and tells whether it may hold code this user will
 * run: a real directory (not a symlink), owned by this user and closed to everyone else (POSIX),
 * so no one else can plant code in it. Never throws.
 */
export function privateDir(dir: string, { create = true }: { create?: boolean } = {}): boolean {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const s = lstatSync(dir);
    if (!s.isDirectory()) return false;
    if (process.getuid === undefined) return true; // Windows: os.tmpdir() is the user's own
    return s.uid === process.getuid() && (s.mode & 0o077) === 0;
  } catch { return false; }
}

/** 32-bit FNV-1a of a string (seeded), as 8 hex digits: names a cache entry, never trusted alone. */
export function nameHash(s: string, seed = 0x811c9dc5): string {
  let h = seed;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
  return (h >>> 0).toString(16).padStart(8, '0');
}
