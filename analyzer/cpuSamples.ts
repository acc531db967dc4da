import type { CpuProfile, CpuProfileNode, SamplingChange } from './raw';
import { profileIndex } from './profileIndex';

/** What a sample's thread was doing. 'probe' is the recorder's own work (counted as idle). */
export type SampleKind = 'idle' | 'user' | 'library' | 'node' | 'gc' | 'native' | 'probe';

export interface UserFrame {
  url: string;
  functionName: string;
  /** 1-based line of the function, and of the hottest line when the frame is the leaf. */
  functionLine: number;
  functionColumn: number;
  line: number;
  isLeaf: boolean;
  /** When the work was below the user frame: the function it called that was on CPU. */
  callee?: string;
}

/**
 * A thread's CPU profile as a timeline: each sample i covers [time[i], time[i+1]) in report
 * ms; `kind[i]` says what ran and `frame[i]` is the innermost user-code frame, if any.
 */
export interface SampleTimeline {
  time: Float64Array;
  end: number;
  kind: SampleKind[];
  frame: (UserFrame | undefined)[];
  /**
   * 1 where the sample was the recorder's own work inside the program's task (a chunk rotation
   * or flush it interrupted the code with; the probe's runtime called by instrumented code, an
   * await's bookkeeping): `kind` and `frame` are then the code below it, so that the task stays
   * one busy run, but its CPU is not the program's (blockingCpu neither counts nor attributes
   * it). Absent: none.
   */
  overhead?: Uint8Array;
  /**
   * 1 where the sample was loading a module (Node's loader, a test runner's: STARTUP_FRAME,
   * RUNNER_LOADER_FILE) with no frame of the program's on its stack: not the program's CPU work
   * (`frame` undefined), nor inside a call of the program's. Absent: none.
   */
  loading?: Uint8Array;
  /** Busy (non-idle) time in ms, counting at most capMs per sample. */
  busyMs: number;
  /** Longest time one sample stands for when counting CPU (longer gaps: thread not running). */
  capMs: number;
  /** Where the sampling interval changed (RawThread.samplingChanges): from time `from` on, `capMs` is this one. In time order. */
  laterCaps?: { from: number; capMs: number }[];
  /**
   * Where the thread's profile was paused (it waited in a hand-over to another program:
   * recorder/probe/handOver.ts): flat [from, to) pairs in report ms, in time order. No sample
   * stands for time inside one: a busy run that reaches one ends at its start.
   */
  holes?: number[];
}

export interface FrameClassifier {
  isUser(url: string): boolean;
  isProbe(url: string, functionName: string): boolean;
  /** A frame of the program's own code, by its position too (a bundle holds its dependencies: CodeClassifier); isUser of its URL without it. */
  isUserFrame?(f: { url: string; lineNumber: number; columnNumber: number }): boolean;
}

const STARTUP_FRAME = /^node:(internal\/(modules|bootstrap|worker|child_process|cluster)|child_process|worker_threads)/;
/**
 * A test runner's own module loader, which loads test files' requires instead of Node's: jest's
 * runtime resolves, transforms (babel-jest), caches and runs each module the tests require. Work
 * under it is module loading, as under Node's loader: a test file's `require('./work.js')` read
 * "blocked the event loop … in moduleRequire ← top-level code · hottest: writeFileSync
 * (write-file-atomic), … getCacheFilePath (jest-haste-map)" at the test file, with advice to
 * split the work or move it to a worker thread.
 */
const RUNNER_LOADER_FILE = /[\\/]node_modules[\\/]jest-runtime[\\/]/;
const RUNNER_LOADER_FUNCTION = /^(moduleRequire|requireDispatch|requireModuleOrMock|requireModule|requireModuleWithoutMock|requireActual|requireInternal\w*|_loadModule|_execModule|loadEsmModule|unstable_importModule|linkAndEvaluateModule)$/;
const isRunnerLoader = (f: { url: string; functionName: string }) => RUNNER_LOADER_FILE.test(f.url) && RUNNER_LOADER_FUNCTION.test(f.functionName);

/**
 * `functionEnd`: the last line of the function a frame starts on (its script's URL, its 1-based
 * line), when the instrumenter saw the file (transform.ts functionEnds); its sampled lines past
 * that are another script's, inlined (see hottestLine).
 */
