import { formatMs } from './format';

/** What a code lens title is made from (a Finding has all of it). */
export interface LensInput {
  occurrences: number;
  totalMs: number;
  estimatedSavingsMs?: number;
  related?: unknown[];
}

interface FindingKindInfo {
  /** The short name (timeline markers, findings list, details). */
  label: string;
  /** The sentence-like name (editor hovers, quick picks). */
  title: string;
  /**
   * The line shown above the offending source line (code lens).
   * `awaitCount`: for sequential-awaits without `related`, how many adjacent awaits the source has.
   */
  lens(f: LensInput, awaitCount?: number): string;
  /** The finding means the event loop was blocked (verdict.ts: `loop blocked` when one is on a main lane). */
  blocksLoop: boolean;
  /** Independent waits ran one after another: the timeline ghosts how long they would take together (Promise.all). */
  serialWaits: boolean;
}

const times = (n: number) => `${n}×`;
const saves = (f: LensInput) => (f.estimatedSavingsMs ? ` · would save ~${formatMs(f.estimatedSavingsMs)}` : '');

/**
 * The registry of finding kinds: one row per kind, the only place its words live; FindingKind
 * (report.ts) is its keys. Adding a kind: a row here, its detector in findings/detectors.ts
 * (the compiler asks for it), its file in findings/, a golden recording (golden.test.ts asks for it).
 */
export const FINDING_KIND_INFO = {
  'blocking-cpu': {
    blocksLoop: true, serialWaits: false,
    label: 'Blocked event loop', title: 'Event loop blocked by CPU work',
    lens: (f) => `⏱ blocked the event loop ${times(f.occurrences)} · ${formatMs(f.totalMs)} total`,
  },
  'sync-io': {
    blocksLoop: true, serialWaits: false,
    label: 'Synchronous I/O', title: 'Synchronous I/O on the event loop',
    lens: (f) => `⏱ synchronous I/O blocked the event loop ${times(f.occurrences)} · ${formatMs(f.totalMs)} total`,
  },
  'sequential-awaits': {
    blocksLoop: false, serialWaits: true,
    label: 'Sequential awaits', title: 'Independent awaits ran in sequence',
    lens: (f, awaitCount) => {
      const count = f.related?.length ? f.related.length + 1 : awaitCount;
      const save = f.estimatedSavingsMs ? ` · Promise.all would save ~${formatMs(f.estimatedSavingsMs)}` : '';
      return `⇉ ${count ?? 'several'} independent awaits ran in sequence${save}`;
    },
  },
  'await-in-loop': {
    blocksLoop: false, serialWaits: true,
    label: 'Await in loop', title: 'Await in a loop',
    lens: (f) => `⟳ await in a loop ran ${times(f.occurrences)} one after another${saves(f)}`,
  },
  'fake-concurrency': {
    blocksLoop: false, serialWaits: false,
    label: 'Fake concurrency', title: 'Concurrency that did not overlap',
    lens: (f) => `⚠ looks concurrent but ran one at a time · ${formatMs(f.totalMs)}${saves(f)}`,
  },
  'threadpool-saturation': {
    blocksLoop: false, serialWaits: false,
    label: 'Thread pool saturated', title: 'libuv threadpool saturated',
    lens: (f) => `⧗ libuv threadpool saturated · work queued ${formatMs(f.totalMs)}`,
  },
  'pool-oversubscribed': {
    blocksLoop: false, serialWaits: false,
    label: 'Pool oversubscribed', title: 'Worker pool larger than the cores',
    lens: (f) => `⧗ more workers than cores · ${formatMs(f.totalMs)} contended`,
  },
} as const satisfies Record<string, FindingKindInfo>;

export type FindingKind = keyof typeof FINDING_KIND_INFO;

/** Every finding kind, in the registry's order. */
export const FINDING_KINDS = Object.keys(FINDING_KIND_INFO) as FindingKind[];

export function isFindingKind(k: string): k is FindingKind {
  return Object.prototype.hasOwnProperty.call(FINDING_KIND_INFO, k);
}

/** The registry row of a kind, or undefined for a kind this build does not know (a newer report). */
export function findingKindInfo(kind: string): FindingKindInfo | undefined {
  return isFindingKind(kind) ? FINDING_KIND_INFO[kind] : undefined;
}
