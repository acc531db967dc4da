/**
 * What a code lens title is made from: the finding's figures as every surface states them
 * (analyzer/findingFigures.ts), how many awaits it relates, and its message. Built by the
 * extension (extension/core/findingText.ts); declared here so the registry imports nothing.
 */
export interface LensInput {
  /** What repeated, in words: "20 iterations", "3×". */
  repeated: string;
  /** "2.9 s" */
  total: string;
  /** "~2.8 s", or undefined when no saving is estimated. */
  saving?: string;
  /** How many other awaits the finding relates (sequential-awaits), 0 or undefined if none. */
  related?: number;
  /** sequential-awaits of chains: how many (Finding.chains). */
  chains?: number;
  message: string;
}

interface FindingKindInfo {
  /** The short name (timeline markers, findings list, details). */
  label: string;
  /** The sentence-like name (editor hovers, quick picks). */
  title: string;
  /**
   * The line shown above the offending source line (code lens; icons are codicons, which every
   * VS Code font renders). `awaitCount`: for sequential-awaits without `related`, how many
   * adjacent awaits the source has.
   */
  lens(f: LensInput, awaitCount?: number): string;
  /** The finding means the event loop was blocked (verdict.ts: `loop blocked` when one is on a main lane). */
  blocksLoop: boolean;
  /** Independent waits ran one after another: the timeline ghosts how long they would take together (Promise.all). */
  serialWaits: boolean;
  /**
   * What the finding means and what usually fixes it, plain text of a few sentences (SARIF rules'
   * full description and help, `--help`): states the kind, never one run's figures.
   */
  help: string;
}

const saves = (f: LensInput) => (f.saving ? ` · would save ${f.saving}` : '');

/**
 * The registry of finding kinds: one row per kind, the only place its words live; FindingKind
 * (report.ts) is its keys. Adding a kind: a row here, its detector in findings/detectors.ts
 * (the compiler asks for it), its file in findings/, a golden recording (golden.test.ts asks for it).
 */
export const FINDING_KIND_INFO = {
  'blocking-cpu': {
    help: 'JavaScript ran on the event loop without a break for longer than the blocking threshold (default 20 ms): timers, I/O callbacks and requests waited behind it. Move the work off the loop (a worker thread or a worker pool such as piscina), split it into chunks that yield (setImmediate), or make it cheaper.',
    blocksLoop: true, serialWaits: false,
    label: 'Blocked event loop', title: 'Event loop blocked by CPU work',
    lens: (f) => `$(watch) blocked the event loop ${f.repeated} · ${f.total} total`,
  },
  'sync-io': {
    help: 'A synchronous call (fs.*Sync, child_process.*Sync, zlib or crypto *Sync) held the event loop until it returned. Use the asynchronous form (fs.promises, child_process.execFile, zlib or crypto with a callback), which lets the loop serve other work meanwhile; synchronous calls are fine only at start-up.',
    blocksLoop: true, serialWaits: false,
    label: 'Synchronous call', title: 'Synchronous call (I/O or CPU) on the event loop',
    // crypto's and zlib's *Sync calls compute rather than wait (findings/syncIo.ts says which in the message).
    lens: (f) => `$(watch) synchronous ${/ran CPU work/.test(f.message) ? 'CPU work' : 'I/O'} blocked the event loop ${f.repeated} · ${f.total} total`,
  },
  'sequential-awaits': {
    help: 'Awaits that do not depend on each other ran one after another, so their waits added up. Start them together (Promise.all, or Promise.allSettled when one may fail) so the waits overlap.',
    blocksLoop: false, serialWaits: true,
    label: 'Sequential awaits', title: 'Independent awaits ran in sequence',
    lens: (f, awaitCount) => {
      const count = f.related ? f.related + 1 : awaitCount;
      const save = f.saving ? ` · Promise.all would save ${f.saving}` : '';
      if (f.chains) return `$(list-ordered) ${f.chains} independent chains of awaits ran in sequence${save}`;
      return `$(list-ordered) ${count ?? 'several'} independent awaits ran in sequence${save}`;
    },
  },
  'await-in-loop': {
    help: "An await inside a loop made each iteration wait for the previous one although no iteration needs an earlier one's result. Start the iterations together (Promise.all over the items) or with a concurrency limit (p-limit, p-map) for long lists.",
    blocksLoop: false, serialWaits: true,
    label: 'Await in loop', title: 'Await in a loop',
    lens: (f) => `$(sync) await in a loop: ${f.repeated} ran one after another${saves(f)}`,
  },
  'fake-concurrency': {
    help: 'Promise.all (or race, allSettled, any) over work that never waited: the async functions did their work synchronously on the CPU while the promises were created, so nothing overlapped. Promises do not make CPU work concurrent; move it to worker threads (a pool such as piscina), or make each task await real I/O.',
    blocksLoop: false, serialWaits: false,
    label: 'Fake concurrency', title: 'Concurrency that did not overlap',
    lens: (f) => `$(warning) looks concurrent but ran one at a time · ${f.total}${saves(f)}`,
  },
  'threadpool-saturation': {
    help: 'The libuv thread pool (fs, crypto, zlib, dns.lookup) had more requests than threads, so requests queued. Raise UV_THREADPOOL_SIZE before the first use of the pool, issue fewer requests at once (a concurrency limit), or use APIs that do not use the pool.',
    blocksLoop: false, serialWaits: false,
    label: 'Thread pool saturated', title: 'libuv threadpool saturated',
    lens: (f) => `$(server-process) libuv threadpool saturated · work queued ${f.total}`,
  },
  'pool-oversubscribed': {
    help: 'More worker threads or processes ran CPU work at once than the machine has cores, so they took turns on the CPU and each task took longer. Size the pool to the cores (os.availableParallelism()), or queue the work.',
    blocksLoop: false, serialWaits: false,
    label: 'Pool oversubscribed', title: 'Worker pool larger than the cores',
    lens: (f) => `$(server-process) more workers than cores · ${f.total} contended`,
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
