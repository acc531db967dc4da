import type { CpuProfile, CpuProfileNode } from './raw';

/** A CPU profile's nodes by id and each node's parent id (the root has none). */
export interface ProfileIndex {
  byId: Map<number, CpuProfileNode>;
  parent: Map<number, number>;
}

const indexes = new WeakMap<CpuProfile, ProfileIndex>();

/** Indexes a profile's nodes, keeping nothing (a profile chunk about to be joined: recorder/launcher/profileChunks.ts). */
export function indexNodes(nodes: readonly CpuProfileNode[]): ProfileIndex {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const n of nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id); }
  return { byId, parent };
}

/**
 * The index of a profile, built once per profile object: the sample timeline and every blocking
 * stretch's library attribution walk the same call tree (tens of thousands of nodes in a test
 * runner's process). The profile must not change afterwards (the analysis never changes one).
 */
export function profileIndex(profile: CpuProfile): ProfileIndex {
  let index = indexes.get(profile);
  if (!index) indexes.set(profile, index = indexNodes(profile.nodes));
  return index;
}
