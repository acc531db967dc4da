import type { FindingKind } from './report';

/**
 * The registry of finding kinds: one row per kind, the only place its words live.
 * `label`: the short name (timeline markers, findings list, details); `title`: the sentence-like
 * name (editor hovers, quick picks). A new kind in report.ts fails to compile until it has a row.
 */
export const FINDING_KIND_INFO = {
  'blocking-cpu': { label: 'Blocked event loop', title: 'Event loop blocked by CPU work' },
  'sync-io': { label: 'Synchronous call', title: 'Synchronous call (I/O or CPU) on the event loop' },
  'sequential-awaits': { label: 'Sequential awaits', title: 'Independent awaits ran in sequence' },
  'await-in-loop': { label: 'Await in loop', title: 'Await in a loop' },
  'fake-concurrency': { label: 'Fake concurrency', title: 'Concurrency that did not overlap' },
  'threadpool-saturation': { label: 'Thread pool saturated', title: 'libuv threadpool saturated' },
  'pool-oversubscribed': { label: 'Pool oversubscribed', title: 'Worker pool larger than the cores' },
} as const satisfies Record<FindingKind, { label: string; title: string }>;

/** Every finding kind, in the registry's order. */
export const FINDING_KINDS = Object.keys(FINDING_KIND_INFO) as FindingKind[];

export function isFindingKind(k: string): k is FindingKind {
  return Object.prototype.hasOwnProperty.call(FINDING_KIND_INFO, k);
}
