import * as fs from 'node:fs';
import type { RawProcessTree, RawTreeProcess } from '../../analyzer/raw';
import { OWN_PROCESS_ENV } from '../probeOptions';

/** Set to switch off every /proc reader (the fallbacks of macOS and Windows, testable on Linux). */
export const NO_PROC_ENV = 'CONCURRENCY_LENS_NO_PROC';
/** Linux's USER_HZ: the unit of utime/stime/starttime in /proc/<pid>/stat (100 on every mainstream arch). */
const CLOCK_TICKS_PER_S = 100;

/** Why /proc cannot be read here, or undefined when it can. */
export function procUnavailable(): string | undefined {
  if (process.env[NO_PROC_ENV] === '1') return `${NO_PROC_ENV}=1`;
  if (process.platform !== 'linux') return `no /proc on ${process.platform}`;
  try { fs.readFileSync('/proc/self/stat', 'latin1'); } catch { return '/proc is not readable'; }
  return undefined;
}

const buffer = Buffer.allocUnsafe(16384);

/**
 * A /proc file's text (its first 16 kB) in one read(): the kernel generates the whole file on
 * a read, and readFileSync reads until a second, empty read (twice the cost; /proc/<pid>/stat
 * sums the times of all threads).
 */
function readProc(file: string, encoding: BufferEncoding = 'latin1'): string | undefined {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { return undefined; }
  try { return buffer.toString(encoding, 0, fs.readSync(fd, buffer, 0, buffer.length, null)); }
  catch { return undefined; } finally { fs.closeSync(fd); }
}

interface Stat { ppid: number; pgrp: number; comm: string; userTicks: number; systemTicks: number; startTicks: number; rssPages: number }

/** Fields of /proc/<pid>/stat (comm may hold spaces and parentheses: split after the last ')'). */
function readStat(pid: number): Stat | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  if (!text) return undefined;
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' '); // f[0] is field 3 (state)
  return {
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(f[1]), pgrp: Number(f[2]), userTicks: Number(f[11]), systemTicks: Number(f[12]), startTicks: Number(f[19]), rssPages: Number(f[21]),
  };
}

/** A numeric field of `pid`'s /proc/<pid>/stat, or undefined (gone, or no /proc here). */
function statField(pid: number, field: 'ppid' | 'pgrp'): number | undefined {
  if (procUnavailable()) return undefined;
  const value = readStat(pid)?.[field];
  return Number.isInteger(value) ? value : undefined;
}

/** The parent of `pid`, or undefined (gone, or no /proc here). */
export const parentPid = (pid: number): number | undefined => statField(pid, 'ppid');
/** The process group of `pid`, or undefined (gone, or no /proc here). */
export const processGroup = (pid: number): number | undefined => statField(pid, 'pgrp');

