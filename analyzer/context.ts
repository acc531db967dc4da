import type { RawRun } from './raw';
import type { Lane, Finding, SourceLocation } from './report';
import type { ThreadModel, ThreadSite } from './threadModel';
import type { SampleTimeline } from './cpuSamples';
import type { SourceMapper } from './sourceMapper';
import type { PoolTimeline } from './threadpool';

/** One recorded thread with everything the findings need. */
export interface ThreadLane {
  lane: Lane;
  model: ThreadModel;
  samples?: SampleTimeline;
}

/**
 * The recording with the analysis options it is read with (analyze.ts AnalysisOptions). The
 * options are not part of the raw recording (the recorder never sees them); they ride on
 * ctx.run so that findings read `ctx.run.blockingThresholdMs` as before.
 */
export type AnalyzedRun = RawRun & { blockingThresholdMs: number };

export interface AnalysisContext {
  run: AnalyzedRun;
  threads: ThreadLane[];
  mapper: SourceMapper;
  cores: number;
  wallMs: number;
  /** Thread-pool occupancy per process (see threadpool.ts). */
  pools: Map<number, PoolTimeline>;
}

export function siteLocation(ctx: AnalysisContext, site: { file: string; line: number; column: number }): SourceLocation {
  return ctx.mapper.locate(site.file, site.line, site.column);
}

/** Timing of a site is sampled: scale sampled totals by count / sampled. */
export function sampleScale(t: ThreadModel, site: ThreadSite | undefined): number {
  if (!site || !t.agg) return 1;
  const count = t.agg.site.count[site.gid] ?? 0;
  const sampled = t.agg.site.sampled[site.gid] ?? 0;
  return sampled > 0 ? count / sampled : 1;
}

export type FindingDraft = Omit<Finding, 'id'>;

export function shortFile(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.slice(-2).join('/');
}
