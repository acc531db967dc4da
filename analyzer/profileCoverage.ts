import { sampleCpu, type SampleTimeline } from './cpuSamples';
import type { ThreadLane } from './context';
import { helloCpuMs, type ThreadModel } from './threadModel';
import type { RawRun, ThreadCpuReading } from './raw';
import { formatMs } from './format';

/**
 * How much of a thread's CPU time, as its probe measured it, its CPU profile cannot hold: time it
 * was on a CPU when its profile was not recording it (before the profile started, after it
 * ended, or in a hole where profile chunks were lost). Without it, a lane would show a quiet,
 * nearly empty profile for a thread that computed for seconds.
 *
 * A lower bound that does not depend on how samples are classified or weighed (V8 marks some
 * native work of an idle loop as (idle); a loaded machine delays samples): between two CPU
 * readings of the probe, the thread used ΔCPU, and at most the wall time the profile covered
 * between them can be CPU the profile holds; the rest is CPU it does not hold.
 *
 * The readings are Linux's schedstat, which is brought up to date at the scheduler's ticks (every
 * 1–10 ms): a reading may lag the thread's true CPU by up to a tick, so a ΔCPU from one reading to
 * the next may be a tick too large. Readings are taken in windows at least WINDOW_MS long, and a
 * window that starts at a reading may miss CLOCK_LAG_MS of it before it counts: a server's
 * readings, a few ms apart, each read a tick more CPU than the wall time between them now and then,
 * and the sum of those, 0.5 s of a saturated 4 s run, was reported as CPU its profile missed.
 *
 * `readings`: flat pairs (report ms, thread on-CPU ms) in time order, of this thread alone.
 * `from`: where the CPU starts to count (CountFrom).
 */
export function uncoveredCpuMs(readings: readonly number[], samples: SampleTimeline, from: CountFrom): number {
  return cpuShortfall(readings, samples, from).uncoveredMs;
}

/**
 * Where a thread's CPU starts to count:
 * - `firstReading`: at its first reading, wherever the profile is (a worker whose probe read its
 *   CPU as it started: no code of the program has run on the thread before that reading, and the
 *   profile, started before Node's bootstrap, runs on from there; what the thread used before it
 *   is its start-up: the thread and its isolate made, V8's profiler start logging the code that
 *   exists, before the profile's first sample, the probe's load up to its reading);
 * - `birth`: at 0 when the thread was born, before its first reading (a worker whose first reading
 *   came after its entry's first run, from a probe that did not read its CPU as it started);
 * - `insideProfile`: at the first reading inside the profile (a process's main thread: Node's
 *   bootstrap before the recorder connected is not the program's; a thread of a process recorded
 *   by attaching ran long before).
 */
export type CountFrom = 'firstReading' | 'birth' | 'insideProfile';

/**
 * uncoveredCpuMs, and `lateMs`: CPU the thread used inside the time its profile covered that its
 * samples do not hold. A sample stands for at most 1.5 sampling intervals (a longer gap is taken
 * as the thread descheduled, when it used no CPU); but the gap may be V8's sampler thread waiting
 * for a core while this thread ran (a loaded or oversubscribed host). Per window: the CPU used,
 * up to the wall time covered, less what the window's samples of every kind stand for and less
 * CLOCK_LAG_MS. A lower bound too.
 */
