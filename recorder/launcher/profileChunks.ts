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
  const nodes: CpuProfileNode[] = [];
  /** Joined nodes by their parent's joined id and their call frame (the parent's id stands for its whole path). */
  const byKey = new Map<string, CpuProfileNode>();
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let last = ordered[0].startTime;
  let endTime = ordered[0].endTime;
  for (const chunk of ordered) {
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
      if (t <= last && samples.length > 0) continue; // already in the previous chunk
      samples.push(map(s[i]));
      timeDeltas.push(t - last);
      last = t;
    }
    endTime = Math.max(endTime, chunk.endTime);
  }
  // The first delta counts from the profile's start, like V8's.
  return { nodes, startTime: ordered[0].startTime, endTime, samples, timeDeltas };
}
