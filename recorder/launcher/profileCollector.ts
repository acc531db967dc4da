import type { CpuProfile, ThreadCpuReading, SamplingChange } from '../../analyzer/raw';
import type { RecorderHooks } from './threadRecorder';
import { IncrementalJoin } from './profileChunks';
import { formatSeconds } from '../../analyzer/format';
import { debugLog } from './debugLog';
import { measureOff } from '../measureOff';
import { BUSY_REQUESTS_PER_S, SATURATED_SHARE, coarserFactor, type CoarserReason } from './samplingPolicy';

/** CPU sampling interval unless the user chose one (µs). */
export const DEFAULT_SAMPLING_US = 1000;
/** A thread's CPU profile streams out in chunks this long, longer while it is busy (chunkPacing.ts): what a thread that ends abruptly loses at most. */
const PROFILE_CHUNK_MS = 100;

/**
 * What every ThreadRecorder of a run hands back, gathered by thread (`${pid}-${tid}`): streamed
 * CPU profile chunks (joined at the end), the latest CPU reading at a chunk seam and the changes
 * of a thread's sampling interval made by the sampling policy (samplingPolicy.ts); and the
 * pacing they share: every profiled thread has its own V8 sampler thread, so with many threads
 * alive each is sampled less often (and chunked less often), so that profiling hundreds of
 * workers does not drown the machine. Used by the launcher and the attach recorder alike.
 * `adaptiveSampling`: whether the policy may make a thread's sampling coarser mid-run (never
 * when the user chose an interval other than the default).
 */
export class ProfileCollector {
  readonly hooks: RecorderHooks;
  /** Each thread's latest CPU reading at a chunk seam. */
  readonly seamCpu = new Map<string, ThreadCpuReading>();
  /** Threads whose sampling was made coarser mid-run, by `${pid}-${tid}`. */
  readonly samplingChanges = new Map<string, SamplingChange[]>();
  /** How long the switch held each of those threads at its event loop (µs), by `${pid}-${tid}`. */
  private readonly switchPausedUs = new Map<string, number>();
  /** How many HTTP requests each of those threads began after the change, as of its latest seam, by `${pid}-${tid}`. */
  private readonly requestsSinceChange = new Map<string, number>();
  /** Why each of those threads was made coarser, by `${pid}-${tid}`. */
  private readonly coarserWhy = new Map<string, CoarserReason>();
  /** Each thread's chunks, joined as they come (after the exit, what is left is the last chunk's). */
  private readonly chunks = new Map<string, IncrementalJoin>();
  private alive = 0;
  private coarsest: number;

  constructor(private readonly baseIntervalUs: number, private readonly cores: number, status: (message: string) => void, warn: (message: string) => void,
    options: { adaptiveSampling: boolean; threadStarted?: RecorderHooks['threadStarted']; beforeSignal?: RecorderHooks['beforeSignal'] }) {
    this.coarsest = baseIntervalUs;
    const crowding = () => Math.max(1, Math.ceil(this.alive / (cores * 4)));
    const chunkMs = measureOff('chunks') ? 1e9 : PROFILE_CHUNK_MS;
    this.hooks = {
      cores,
      adaptiveSampling: options.adaptiveSampling,
      samplingChanged: (pid, tid, intervalUs, hrUs, why, pausedUs) => {
        const key = `${pid}-${tid}`;
        if (pausedUs !== undefined) this.switchPausedUs.set(key, pausedUs);
        this.samplingChanges.set(key, [...this.samplingChanges.get(key) ?? [], { intervalUs, fromHrUs: hrUs }]);
        this.coarserWhy.set(key, why);
        debugLog(`pid ${pid} thread ${tid}: sampled every ${intervalUs / 1000} ms from now on (${why === 'pool' ? 'its thread pool competes for the cores' : why === 'saturated' ? 'a saturated server' : 'a busy server'})`);
      },
      requestsSinceChange: (pid, tid, requests) => { this.requestsSinceChange.set(`${pid}-${tid}`, requests); },
      samplingIntervalUs: () => {
        const interval = Math.round(baseIntervalUs * crowding());
        this.coarsest = Math.max(this.coarsest, interval);
        return interval;
      },
      threadAlive: (d) => { this.alive += d; },
      status,
      chunkIntervalMs: () => chunkMs * crowding(),
      threadCpu: (pid, tid, reading) => {
        const key = `${pid}-${tid}`;
        if (reading.hrUs > (this.seamCpu.get(key)?.hrUs ?? -Infinity)) this.seamCpu.set(key, reading);
      },
      profileChunk: (pid, tid, profile) => {
        const key = `${pid}-${tid}`;
        let join = this.chunks.get(key);
        if (!join) this.chunks.set(key, join = new IncrementalJoin());
        join.add(profile);
      },
      warn,
      ...(options.threadStarted ? { threadStarted: options.threadStarted } : {}),
      ...(options.beforeSignal ? { beforeSignal: options.beforeSignal } : {}),
    };
  }

