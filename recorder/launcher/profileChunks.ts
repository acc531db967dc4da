import type { CpuProfile, CpuProfileNode } from '../../analyzer/raw';

/**
 * Joins the chunks a thread's CPU profile was streamed in (see recorder/launcher/threadRecorder)
 * into one profile: the same call tree and sample timeline as if it had been recorded in one
 * piece. Nodes are matched by their path of call frames from the root (node ids are per chunk);
 * chunks overlap by a few microseconds at each seam, so a sample that two chunks both hold
 * (same timestamp) is kept once. Chunks may come in any order. Pure.
 */
export function joinProfileChunks(chunks: readonly CpuProfile[]): CpuProfile | undefined {
  if (chunks.length === 0) return undefined;
  if (chunks.length === 1) return chunks[0];
  const ordered = [...chunks].sort((a, b) => a.startTime - b.startTime);
  const join = new ChunkJoin(ordered[0]);
  for (const chunk of ordered.slice(1)) join.fold(chunk);
  return join.profile();
}

/**
 * A thread's chunks joined as they arrive (ProfileCollector), so that little is left to join
 * after the program's exit: the same profile as joinProfileChunks of them all. Chunks come in
 * order of their start; one that does not (it started before one already folded) makes the
 * join fall back to joinProfileChunks at the end.
 */
export class IncrementalJoin {
  private readonly chunks: CpuProfile[] = [];
  private join: ChunkJoin | undefined;
  private inOrder = true;

  add(chunk: CpuProfile): void {
    const last = this.chunks[this.chunks.length - 1];
    this.chunks.push(chunk);
    if (!this.inOrder || !last) return;
    if (chunk.startTime < last.startTime) { this.inOrder = false; this.join = undefined; return; }
    // Folded from the second chunk on: one chunk is its own profile.
    (this.join ??= new ChunkJoin(last)).fold(chunk);
  }

  /** The joined profile (undefined: no chunk came). */
  profile(): CpuProfile | undefined {
    return this.join ? this.join.profile() : joinProfileChunks(this.chunks);
  }
}

/** Chunks folded one by one, in order of their start, into one tree and one timeline: the first as it is made. */
class ChunkJoin {
  private readonly nodes: CpuProfileNode[] = [];
  /** Joined nodes by their parent's joined id and their call frame (the parent's id stands for its whole path). */
  private readonly byKey = new Map<string, CpuProfileNode>();
  private readonly samples: number[] = [];
  private readonly timeDeltas: number[] = [];
  private readonly startTime: number;
  private last: number;
  private endTime: number;

  constructor(first: CpuProfile) {
    this.startTime = first.startTime;
    this.last = first.startTime;
    this.endTime = first.endTime;
    this.fold(first);
  }

  fold(chunk: CpuProfile): void {
    const { nodes, byKey, samples, timeDeltas } = this;
    // The recorder may import only types from the analyzer (scripts/layers.test.mjs): its own
    // index of the chunk (analyzer/profileIndex.ts builds the same for the analysis).
    const local = new Map<number, CpuProfileNode>();
    const parentOf = new Map<number, number>();
    for (const n of chunk.nodes) { local.set(n.id, n); for (const c of n.children ?? []) parentOf.set(c, n.id); }
    const mapped = new Map<number, number>();
    const map = (id: number): number => {
      const done = mapped.get(id);
      if (done !== undefined) return done;
      const n = local.get(id)!;
      const parentId = parentOf.get(id);
      const parent = parentId === undefined ? undefined : nodes[map(parentId) - 1];
      const f = n.callFrame;
      const key = `${parent ? parent.id : 0}\n${f.functionName}|${f.scriptId}|${f.url}|${f.lineNumber}|${f.columnNumber}`;
      let joined = byKey.get(key);
      if (!joined) {
        joined = { id: nodes.length + 1, callFrame: f, hitCount: 0, children: [] };
        nodes.push(joined);
        byKey.set(key, joined);
        parent?.children!.push(joined.id);
      }
      joined.hitCount! += n.hitCount ?? 0;
      for (const p of n.positionTicks ?? []) {
        const ticks = (joined.positionTicks ??= []);
        const same = ticks.find((x) => x.line === p.line);
        if (same) same.ticks += p.ticks; else ticks.push({ ...p });
      }
      mapped.set(id, joined.id);
      return joined.id;
    };
    for (const n of chunk.nodes) map(n.id);
    let t = chunk.startTime;
    const s = chunk.samples ?? [];
    const d = chunk.timeDeltas ?? [];
    for (let i = 0; i < s.length; i++) {
      t += d[i] ?? 0;
      if (t <= this.last && samples.length > 0) continue; // already in the previous chunk
      samples.push(map(s[i]));
      timeDeltas.push(t - this.last);
      this.last = t;
    }
    this.endTime = Math.max(this.endTime, chunk.endTime);
  }

  profile(): CpuProfile {
    // The first delta counts from the profile's start, like V8's.
    return { nodes: this.nodes, startTime: this.startTime, endTime: this.endTime, samples: this.samples, timeDeltas: this.timeDeltas };
  }
}