export function cpuShortfall(readings: readonly number[], samples: SampleTimeline, from: CountFrom): { uncoveredMs: number; lateMs: number; usedMs: number } {
  const out = { uncoveredMs: 0, lateMs: 0, usedMs: 0 };
  const covered = coveredSpans(samples);
  if (covered.length === 0) return out;
  let prevT = -Infinity, prevCpu = 0;
  let i = 0;
  if (from !== 'birth') {
    if (from === 'insideProfile') while (i < readings.length && readings[i] < covered[0]) i += 2;
    if (i >= readings.length) return out;
    prevT = readings[i]; prevCpu = readings[i + 1];
    i += 2;
  }
  /** The window starts at a reading (not at the thread's birth, CPU 0): that reading may lag. */
  let fromReading = from !== 'birth';
  let k = 0; // first covered span that may overlap [prevT, t]
  let q = 0; // first sample at or after prevT
  for (; i < readings.length; i += 2) {
    const t = readings[i], cpu = readings[i + 1];
    if (cpu < prevCpu) continue; // not this thread's clock (an estimate): no bound from it
    // The window goes on to a later reading, unless this is the last.
    if (t - prevT < WINDOW_MS && i + 2 < readings.length) continue;
    let wall = 0;
    while (k < covered.length && covered[k + 1] <= prevT) k += 2;
    for (let j = k; j < covered.length && covered[j] < t; j += 2) wall += Math.min(t, covered[j + 1]) - Math.max(prevT, covered[j]);
    const used = cpu - prevCpu;
    out.uncoveredMs += Math.max(0, used - wall - (fromReading ? CLOCK_LAG_MS : 0));
    let sampled = 0;
    while (q < samples.time.length && samples.time[q] < prevT) q++;
    for (; q < samples.time.length && samples.time[q] < t; q++) sampled += sampleCpu(samples, q);
    out.lateMs += Math.max(0, Math.min(used, wall) - sampled - CLOCK_LAG_MS);
    out.usedMs += used;
    prevT = t; prevCpu = cpu; fromReading = true;
  }
  return out;
}

/** Shortest stretch between the CPU readings uncoveredCpuMs compares (report ms). */
const WINDOW_MS = 100;
/** Most a thread's CPU reading can lag its true CPU time: one scheduler tick (HZ ≥ 100). */
const CLOCK_LAG_MS = 10;

/**
 * The wall time a profile covered, as flat sorted [from, to) pairs (report ms): from its first
 * sample to its end, less the holes where samples are further apart than a thread that was
 * running could leave them (a running thread is sampled every interval; one that was not
 * running used no CPU there either, so a hole never hides CPU the bound would miss).
 */
function coveredSpans(s: SampleTimeline): number[] {
  const n = s.time.length;
  if (n === 0) return [];
  // capMs is 1.5 sampling intervals (the coarsest, if the interval changed mid-run).
  const intervalMs = Math.max(s.capMs, ...(s.laterCaps ?? []).map((c) => c.capMs)) / 1.5;
  const hole = Math.max(HOLE_MS, HOLE_INTERVALS * intervalMs);
  const out: number[] = [s.time[0]];
  for (let i = 1; i < n; i++) if (s.time[i] - s.time[i - 1] > hole) out.push(s.time[i - 1], s.time[i]);
  const last = s.time[n - 1];
  out.push(s.end > last && s.end - last <= hole ? s.end : last);
  return out;
}

/** Samples further apart than this (and than HOLE_INTERVALS sampling intervals) leave a hole in the profile. */
const HOLE_MS = 50;
const HOLE_INTERVALS = 10;

/** CPU the samples of a sampled stretch may leave out before the report says so: that much, and that share of the CPU used. */
export const LATE_CPU_WARN_MS = 100;
export const LATE_CPU_WARN_SHARE = 0.1;

/**
 * CPU a profile may miss before the report says so: sampling seams, and a worker's start-up in
 * recordings whose probe did not read its CPU as it started (~10–80 ms on a loaded 2-core
 * machine with Node 20, ~100 ms with Node 24: CountFrom `birth`).
 */
export const UNCOVERED_CPU_WARN_MS = 100;

/**
 * One warning per thread whose CPU profile misses more than UNCOVERED_CPU_WARN_MS of the CPU
 * its probe measured (see uncoveredCpuMs), naming it and how much; one per thread whose samples
 * leave out more than LATE_CPU_WARN_MS (and LATE_CPU_WARN_SHARE) of the CPU it used while sampled
 * (see cpuShortfall). Skipped where the probe's
 * readings are not the thread's own CPU time (no schedstat: a main thread reads its whole
 * process's, `threadCpuEstimated`).
 */
