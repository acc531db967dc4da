import type { AnalysisContext, FindingDraft, ThreadLane } from '../context';
import { isBusy } from '../cpuSamples';
import { BUCKET_MS } from '../parallelism';
import { round } from '../stats';
import { formatMs } from '../format';

/**
 * When a lane's start-up was booting (Node's bootstrap and module loading, not the program's
 * own top-level work): the end of its first synchronous run, else its start.
 */
function bootEndMs(t: ThreadLane): number {
  const { model, samples } = t;
  const end = model.startupDoneMs;
  if (end === undefined || !samples) return model.startMs;
  let busy = 0, user = 0;
  for (let i = 0; i < samples.time.length && samples.time[i] < end; i++) {
    if (!isBusy(samples.kind[i])) continue;
    busy++;
    if (samples.frame[i]) user++;
  }
  return busy > 0 && user / busy >= 0.5 ? model.startMs : end;
}

/** Window (buckets each side) over which lanes' CPU work is compared. */
const WINDOW = 5;

/**
 * Per lane and bucket: did the lane do a real share of the CPU work around that time (at least a
 * quarter of the busiest lane's, over ±50 ms)? A thread that only wakes briefly (a main thread
 * handing out tasks) is runnable while it waits for a core on a crowded machine, but it is not
 * what oversubscribes the machine. Relative, so it holds however busy the rest of the machine is.
 */
function cpuHeavy(onCpu: Float32Array[], n: number): boolean[][] {
  const sums = onCpu.map((b) => {
    const prefix = new Float64Array(n + 1);
    for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k] + (b[k] ?? 0);
    return prefix;
  });
  const win = (i: number, k: number) => sums[i][Math.min(n, k + WINDOW + 1)] - sums[i][Math.max(0, k - WINDOW)];
  const out = onCpu.map(() => new Array<boolean>(n).fill(false));
  for (let k = 0; k < n; k++) {
    let max = 0;
    for (let i = 0; i < onCpu.length; i++) max = Math.max(max, win(i, k));
    for (let i = 0; i < onCpu.length; i++) out[i][k] = max > 0 && win(i, k) >= 0.25 * max;
  }
  return out;
}

/**
 * Per bucket: was most of the lane's CPU work around that time (±50 ms) the program's own
 * (user code or its dependencies) rather than Node's (I/O plumbing, IPC, code run cold)?
 */
function programWorkBuckets(t: ThreadLane, n: number): boolean[] {
  const own = new Float64Array(n), all = new Float64Array(n);
  const s = t.samples;
  if (s) {
    for (let i = 0; i < s.time.length; i++) {
      if (!isBusy(s.kind[i])) continue;
      const k = Math.floor(s.time[i] / BUCKET_MS);
      if (k < 0 || k >= n) continue;
      all[k]++;
      if (s.frame[i] || s.kind[i] === 'user' || s.kind[i] === 'library') own[k]++;
    }
  }
  const out = new Array<boolean>(n).fill(false);
  let o = 0, a = 0;
  for (let k = 0; k < Math.min(n, WINDOW); k++) { o += own[k]; a += all[k]; }
  for (let k = 0; k < n; k++) {
    if (k + WINDOW < n) { o += own[k + WINDOW]; a += all[k + WINDOW]; }
    if (k - WINDOW - 1 >= 0) { o -= own[k - WINDOW - 1]; a -= all[k - WINDOW - 1]; }
    out[k] = a > 0 && o >= a / 2;
  }
  return out;
}

/** Sustained: a burst shorter than this (a few workers booting) is not a pool bigger than the machine. */
const MIN_MS = 200;

/**
 * More threads or processes on CPU at once than the machine has cores: they time-share the
 * cores, so each runs slower and the pool as a whole is no faster than one sized to the
 * cores. Located where user code created the busiest of them. When it happened only while
 * they were starting, it is `info`.
 */
