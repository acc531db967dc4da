import type { CpuProfile, ThreadCpuReading } from '../../analyzer/raw';
import type { RecorderHooks } from './threadRecorder';
import { joinProfileChunks } from './profileChunks';

/** A thread's CPU profile streams out in chunks this long: what a thread that ends abruptly loses at most. */
const PROFILE_CHUNK_MS = 100;

/**
 * What every ThreadRecorder of a run hands back, gathered by thread (`${pid}-${tid}`): streamed
 * CPU profile chunks (joined at the end) and the latest CPU reading at a chunk seam; and the
 * pacing they share: every profiled thread has its own V8 sampler thread, so with many threads
 * alive each is sampled less often (and chunked less often), so that profiling hundreds of
 * workers does not drown the machine. Used by the launcher and the attach recorder alike.
 */
export class ProfileCollector {
  readonly hooks: RecorderHooks;
  /** Each thread's latest CPU reading at a chunk seam. */
  readonly seamCpu = new Map<string, ThreadCpuReading>();
  private readonly chunks = new Map<string, CpuProfile[]>();
  private alive = 0;
  private coarsest: number;

  constructor(private readonly baseIntervalUs: number, cores: number, status: (message: string) => void, warn: (message: string) => void,
    threadStarted?: RecorderHooks['threadStarted']) {
    this.coarsest = baseIntervalUs;
    const crowding = () => Math.max(1, Math.ceil(this.alive / (cores * 4)));
    this.hooks = {
      samplingIntervalUs: () => {
        const interval = Math.round(baseIntervalUs * crowding());
        this.coarsest = Math.max(this.coarsest, interval);
        return interval;
      },
      threadAlive: (d) => { this.alive += d; },
      status,
      chunkIntervalMs: () => PROFILE_CHUNK_MS * crowding(),
      threadCpu: (pid, tid, reading) => {
        const key = `${pid}-${tid}`;
        if (reading.hrUs > (this.seamCpu.get(key)?.hrUs ?? -Infinity)) this.seamCpu.set(key, reading);
      },
      profileChunk: (pid, tid, profile) => {
        const key = `${pid}-${tid}`;
        const list = this.chunks.get(key) ?? [];
        list.push(profile);
        this.chunks.set(key, list);
      },
      warn,
      ...(threadStarted ? { threadStarted } : {}),
    };
  }

  /** Every thread's joined CPU profile, by `${pid}-${tid}`. */
  profiles(): Map<string, CpuProfile> {
    const out = new Map<string, CpuProfile>();
    for (const [key, chunks] of this.chunks) { const p = joinProfileChunks(chunks); if (p) out.set(key, p); }
    return out;
  }

  /** The warning a run owes when sampling was slowed down for crowded threads, if it was. */
  slowedSamplingWarning(): string | undefined {
    return this.coarsest > this.baseIntervalUs
      ? `with many threads alive, CPU sampling was slowed to every ${this.coarsest / 1000} ms for threads that started then`
      : undefined;
  }
}
