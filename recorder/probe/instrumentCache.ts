import * as fs from 'node:fs';
import * as path from 'node:path';
import { userCacheRoot, privateDir, nameHash } from '../userCacheDir';

// Captured before the probe wraps fs.*Sync: the cache is the recorder's I/O, not the program's.
const { readFileSync, writeFileSync, renameSync, mkdirSync, statSync, unlinkSync, utimesSync } = fs;

/**
 * Instrumented files kept across runs, so a run does not parse again (acorn, ~30–100 ms of CPU
 * per process that meets a new file, loading the instrumenter included) what an earlier run
 * already instrumented.
 *
 * Where: `<os.tmpdir()>/concurrency-lens-<uid>/instrumented/<instrumenter build>-<node version>/`,
 * a folder only its user can write (created 0700; not used unless it is a real directory owned
 * by this user and closed to others, so no one else can plant code our probe would run). The
 * build is told apart by dist/instrumenter.js's size, mtime (ns) and inode: any rebuild makes
 * another folder. One entry per user file and module kind; a changed file overwrites its entry.
 *
 * Never stale: an entry holds, besides the code, everything the code was made from (file path,
 * module kind, the source text, its source map) and is used only when all of them are exactly
 * what is asked now (string comparison, not a hash). Writes are atomic (temporary file, rename):
 * readers in other processes see the old entry or the new one, never half of one.
 */
export class InstrumentCache {
  private constructor(private readonly dir: string, private readonly tag: string) {}

  /**
   * The cache of instrumented files for the instrumenter bundle at `instrumenterPath`, in
   * `root` (default: the per-user folder above); undefined when it cannot be used safely. `tag`
   * names entries of another kind kept in the same folder (transpiled TypeScript: 't').
   */
  static open(instrumenterPath: string, root = userCacheRoot(), tag = ''): InstrumentCache | undefined {
    try {
      const s = statSync(instrumenterPath, { bigint: true });
      const build = `${s.size}-${s.mtimeNs}-${s.ino}-${process.version}`;
      if (!privateDir(root)) return undefined;
      const dir = path.join(root, 'instrumented', build);
      const made = statSync(dir, { throwIfNoEntry: false });
      if (!made) mkdirSync(dir, { recursive: true, mode: 0o700 });
      // In use: recorder/staleFiles.ts removes build folders no run has touched for two weeks.
      else if (Date.now() - made.mtimeMs > 24 * 3600_000) utimesSync(dir, new Date(), new Date());
      return new InstrumentCache(dir, tag);
    } catch { return undefined; }
  }

  /** The instrumented code made earlier from exactly these inputs, or undefined. */
  get(file: string, isModule: boolean, source: string, mapJson: string): string | undefined {
    let text: string;
    try { text = readFileSync(this.entry(file, isModule), 'utf8'); } catch { return undefined; }
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    let header: EntryHeader;
    try { header = JSON.parse(text.slice(0, nl)); } catch { return undefined; }
    if (header.file !== file || header.isModule !== isModule || header.sourceLength !== source.length || header.mapLength !== mapJson.length) return undefined;
    let at = nl + 1;
    if (text.slice(at, at + source.length) !== source) return undefined;
    at += source.length;
    if (text.slice(at, at + mapJson.length) !== mapJson) return undefined;
    return text.slice(at + mapJson.length);
  }

  /** Keeps `code`, made from these inputs (best effort: a cache that cannot be written is skipped). */
  set(file: string, isModule: boolean, source: string, mapJson: string, code: string): void {
    const target = this.entry(file, isModule);
    const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    const header: EntryHeader = { file, isModule, sourceLength: source.length, mapLength: mapJson.length };
    try {
      writeFileSync(tmp, `${JSON.stringify(header)}\n${source}${mapJson}${code}`, { mode: 0o600 });
      renameSync(tmp, target);
    } catch {
      try { unlinkSync(tmp); } catch { /* never written */ }
    }
  }

  private entry(file: string, isModule: boolean): string {
    return path.join(this.dir, `${nameHash(file)}-${nameHash(file, 0x050c5d1f)}${isModule ? 'm' : 'c'}${this.tag}.txt`);
  }
}

interface EntryHeader { file: string; isModule: boolean; sourceLength: number; mapLength: number }
