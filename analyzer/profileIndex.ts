import type { CpuProfile, CpuProfileNode } from './raw';

/** A CPU profile's nodes by id and each node's parent id (the root has none). */
export interface ProfileIndex {
  byId: Map<number, CpuProfileNode>;
  parent: Map<number, number>;
}

const indexes = new WeakMap<CpuProfile, ProfileIndex>();

/**
 * The index of a profile, built once per profile object: the sample timeline and every blocking
 * stretch's library attribution walk the same call tree (tens of thousands of nodes in a test
 * runner's process). The profile must not change afterwards (the analysis never changes one).
 */
export function profileIndex(profile: CpuProfile): ProfileIndex {
  let index = indexes.get(profile);
  if (!index) {
    const byId = new Map<number, CpuProfileNode>();
    const parent = new Map<number, number>();
    for (const n of profile.nodes) { byId.set(n.id, n); for (const c of n.children ?? []) parent.set(c, n.id); }
    indexes.set(profile, index = { byId, parent });
  }
  return index;
}
