import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExitAnnouncement } from '../probeOptions';

/**
 * A node process of the program announcing itself (written by the probe): its inspector's `url`,
 * or, for a launcher (npm, npx…: runs no user code), `launcher` and no url: it is not attached.
 */
export type Announcement = { pid: number; ppid: number; argv: string[] } & ({ url: string; launcher?: undefined } | { url?: undefined; launcher: string });

/**
 * Watches the run directory for `attach-<pid>.json` files (a process announcing itself) and
 * `exit-<pid>-<tid>` files (a thread announcing its exit: see exitAnnouncementFile) and reports
 * each once. Uses fs.watch plus a short poll (fs.watch can miss events on some file systems).
 */
export class Rendezvous {
  private readonly seen = new Set<string>();
  private readonly watcher: fs.FSWatcher | null;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly dir: string, private readonly onAnnounce: (a: Announcement) => void,
    private readonly onExit: (pid: number, tid: number) => void = () => undefined) {
    let w: fs.FSWatcher | null = null;
    try { w = fs.watch(dir, () => this.scan()); } catch { w = null; }
    this.watcher = w;
    this.timer = setInterval(() => this.scan(), 25);
  }

  scan(): void {
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return; }
    for (const name of names) {
      if (this.seen.has(name)) continue;
      const exit = parseExitAnnouncement(name);
      if (exit) { this.seen.add(name); this.onExit(exit.pid, exit.tid); continue; }
      if (!name.startsWith('attach-') || !name.endsWith('.json')) continue;
      this.seen.add(name);
      try { this.onAnnounce(JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8'))); } catch { /* half-written: rename makes this rare */ }
    }
  }

  close(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }
}
