import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { privateDir, userCacheRoot } from './userCacheDir';

/**
 * Removes what earlier runs left in the temp folder, at most once a day per user:
 * - run folders (`concurrency-lens-run-<recorder pid>-*`) whose recorder is gone and that have
 *   not changed for an hour: a recorder
 *   removes its own at the end of a run, so one is left only when the recorder was killed
 *   (SIGKILL, a crash of the editor); folders of the old form (`concurrency-lens-XXXXXX`, no
 *   pid) once they are a week old;
 * - instrument cache folders (recorder/probe/instrumentCache.ts) of builds no run has opened for
 *   two weeks (each rebuild or Node version has its own; a run touches its folder once a day),
 *   and code cache files (the CLI's and the probe's: recorder/codeCache.ts) two weeks old.
 *
 * Only real folders (not symlinks) owned by this user are removed, never this run's. Best
 * effort and synchronous: a folder that cannot be read or removed is left alone, and nothing is
 * thrown. Costs one stat on the days it has already run.
 */
export function pruneStaleFiles(keep: string, options: { tmp?: string; root?: string; now?: number } = {}): void {
  const tmp = options.tmp ?? os.tmpdir();
  const root = options.root ?? userCacheRoot();
  const now = options.now ?? Date.now();
  try {
    if (!privateDir(root, { create: false })) return; // nothing to tidy before a run made it
    const stamp = path.join(root, 'pruned');
    const last = fs.statSync(stamp, { throwIfNoEntry: false });
    if (last && now - last.mtimeMs < DAY_MS) return;
    fs.writeFileSync(stamp, '');
    fs.utimesSync(stamp, now / 1000, now / 1000);
  } catch { return; }
  for (const name of readdir(tmp)) {
    const full = path.join(tmp, name);
    if (full === keep) continue;
    const run = RUN_DIR.exec(name);
    // An hour's grace: a recorder in another pid namespace sharing this temp folder looks dead.
    if (run) { if (!alive(Number(run[1]))) removeOwned(full, (s) => s.isDirectory() && now - s.mtimeMs > 3600_000); continue; }
    if (LEGACY_RUN_DIR.test(name)) removeOwned(full, (s) => s.isDirectory() && now - s.mtimeMs > 7 * DAY_MS);
  }
  const builds = path.join(root, 'instrumented');
  for (const name of readdir(builds)) removeOwned(path.join(builds, name), (s) => s.isDirectory() && now - s.mtimeMs > 14 * DAY_MS);
  // The code caches (recorder/codeCache.ts): one file per bundle path and Node version (the
  // probe's also per set of flags). One in use is not rewritten, so it goes too after two weeks
  // and the next run makes it again.
  const codeCache = path.join(root, 'code-cache');
  for (const name of readdir(codeCache)) removeOwned(path.join(codeCache, name), (s) => s.isFile() && now - s.mtimeMs > 14 * DAY_MS);
}

/** The prefix of a run folder in the temp folder; the recorder's pid tells whether it is in use. */
export function runDirPrefix(): string {
  return path.join(os.tmpdir(), `concurrency-lens-run-${process.pid}-`);
}

const DAY_MS = 24 * 3600_000;
const RUN_DIR = /^concurrency-lens-run-(\d+)-[A-Za-z0-9]{6}$/;
const LEGACY_RUN_DIR = /^concurrency-lens-[A-Za-z0-9]{6}$/;

function readdir(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
function alive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Removes `file` (a folder: with its contents) if it is owned by this user and `stale` (lstat: a symlink is never followed). */
function removeOwned(file: string, stale: (s: fs.Stats) => boolean): void {
  try {
    const s = fs.lstatSync(file);
    if ((process.getuid !== undefined && s.uid !== process.getuid()) || !stale(s)) return;
    fs.rmSync(file, { recursive: true, force: true });
  } catch { /* left alone */ }
}