export function sampleTimeline(profile: CpuProfile, startHrUs: number, classify: FrameClassifier, samplingChanges: readonly SamplingChange[] = [],
  functionEnd?: (url: string, line: number) => number | undefined): SampleTimeline {
  const { byId, parent } = profileIndex(profile);
  const isUserFrame = (f: CpuProfileNode['callFrame']) => (classify.isUserFrame ? classify.isUserFrame(f) : classify.isUser(f.url));
  const nodeKind = new Map<number, SampleKind>();
  const nodeFrame = new Map<number, UserFrame | undefined>();
  /** Nodes whose stack loads a module with no frame of the program's anywhere on it. */
  const nodeLoading = new Set<number>();
  const kindOf = (id: number): SampleKind => {
    let k = nodeKind.get(id);
    if (k) return k;
    const n = byId.get(id)!;
    const { functionName: fn, url } = n.callFrame;
    k = fn === '(idle)' ? 'idle' : fn === '(garbage collector)' ? 'gc' : fn === '(program)' || fn === '(root)' ? 'native'
      : inProbe(id) ? 'probe' : isUserFrame(n.callFrame) ? 'user' : url.includes('node_modules') || classify.isUser(url) ? 'library'
      : url.startsWith('node:') ? 'node' : url ? 'library' : 'native';
    nodeKind.set(id, k);
    return k;
  };
  /** The sample is the recorder's own work when its innermost JS frame is the probe's (its
   * load hook also sits under every module's top-level code: that work is the program's). */
  const inProbe = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (classify.isProbe(f.url, f.functionName)) return true;
      if (f.url) return false;
    }
    return false;
  };
  const hasUserFrame = (from: number | undefined): boolean => {
    for (let cur = from; cur !== undefined; cur = parent.get(cur)) if (isUserFrame(byId.get(cur)!.callFrame)) return true;
    return false;
  };
  const frameOf = (id: number): UserFrame | undefined => {
    if (nodeFrame.has(id)) return nodeFrame.get(id);
    let found: UserFrame | undefined;
    let below: CpuProfileNode | undefined;
    for (let cur: number | undefined = id; cur !== undefined; below = byId.get(cur), cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      // Loading modules (a require in user code, or Node's lazy loading of its own, or a test
      // runner's loader: RUNNER_LOADER_FILE), and starting workers or processes, is start-up work:
      // not CPU work of the user's code.
      if (STARTUP_FRAME.test(n.callFrame.url) || n.callFrame.functionName === 'compileForInternalLoader' || isRunnerLoader(n.callFrame)) {
        // Loading with no frame of the program's below it either: not a lazy load inside the
        // program's call (Node's perf_hooks on a first performance.now()), which is its task's.
        if (!hasUserFrame(parent.get(cur))) nodeLoading.add(id);
        break;
      }
      if (isUserFrame(n.callFrame)) {
        const isLeaf = cur === id;
        found = {
          url: n.callFrame.url,
          // The module wrapper (a nameless function at 0:0) is the file's top-level code.
          functionName: n.callFrame.functionName || (n.callFrame.lineNumber === 0 && n.callFrame.columnNumber === 0 ? 'top-level code' : '(anonymous)'),
          functionLine: n.callFrame.lineNumber + 1, functionColumn: n.callFrame.columnNumber + 1,
          line: isLeaf ? hottestLine(n, functionEnd?.(n.callFrame.url, n.callFrame.lineNumber + 1)) : n.callFrame.lineNumber + 1, isLeaf,
          callee: isLeaf ? undefined : below?.callFrame.functionName || '(native code)',
        };
        break;
      }
    }
    nodeFrame.set(id, found);
    return found;
  };
  /**
   * The recorder's interrupts (a script it evaluated, nameless at no URL, calling into the probe:
   * a CPU profile chunk rotation, a flush) are charged to the code they interrupted, whose thread
   * stayed busy throughout (a block must not look split in two), and marked as `overhead`. An
   * interrupt of an idle thread (nothing below the script) stays the probe's.
   */
  const interrupted = new Map<number, number>();
  const effective = (id: number): number => {
    let e = interrupted.get(id);
    if (e !== undefined) return e;
    e = id;
    let cur: number | undefined = id;
    while (cur !== undefined && classify.isProbe(byId.get(cur)!.callFrame.url, byId.get(cur)!.callFrame.functionName)) cur = parent.get(cur);
    if (cur !== undefined && cur !== id) {
      const script = byId.get(cur)!.callFrame;
      const below = parent.get(cur);
      if (script.url === '' && script.functionName === '' && below !== undefined && byId.get(below)!.callFrame.functionName !== '(root)') e = below;
      // The probe's runtime called by instrumented user code (an await's bookkeeping) is part
      // of the user's work: a block must not look split where a sample landed in it.
      else if (classify.isUser(script.url)) e = cur;
    }
    interrupted.set(id, e);
    return e;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const time = new Float64Array(samples.length);
  const kind: SampleKind[] = new Array(samples.length);
  const frame: (UserFrame | undefined)[] = new Array(samples.length);
  let overhead: Uint8Array | undefined;
  let loading: Uint8Array | undefined;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    time[i] = (t - startHrUs) / 1000;
    const id = effective(samples[i]);
    if (id !== samples[i]) (overhead ??= new Uint8Array(samples.length))[i] = 1;
    kind[i] = kindOf(id);
    frame[i] = kind[i] === 'idle' || kind[i] === 'probe' ? undefined : frameOf(id);
    if (frame[i] === undefined && nodeLoading.has(id)) (loading ??= new Uint8Array(samples.length))[i] = 1;
  }
  const end = (profile.endTime - startHrUs) / 1000;
  // A running thread is sampled every interval (1–1.3 ms at 1 ms); a longer gap means it was
  // not running (descheduled on a busy machine): not CPU time. Cap each sample at 1.5 intervals,
  // the interval of each stretch sampled at one rate (the recorder may make it coarser mid-run).
  const changes = samplingChanges.map((c) => (c.fromHrUs - startHrUs) / 1000);
  const segment = (from: number, to: number) => {
    const typical = medianDelta(deltas.slice(Math.max(1, from), to)) / 1000 || 1;
    return Math.max(1.5, typical * 1.5);
  };
  const bounds = [0, ...changes.map((t) => firstAtOrAfter(time, t)), samples.length];
  const capMs = segment(0, bounds[1]);
  const laterCaps = changes.map((from, k) => ({ from, capMs: segment(bounds[k + 1], bounds[k + 2]) }));
  const timeline: SampleTimeline = { time, end, kind, frame, ...(overhead ? { overhead } : {}), ...(loading ? { loading } : {}), busyMs: 0, capMs, ...(laterCaps.length ? { laterCaps } : {}) };
  for (let i = 0; i < samples.length; i++) if (isBusy(kind[i])) timeline.busyMs += sampleCpu(timeline, i);
  return timeline;
}