export function poolOversubscribed(ctx: AnalysisContext, buckets: Float32Array[], onCpu: Float32Array[]): FindingDraft[] {
  const n = buckets[0]?.length ?? 0;
  const heavy = cpuHeavy(onCpu, n);
  const programWork = ctx.threads.map((t) => programWorkBuckets(t, n));
  const bootEnd = ctx.threads.map(bootEndMs);
  let overMs = 0;
  /** Oversubscribed time counting only lanes past their boot doing the program's own work. */
  let workOverMs = 0;
  let peak = 0;
  const intervals: { startMs: number; endMs: number }[] = [];
  const busyInOver = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    let wanting = 0;
    buckets.forEach((b, i) => { if (b[k] >= 0.5 && heavy[i][k]) wanting++; });
    if (wanting <= ctx.cores) continue;
    overMs += BUCKET_MS;
    let working = 0;
    buckets.forEach((b, i) => { if (b[k] >= 0.5 && heavy[i][k] && (k + 1) * BUCKET_MS > bootEnd[i] && programWork[i][k]) working++; });
    if (working > ctx.cores) workOverMs += BUCKET_MS;
    peak = Math.max(peak, wanting);
    const last = intervals[intervals.length - 1];
    if (last && last.endMs === k * BUCKET_MS) last.endMs += BUCKET_MS; else intervals.push({ startMs: k * BUCKET_MS, endMs: (k + 1) * BUCKET_MS });
    buckets.forEach((b, i) => { if (b[k] >= 0.5 && heavy[i][k]) busyInOver.set(i, (busyInOver.get(i) ?? 0) + 1); });
  }
  if (overMs < MIN_MS) return [];
  const votes = new Map<string, { n: number; loc: NonNullable<(typeof ctx.threads)[number]['lane']['createdAt']> }>();
  for (const [i] of busyInOver) {
    const loc = ctx.threads[i].lane.createdAt;
    if (!loc) continue;
    const key = `${loc.file}:${loc.line}`;
    const v = votes.get(key) ?? { n: 0, loc };
    v.n++;
    votes.set(key, v);
  }
  const top = [...votes.values()].sort((a, b) => b.n - a.n)[0];
  const main = ctx.threads.find((t) => t.lane.kind === 'main') ?? ctx.threads[0];
  const location = top?.loc ?? (main?.model.hello?.argv[1] ? { file: main.model.hello.argv[1], line: 1, column: 1 } : undefined);
  if (!location) return [];
  // Only while threads/processes were starting (bootstrap, module loading) or running Node's own
  // code (I/O plumbing, IPC, code run cold): a cost of starting them all at once, not a pool sized
  // beyond the machine for its work. How long it lasts depends on how busy the machine is: info.
  // The message says where the CPU was, not that it was no work of the program's: a process whose
  // whole job is its first synchronous run (`node -e` with a loop, a synchronous tool such as
  // acorn's CLI) has no user frame there, and read "… not the program's CPU work" for 4 such
  // children each computing 300 ms.
  const bootOnly = workOverMs < MIN_MS;
  return [{
    kind: 'pool-oversubscribed',
    severity: bootOnly ? 'info' : 'warning',
    message: `${peak} threads/processes wanted the CPU at once on a ${ctx.cores}-core machine for ${formatMs(overMs)}`
      + (bootOnly ? ', only in their first synchronous run (start-up: loading modules, top-level code) or in Node\'s own code (I/O, IPC)' : ''),
    location,
    laneId: main.lane.id,
    occurrences: top?.n ?? busyInOver.size,
    totalMs: round(overMs),
    detail: `Beyond ${ctx.cores} CPU-busy threads, the operating system time-slices the cores: each worker runs slower, `
      + `memory grows, and the whole is no faster than a pool of ${ctx.cores}. Size CPU-bound pools to os.availableParallelism().`,
    intervals: intervals.slice(0, 50).map((iv) => ({ laneId: main.lane.id, ...iv })),
  }];
}
