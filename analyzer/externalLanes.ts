import type { Lane, Spans } from './report';
import type { RawTreeProcess } from './raw';
import type { ProcessGraph, ProcessInfo } from './processGraph';
import { BUCKET_MS, bucketCount } from './timeBuckets';
import { round } from './stats';
import { basename } from './paths';
import { formatMs } from './format';
import { isNodeExecutable } from './nodeExecutable';

/** A process sampled from /proc that has no probe lane (a shell, esbuild, a native compiler, an unattached node). */
export interface ExternalLane {
  lane: Lane;
  tree: RawTreeProcess;
  /** The executable's name and its arguments, bounded (the lane's label after its pid). */
  command: string;
}

/** Processes with /proc samples and no node lane of their own, as lanes (pid order). */
export function externalLanes(graph: ProcessGraph, hasNodeLane: (pid: number) => boolean, startHrUs: number, wallMs: number): ExternalLane[] {
  const out: ExternalLane[] = [];
  const toMs = (us: number) => round(Math.min(wallMs, Math.max(0, (us - startHrUs) / 1000)), 3);
  for (const info of [...graph.info.values()].sort((a, b) => a.pid - b.pid)) {
    const tree = info.tree;
    if (!tree || hasNodeLane(info.pid) || tree.t.length === 0) continue;
    const n = tree.t.length - 1;
    const cpuUserMs = round(tree.userMs[n]), cpuSystemMs = round(tree.systemMs[n]);
    const startMs = toMs(tree.startUs);
    const endMs = tree.endUs !== undefined ? toMs(tree.endUs) : wallMs;
    const command = commandLabel(info);
    out.push({
      tree,
      command,
      lane: {
        id: `${info.pid}:0`, kind: 'process', pid: info.pid, threadId: 0, label: `process ${info.pid} · ${command}`,
        startMs, endMs, busyMs: round(cpuUserMs + cpuSystemMs), script: info.argv[0],
        cpuUserMs, cpuSystemMs, maxRssKb: tree.peakRssKb ?? Math.max(0, ...tree.rssKb),
        external: true, ...(info.launcher ? { launcher: info.launcher } : {}),
      },
    });
  }
  return out;
}

/** A node process younger than this at the recording's end may not have announced itself yet (a probe does within ~0.1 s). */
const STARTING_MS = 1000;
/** One that ended this soon may have ended before its probe loaded (`node: bad option`), environment or not. */
const ENDED_EARLY_MS = 200;

/**
 * The note for a node process (not a launcher) that has no lane of its own: why it ran
 * unrecorded. One that started just before the recording ended, still running (a detached child
 * the program left starting up as it exited), may not have announced itself yet; one that ended
 * within 0.2 s may have ended before its probe loaded (Node rejected its options); any other had
 * no probe: its environment lost the recording's NODE_OPTIONS. Undefined for other processes.
 */
export function unrecordedNodeNote(e: ExternalLane): string | undefined {
  if (!isNodeExecutable(e.lane.script) || e.lane.launcher) return undefined;
  const cleared = 'its environment had no NODE_OPTIONS of the recording (something between it and the program cleared or replaced it: `env -i`, a tool that starts processes with an environment of its own)';
  const lived = e.lane.endMs - e.lane.startMs;
  const why = e.tree.endUs === undefined && lived < STARTING_MS
    ? `it had started ${formatMs(lived)} before the recording ended, was still running, and had not announced itself to the recorder: `
      + `a process the program left starting up as it exited (detached or orphaned), or ${cleared}`
    : e.tree.endUs !== undefined && lived < ENDED_EARLY_MS
      ? `it ended ${formatMs(lived)} after it started, before announcing itself: it may have stopped before its probe loaded `
        + `(Node rejected its options or found no script to run: it says why on stderr), or ${cleared}`
      : cleared;
  return `pid ${e.lane.pid} (${e.command}) is a node process that ran unrecorded: ${why}, `
    + 'so only its CPU time and memory were seen (from /proc): no CPU profile, lag, awaits or findings';
}

const RECORDER_FLAGS = new Set(['--inspect=127.0.0.1:0', '--inspect-publish-uid=http']);

/** "sha256sum big.bin", `sh -c "node app.js"`: the executable's name and its arguments, bounded. */
function commandLabel(info: ProcessInfo): string {
  // The inspector flags the recorder starts a node program with (recorder/launcher/command.ts) are not the user's.
  const [exe = '?', ...args] = info.argv.filter((a, i) => i === 0 || !RECORDER_FLAGS.has(a));
  const text = [basename(exe), ...args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))].join(' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * CPU cores each external process used per BUCKET_MS bucket: the CPU time between two samples
 * spread evenly over that interval. Not capped at 1: one process may run several threads.
 */
export function externalBuckets(lanes: ExternalLane[], startHrUs: number, wallMs: number): Float32Array[] {
  const n = bucketCount(wallMs);
  return lanes.map(({ tree }) => {
    const b = new Float32Array(n);
    forEachInterval(tree, startHrUs, (from, to, cpuMs) => {
      const rate = cpuMs / Math.max(1e-3, to - from);
      for (let t = from; t < to;) {
        const k = Math.floor(t / BUCKET_MS);
        const edge = Math.min(to, (k + 1) * BUCKET_MS);
        if (k >= 0 && k < n) b[k] += (rate * (edge - t)) / BUCKET_MS;
        t = edge;
      }
    });
    return b;
  });
}

const MAX_SLICES_PER_LANE = 2000;

/**
 * Busy slices of external lanes (category 'native', no site): per sampling interval, one slice
 * as long as the CPU time used in it (up to the interval), placed at the interval's start — the
 * amount is measured, the placement within the interval is not. Long runs merge intervals.
 */
export function addExternalSlices(spans: Spans, lanes: ExternalLane[], firstLaneIndex: number, startHrUs: number): void {
  const native = 4; // SLICE_CATEGORIES.indexOf('native')
  lanes.forEach(({ tree }, i) => {
    const group = Math.max(1, Math.ceil(tree.t.length / MAX_SLICES_PER_LANE));
    let acc = 0, from = -1, count = 0, last = 0;
    const flush = (to: number) => {
      if (acc > 0.05 && from >= 0) {
        spans.slices.lane.push(firstLaneIndex + i);
        spans.slices.start.push(round(from, 3));
        spans.slices.end.push(round(Math.min(to, from + acc), 3));
        spans.slices.category.push(native);
        spans.slices.site.push(-1);
      }
      acc = 0; from = -1; count = 0;
    };
    forEachInterval(tree, startHrUs, (a, b, cpuMs) => {
      if (from < 0) from = a;
      acc += cpuMs;
      last = b;
      if (++count >= group) flush(b);
    });
    if (count > 0) flush(last);
  });
}

/** Calls fn(fromMs, toMs, cpuMs) for each sampling interval of a process, report time. */
function forEachInterval(tree: RawTreeProcess, startHrUs: number, fn: (fromMs: number, toMs: number, cpuMs: number) => void): void {
  let prevT = tree.startUs, prevCpu = 0;
  for (let i = 0; i < tree.t.length; i++) {
    const cpu = tree.userMs[i] + tree.systemMs[i];
    const from = (prevT - startHrUs) / 1000, to = (tree.t[i] - startHrUs) / 1000;
    if (cpu > prevCpu && to > from) fn(from, to, cpu - prevCpu);
    prevT = tree.t[i]; prevCpu = cpu;
  }
}
