import type { Report } from './report';

/**
 * A lane's V8 CPU profile as a `.cpuprofile` file (the JSON VS Code's profile viewer, Chrome
 * DevTools and speedscope open). Pure: LaneProfile in, plain object out. The raw CDP
 * profile is normalized so every consumer accepts it: each node has a complete callFrame,
 * `children` (rebuilt from `parent` links when missing) and `hitCount` (counted from the
 * samples when missing); `samples` and `timeDeltas` have equal length.
 */
/** A recorded thread's raw V8 `Profiler.Profile` (CDP), timestamps in µs on CLOCK_MONOTONIC. */
export interface ThreadProfile {
  pid: number;
  tid: number;
  profile: { nodes: unknown[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };
}

/** Raw CPU profiles of a finished run, for `.cpuprofile` export (one per lane). */
export interface LaneProfile {
  laneId: string;
  label: string;
  /** A V8 `Profiler.Profile` as returned by CDP `Profiler.stop`, timestamps in µs on CLOCK_MONOTONIC. */
  profile: ThreadProfile['profile'];
}

/** The threads' CPU profiles named after the report's lanes, in lane order (lanes without a profile are left out). */
export function laneProfiles(report: Pick<Report, 'lanes'>, profiles: ThreadProfile[]): LaneProfile[] {
  const byThread = new Map(profiles.map((p) => [`${p.pid}-${p.tid}`, p.profile]));
  const out: LaneProfile[] = [];
  for (const lane of report.lanes) {
    const profile = byThread.get(`${lane.pid}-${lane.threadId}`);
    if (profile) out.push({ laneId: lane.id, label: lane.label, profile });
  }
  return out;
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  hitCount: number;
  children: number[];
  positionTicks?: { line: number; ticks: number }[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function exportCpuProfile(lane: LaneProfile): CpuProfile {
  const p = lane.profile;
  const raw = (Array.isArray(p.nodes) ? p.nodes : []) as Record<string, any>[];
  const samples = Array.isArray(p.samples) ? [...p.samples] : [];
  let timeDeltas = Array.isArray(p.timeDeltas) ? [...p.timeDeltas] : [];
  if (timeDeltas.length !== samples.length) {
    // Spread the samples evenly if the deltas are missing or do not match.
    const step = samples.length ? Math.max(0, (p.endTime - p.startTime) / samples.length) : 0;
    timeDeltas = samples.map(() => step);
  }
  timeDeltas = timeDeltas.map((d) => (Number.isFinite(d) && d > 0 ? d : 0));

  const hits = new Map<number, number>();
  for (const s of samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const children = new Map<number, number[]>();
  for (const n of raw) {
    if (typeof n.parent === 'number') {
      if (!children.has(n.parent)) children.set(n.parent, []);
      children.get(n.parent)!.push(n.id);
    }
  }
  const nodes: CpuProfileNode[] = raw.map((n) => {
    const cf = (n.callFrame ?? {}) as Record<string, unknown>;
    const node: CpuProfileNode = {
      id: Number(n.id),
      callFrame: {
        functionName: typeof cf.functionName === 'string' ? cf.functionName : '',
        scriptId: cf.scriptId != null ? String(cf.scriptId) : '0',
        url: typeof cf.url === 'string' ? cf.url : '',
        lineNumber: typeof cf.lineNumber === 'number' ? cf.lineNumber : -1,
        columnNumber: typeof cf.columnNumber === 'number' ? cf.columnNumber : -1,
      },
      hitCount: typeof n.hitCount === 'number' ? n.hitCount : hits.get(Number(n.id)) ?? 0,
      children: Array.isArray(n.children) ? n.children.map(Number) : children.get(Number(n.id)) ?? [],
    };
    if (Array.isArray(n.positionTicks)) node.positionTicks = n.positionTicks;
    return node;
  });
  return { nodes, startTime: p.startTime, endTime: Math.max(p.startTime, p.endTime), samples, timeDeltas };
}

/**
 * File names for writing several lanes' profiles from one `--cpuprofile FILE`: the main
 * lane (the first) gets FILE itself, the others FILE with `.<lane label>` before the
 * extension (sanitized: letters, digits, '-' and '_' only).
 */
export function cpuProfileFileNames(file: string, lanes: Pick<LaneProfile, 'laneId' | 'label'>[]): string[] {
  const m = /^(.*?)(\.cpuprofile)?$/i.exec(file)!;
  const stem = m[1], ext = m[2] ?? '.cpuprofile';
  const used = new Set<string>();
  return lanes.map((l, i) => {
    if (i === 0) { used.add(file); return file; }
    const tag = (l.label || l.laneId).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || `lane${i}`;
    let name = `${stem}.${tag}${ext}`;
    for (let k = 2; used.has(name); k++) name = `${stem}.${tag}-${k}${ext}`;
    used.add(name);
    return name;
  });
}
