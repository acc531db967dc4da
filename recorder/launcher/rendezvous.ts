import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseExitAnnouncement, parseWorkerStart } from '../probeOptions';

/**
 * A node process of the program announcing itself (written by the probe): its inspector's `url`,
 * or, for a launcher (npm, npx…: runs no user code), `launcher` and no url: it is not attached.
 */
export type Announcement = { pid: number; ppid: number; argv: string[] } & ({ url: string; launcher?: undefined } | { url?: undefined; launcher: string });

/** The poll while fs.watch works: only a safety net for an event it missed (an overflowed inotify queue). */
const WATCHED_POLL_MS = 250;
/** The poll without fs.watch (it threw, or failed later): the only way to see announcements. */
const UNWATCHED_POLL_MS = 25;

/**
 * Watches the run directory for `attach-<pid>.json` files (a process announcing itself),
 * `exit-<pid>-<tid>` files (a thread announcing its exit: see exitAnnouncementFile) and
 * `worker-<pid>-…` files (a worker thread starting: see workerStartFile) and reports
 * each once. An fs.watch event that names a file looks at that file alone (the probes' logs in the
 * same directory change all the time: a readdir per write was most of the recorder's CPU on an
 * I/O-heavy program); an event without a name, and a poll, read the whole directory. The poll is
 * slow while the watch works and fast (25 ms) without it. An announcement that cannot be parsed
 * (not there yet, half-written) is looked at again on the next event or poll.
 */
export class Rendezvous {
  private readonly seen = new Set<string>();
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout;

  constructor(private readonly dir: string, private readonly onAnnounce: (a: Announcement) => void,
    private readonly onExit: (pid: number, tid: number) => void = () => undefined,
    private readonly onWorkerStart: (pid: number, tid: number) => void = () => undefined) {
    try {
      const w = fs.watch(dir, (_event, name) => (name ? this.consider(String(name)) : this.scan()));
      w.on('error', () => this.unwatch());
      this.watcher = w;
    } catch { this.watcher = null; }
    this.timer = setInterval(() => this.scan(), this.watcher ? WATCHED_POLL_MS : UNWATCHED_POLL_MS);
  }

  scan(): void {
    let names: string[];
    try { names = fs.readdirSync(this.dir); } catch { return; }
    for (const name of names) this.consider(name);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    clearInterval(this.timer);
  }

  private consider(name: string): void {
    if (this.seen.has(name)) return;
    const exit = parseExitAnnouncement(name);
    if (exit) { this.seen.add(name); this.onExit(exit.pid, exit.tid); return; }
    const starting = parseWorkerStart(name);
    if (starting) { this.seen.add(name); this.onWorkerStart(starting.pid, starting.tid); return; }
    if (!name.startsWith('attach-') || !name.endsWith('.json')) return;
    let announcement: Announcement;
    try { announcement = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')); } catch { return; }
    this.seen.add(name);
    this.onAnnounce(announcement);
  }

  /** The watch failed: poll fast from now on. */
  private unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.scan(), UNWATCHED_POLL_MS);
  }
}
