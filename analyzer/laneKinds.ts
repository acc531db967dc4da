/**
 * The registry of lane kinds: one row per kind; LaneKind (report.ts) is its keys.
 * `label`: the lane's name on the timeline and in the CLI summary, from its ids and script name.
 */
export const LANE_KIND_INFO = {
  /** The process that runs the user's code (not a launcher in front of it). */
  main: { label: (ids: LaneIds, name: string) => `main ${ids.pid} · ${name}` },
  /** A worker thread of a node process. */
  worker: { label: (ids: LaneIds, name: string) => `worker ${ids.threadId} · ${name}` },
  /** Any other process: a child node process, a launcher, a process with no probe (external). */
  process: { label: (ids: LaneIds, name: string) => `process ${ids.pid} · ${name}` },
} as const satisfies Record<string, { label(ids: LaneIds, name: string): string }>;

export interface LaneIds { pid: number; threadId: number }

export type LaneKind = keyof typeof LANE_KIND_INFO;

/** Every lane kind, in the registry's order. */
export const LANE_KINDS = Object.keys(LANE_KIND_INFO) as LaneKind[];