function readArgv(pid: number): string[] | undefined {
  const text = readProc(`/proc/${pid}/cmdline`, 'utf8');
  return text ? text.replace(/\0$/, '').split('\0') : undefined;
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** esbuild's binary, by its command name or path (what the probe starts to transpile TypeScript). */
function isEsbuild(argv: readonly string[], comm: string): boolean {
  return comm === 'esbuild' || /[\\/]esbuild(\.exe)?$/.test(argv[0] ?? '');
}

/**
 * Whether a process's environment has OWN_PROCESS_ENV: the probe started it itself. Read whole
 * (the variable is among the last set), once per esbuild process. Undefined when it can no longer
 * be read: the process ended between its stat and this read (gone, or a zombie, whose environ
 * reads empty). The probe's per-file esbuild lives ~25 ms, so that happens to it.
 */
function startedByProbe(pid: number): boolean | undefined {
  let environ: string;
  try { environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1'); } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ESRCH' ? undefined : false;
  }
  return environ === '' ? undefined : environ.split('\0').includes(`${OWN_PROCESS_ENV}=1`);
}

function readPeakRssKb(pid: number): number | undefined {
  const m = /VmHWM:\s*(\d+)/.exec(readProc(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) : undefined;
}

/** kB per page, from our own stat and status (RSS in pages vs in kB). */
function pageKb(): number {
  const pages = readStat(process.pid)?.rssPages ?? 0;
  try {
    const kb = Number(/VmRSS:\s*(\d+)/.exec(fs.readFileSync('/proc/self/status', 'latin1'))?.[1]);
    if (pages > 0 && kb > 0) return 2 ** Math.round(Math.log2(kb / pages));
  } catch { /* default */ }
  return 4;
}

const hrUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProcessTreeSampler {
  /** Takes a last sample and returns the recording. */
  stop(): RawProcessTree;
}

/**
 * Samples every descendant of `rootPid` from /proc every `intervalMs`: pid, ppid (the parent at
 * discovery; orphans keep it), argv, cumulative CPU (utime + stime), RSS; for processes that run
 * no probe, also the kernel's peak RSS. The esbuild processes the probe starts itself are left
 * out. Contract: a process that lives less than one interval may be missed, and CPU a process
 * uses after its last sample is not counted. Costs one readdir of /proc and 1–3 small reads per
 * live descendant per tick; its own CPU time is in `costMs`.
 * Without /proc (see procUnavailable) it records nothing and says why.
 */
export function startProcessTree(rootPid: number | undefined, intervalMs = 100, isProbed: (pid: number) => boolean = () => false): ProcessTreeSampler {
  const unavailable = rootPid === undefined ? 'the program did not start' : procUnavailable();
  if (unavailable) return { stop: () => ({ intervalMs, samples: 0, costMs: 0, processes: [], rssSum: { t: [], kb: [] }, unavailable }) };
  const kbPerPage = pageKb();
  const bootToHrUs = hrUs() - (readStat(process.pid)?.startTicks ?? 0) * (1e6 / CLOCK_TICKS_PER_S) - Math.round(process.uptime() * 1e6);
  const ignored = new Set<number>();
  /**
   * `forkOnly`: seen only as a copy of its parent so far (same name and command: forked, not yet
   * exec'd). One that ends so, seen on one tick, is left out: what it ran is unknown, and it is
   * not its parent's command (the probe's esbuild binary, spawned synchronously, lives ~25 ms).
   */
  const tracked = new Map<number, RawTreeProcess & { startTicks: number; alive: boolean; argvReads: number; ownChecked: boolean; forkOnly: boolean }>();
  const rssSum: RawProcessTree['rssSum'] = { t: [], kb: [] };
  let samples = 0, costUs = 0, lastT = hrUs();

  const sample = (last = false) => {
    const c0 = process.cpuUsage();
    const t = hrUs();
    let names: string[];
    try { names = fs.readdirSync('/proc'); } catch { return; }
    const present = new Set<number>();
    const fresh: { pid: number; stat: Stat }[] = [];
    for (const name of names) {
      const pid = Number(name);
      if (!(pid > 0)) continue;
      present.add(pid);
      if (tracked.has(pid) || ignored.has(pid)) continue;
      // First scan, right after the spawn: an older process cannot be a descendant, and pids
      // grow (until they wrap), so only the root and higher pids are read.
      if (samples === 0 && pid < rootPid!) { ignored.add(pid); continue; }
      const stat = readStat(pid);
      if (stat) fresh.push({ pid, stat });
    }
    // New processes whose parent is the root or a descendant (possibly also new): to a fixed point.
    for (let grew = true; grew;) {
      grew = false;
      for (let i = fresh.length - 1; i >= 0; i--) {
        const { pid, stat } = fresh[i];
        if (pid !== rootPid && !tracked.get(stat.ppid)?.alive) continue;
        const startUs = Math.min(t, Math.max(lastT, bootToHrUs + stat.startTicks * (1e6 / CLOCK_TICKS_PER_S)));
        const argv = readArgv(pid);
        const parent = tracked.get(stat.ppid);
        const forkOnly = !!parent && parent.comm === stat.comm && !!argv && sameArgv(argv, parent.argv);
        tracked.set(pid, { pid, ppid: stat.ppid, argv: argv ?? [stat.comm], comm: stat.comm, startUs, endUs: undefined,
          t: [], userMs: [], systemMs: [], rssKb: [], startTicks: stat.startTicks, alive: true, argvReads: argv ? 1 : 0, ownChecked: false, forkOnly });
        fresh.splice(i, 1);
        grew = true;
      }
    }
    for (const f of fresh) ignored.add(f.pid);
    for (const pid of ignored) if (!present.has(pid)) ignored.delete(pid); // the pid may be reused
    let sum = 0;
    for (const p of tracked.values()) {
      if (!p.alive) continue;
      const stat = present.has(p.pid) ? readStat(p.pid) : undefined;
      if (!stat || stat.startTicks !== p.startTicks) { p.alive = false; p.endUs = t; continue; }
      // A fork execs right away (and cmdline reads empty during an exec): read argv until it has
      // been read on two ticks, and again whenever the executable changes.
      if (stat.comm !== p.comm) { p.comm = stat.comm; p.argvReads = 0; p.forkOnly = false; }
      if (p.argvReads < 2) {
        const argv = readArgv(p.pid);
        if (argv) { if (!sameArgv(argv, p.argv)) p.forkOnly = false; p.argv = argv; p.argvReads++; }
      }
      // The probe's own esbuild (transpiling TypeScript) is not the program's: left out, its CPU and
      // RSS too. So is one that ended before its environment could be read: it lived about one
      // interval, which the contract allows to miss, and it is most likely the probe's.
      if (!p.ownChecked && isEsbuild(p.argv, p.comm)) {
        p.ownChecked = true;
        if (startedByProbe(p.pid) !== false) { tracked.delete(p.pid); ignored.add(p.pid); continue; }
      }
      const rss = stat.rssPages * kbPerPage;
      p.t.push(t); p.userMs.push(stat.userTicks * (1000 / CLOCK_TICKS_PER_S)); p.systemMs.push(stat.systemTicks * (1000 / CLOCK_TICKS_PER_S)); p.rssKb.push(rss);
      // The kernel's peak (VmHWM) for processes without a probe: it only grows, so reading it on
      // every 4th sample and at the end misses only a peak in a process's last ticks.
      if (!isProbed(p.pid)) p.peakRssKb = Math.max(p.peakRssKb ?? 0, rss, (last || p.t.length % 4 === 1 ? readPeakRssKb(p.pid) : undefined) ?? 0);
      sum += rss;
    }
    rssSum.t.push(t); rssSum.kb.push(sum);
    samples++;
    lastT = t;
    const c = process.cpuUsage(c0);
    costUs += c.user + c.system;
  };
  sample();
  const timer = setInterval(() => sample(), intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample(true);
      const processes = [...tracked.values()].filter((p) => !(p.forkOnly && p.t.length <= 1))
        .map(({ startTicks: _s, alive: _a, argvReads: _r, ownChecked: _o, forkOnly: _f, ...p }) => p);
      return { intervalMs, samples, costMs: Math.round(costUs / 100) / 10, processes, rssSum };
    },
  };
}