/**
 * The line of the function where most samples landed. V8 charges a call's entry to the
 * function's first line, so a small recursive function splits its ticks between the header
 * and the body: a body line with a quarter of the header's ticks or more is the better answer.
 * V8 gives a function the lines of what it inlined from other scripts (Node's `performance.now()`
 * inlined into a loop's function: line 139 of a 31-line file); with the function's last line
 * known (`end`), lines outside it are left out.
 */
function hottestLine(n: CpuProfileNode, end?: number): number {
  const header = n.callFrame.lineNumber + 1;
  const own = (line: number) => end === undefined || (line >= header && line <= end);
  const ticks = (n.positionTicks ?? []).filter((p) => own(p.line)).sort((a, b) => b.ticks - a.ticks);
  if (ticks.length === 0) return header;
  const body = ticks.find((p) => p.line !== header);
  if (ticks[0].line === header && body && body.ticks * 4 >= ticks[0].ticks) return body.line;
  return ticks[0].line;
}

/** CPU time sample i stands for: its duration, capped (see capMs). */
export function sampleCpu(s: SampleTimeline, i: number): number {
  return Math.min(capAt(s, i), sampleDuration(s, i));
}

/**
 * The cap (see capMs) for sample i: that of the sampling interval in effect when it ends (the
 * next sample was taken at that interval: the last sample before a change lasts a new interval).
 */
export function capAt(s: SampleTimeline, i: number): number {
  if (!s.laterCaps) return s.capMs;
  const endsAt = i + 1 < s.time.length ? s.time[i + 1] : s.end;
  let cap = s.capMs;
  for (const c of s.laterCaps) { if (endsAt >= c.from) cap = c.capMs; else break; }
  return cap;
}

/** The median of deltas (µs; the first is from the profile's start, not a sampling interval). */
function medianDelta(deltas: number[]): number {
  const sorted = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 1000;
}

/** Index of the first of the sorted times at or after t (times.length if none). */
export function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Duration of sample i. */
export function sampleDuration(s: SampleTimeline, i: number): number {
  return Math.max(0, (i + 1 < s.time.length ? s.time[i + 1] : s.end) - s.time[i]);
}

export function isBusy(k: SampleKind): boolean {
  return k !== 'idle' && k !== 'probe';
}