  /** Every thread's joined CPU profile, by `${pid}-${tid}`. */
  profiles(): Map<string, CpuProfile> {
    const out = new Map<string, CpuProfile>();
    for (const [key, join] of this.chunks) { const p = join.profile(); if (p) out.set(key, p); }
    return out;
  }

  /** What the collector holds of one thread for its raw record: profile, seam CPU, sampling changes. */
  threadParts(key: string, profiles: Map<string, CpuProfile>): { profile?: CpuProfile; seamCpu?: ThreadCpuReading; samplingChanges?: SamplingChange[] } {
    const changes = this.samplingChanges.get(key);
    return { profile: profiles.get(key), seamCpu: this.seamCpu.get(key), ...(changes ? { samplingChanges: changes } : {}) };
  }

  /**
   * The warnings a run owes about sampling: threads sampled less often from some point on
   * (relative to the run's start, CLOCK_MONOTONIC µs), and sampling slowed down for crowded threads.
   */
  samplingWarnings(startHrUs: number): string[] {
    const out: string[] = [];
    // Threads switched alike (the same interval, for the same reason) share one note: each of a
    // test runner's processes loading its modules was a note of its own that differed only in
    // its pid and figures.
    const alike = new Map<string, { intervalUs: number; reason: CoarserReason | undefined; threads: { who: string; fromMs: number; pausedMs?: number; requestsAfter?: number }[] }>();
    for (const [key, changes] of this.samplingChanges) {
      const [pid, tid] = key.split('-');
      const c = changes[changes.length - 1];
      const reason = this.coarserWhy.get(key);
      const pausedUs = this.switchPausedUs.get(key);
      const requestsAfter = this.requestsSinceChange.get(key);
      const group = `${c.intervalUs} ${reason}`;
      if (!alike.has(group)) alike.set(group, { intervalUs: c.intervalUs, reason, threads: [] });
      alike.get(group)!.threads.push({ who: `pid ${pid}${tid !== '0' ? ` worker ${tid}` : ''}`, fromMs: (c.fromHrUs - startHrUs) / 1000, ...(pausedUs !== undefined ? { pausedMs: pausedUs / 1000 } : {}), ...(requestsAfter !== undefined ? { requestsAfter } : {}) });
    }
    for (const { intervalUs, reason, threads } of alike.values()) {
      const one = threads.length === 1;
      const why = reason === 'requests'
        ? `${one ? 'it' : 'each'} served ${BUSY_REQUESTS_PER_S}+ HTTP requests a second on a ${this.cores}-core machine, where 1 ms CPU sampling competes with the server and its clients for the cores`
        : reason === 'saturated'
          ? `${one ? 'it' : 'each'} served ${BUSY_REQUESTS_PER_S}+ HTTP requests a second and wanted a CPU ${SATURATED_SHARE * 100}+ % of the time on a ${this.cores}-core machine, where CPU sampling competes with the server and its clients for the cores`
          : `${one ? 'its' : 'their'} fs/dns work kept libuv's thread pool busy on a ${this.cores}-core machine, where 1 ms CPU sampling competes with the pool for the cores`;
      // Requests' figures are sparser only for requests begun after the switch: a short load can
      // end before its switch is made (the judgement needs a window of the load), and then the
      // thread's requests all came before it (known from its seams after the switch; with none, it is not known).
      const server = reason === 'requests' || reason === 'saturated';
      const noneAfter = server && threads.every((t) => t.requestsAfter === 0);
      const perRequest = !server ? ''
        : noneAfter ? `; no HTTP request began after ${one ? 'it' : 'them'}, so requests' own CPU and queued time were sampled at ${intervalUs / coarserFactor(reason!) / 1000} ms`
          : '; requests\' own CPU and queued time are estimated from sparser samples from then on';
      const paused = threads.map((t) => t.pausedMs).filter((ms): ms is number => ms !== undefined);
      const held = paused.length === 0 ? ''
        : one ? `; the switch, made at its event loop so that code running then stays attributed, held the loop ${paused[0].toFixed(1)} ms`
          : `; each switch, made at its thread's event loop so that code running then stays attributed, held that loop ${formatRange(paused)} ms`;
      const where = threads.map((t) => `${t.who} from ${formatSeconds(t.fromMs)} on`).join(', ');
      out.push(`sampled at ${intervalUs / 1000} ms: ${one ? where : `${threads.length} threads, ${where}`} `
        + `(${why}); CPU blocks shorter than ~${2 * intervalUs / 1000} ms may be missed there${held}${perRequest}`);
    }
    if (this.coarsest > this.baseIntervalUs) out.push(`with many threads alive, CPU sampling was slowed to every ${this.coarsest / 1000} ms for threads that started then`);
    return out;
  }
}

/** "24.6–47.4" of several ms figures (one decimal), or the one figure. */
function formatRange(ms: number[]): string {
  const lo = Math.min(...ms), hi = Math.max(...ms);
  return lo === hi ? lo.toFixed(1) : `${lo.toFixed(1)}–${hi.toFixed(1)}`;
}