export function uncoveredCpuWarnings(threads: readonly ThreadLane[], run: Pick<RawRun, 'threads' | 'startHrUs' | 'attached'>, threadCpuEstimated: boolean): string[] {
  const out: string[] = [];
  for (const { model: m, samples, lane } of threads) {
    if (!samples || (threadCpuEstimated && m.tid === 0)) continue;
    const readings = readingsOf(m, run.threads.find((t) => t.pid === m.pid && t.tid === m.tid)?.seamCpu, run.startHrUs);
    if (readings.length === 0) continue;
    // A worker waits for its profile to start before it runs any code; an attached run's threads ran long before.
    // The CPU of its hand-overs (not sampled, measured) is said in their own note (analyze.ts handOverNotes).
    const shortfall = cpuShortfall(readings, samples, countFrom(m, !!run.attached));
    const missed = shortfall.uncoveredMs - handOverCpuMs(m.handOvers.filter(knownCpu));
    const total = readings[readings.length - 1];
    const who = lane.kind === 'worker' ? `${lane.label} of pid ${m.pid}` : lane.label;
    if (shortfall.lateMs > LATE_CPU_WARN_MS && shortfall.lateMs > LATE_CPU_WARN_SHARE * shortfall.usedMs) {
      out.push(`${who}: V8's CPU sampler was late for this thread (it waited for a core while the thread ran: a busy machine), so its samples leave out at least ${formatMs(shortfall.lateMs)} of the ${formatMs(shortfall.usedMs)} of CPU it used while sampled: `
        + `its lane's busy time and its per-line and per-request CPU are estimated from fewer samples; blocking-CPU findings' totals take the thread's own CPU time (Linux's count) where its readings allow`);
    }
    if (missed <= UNCOVERED_CPU_WARN_MS) continue;
    out.push(`${who}: its CPU profile misses at least ${formatMs(missed)} of the ${formatMs(total)} of CPU the thread used (as its probe measured it): `
      + `the thread ran while its profile was not recording (before the profile started, after it ended, or where profile chunks were lost), so its lane's busy time and hot code leave that CPU out`);
  }
  return out;
}

/** Where a thread's CPU starts to count for the bound (CountFrom). */
function countFrom(m: ThreadModel, attached: boolean): CountFrom {
  if (m.tid === 0 || attached) return 'insideProfile';
  // A worker: its probe's first reading (at its hello, buildThreadModel) is its first, before its entry ran.
  return helloCpuMs(m.hello) !== undefined ? 'firstReading' : 'birth';
}

type HandOver = ThreadModel['handOvers'][number];
/** Whether the thread's CPU was read at both ends of a hand-over. */
export const knownCpu = (h: HandOver): boolean => h.cpuAt >= 0 && h.cpuUntil >= h.cpuAt;
/** On-CPU ms of a thread in its hand-overs (each with knownCpu). */
export const handOverCpuMs = (hs: readonly HandOver[]): number => hs.reduce((sum, h) => sum + (h.cpuUntil - h.cpuAt), 0);

/** The thread's CPU readings in time order: its ticks and task marks, its last probe chunk's and the last at a profile chunk seam. */
function readingsOf(m: ThreadModel, seamCpu: ThreadCpuReading | undefined, startHrUs: number): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < m.cpuReadings.length; i += 2) pairs.push([m.cpuReadings[i], m.cpuReadings[i + 1]]);
  const last = m.lastChunk;
  if (last?.threadCpuMs !== undefined && last.threadCpuMs >= 0) pairs.push([m.toMs(last.at), last.threadCpuMs]);
  if (seamCpu && seamCpu.cpuMs >= 0) pairs.push([(seamCpu.hrUs - startHrUs) / 1000, seamCpu.cpuMs]);
  // Both ends of a hand-over: its CPU is then exactly what the profile's pause left out.
  for (const h of m.handOvers) if (knownCpu(h)) pairs.push([h.at, h.cpuAt], [h.until, h.cpuUntil]);
  pairs.sort((a, b) => a[0] - b[0]);
  return pairs.flat();
}
