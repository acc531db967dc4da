import type { RawRun, RawAggregates, SiteKind } from './raw';
import type { Lane, Finding, SourceLocation } from './report';
import type { ThreadModel, ThreadSite } from './threadModel';
import type { SampleTimeline } from './cpuSamples';
import type { SourceMapper } from './sourceMapper';
import type { PoolTimeline } from './threadpool';
import type { CodeClassifier } from './codeClassifier';

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
  /** Whose code each script URL is (the program's, a dependency's, the recorder's): one answer for every finding. */
  classify: CodeClassifier;
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

/**
 * The per-site walk of the findings: for each thread with aggregates, in lane order, its sites
 * of the given kinds in table order (each with the thread's aggregates).
 */
export function* sitesByThread(ctx: AnalysisContext, kinds: readonly SiteKind[]): Generator<{ thread: ThreadLane; agg: RawAggregates; sites: ThreadSite[] }> {
  for (const thread of ctx.threads) {
    const agg = thread.model.agg;
    if (!agg) continue;
    yield { thread, agg, sites: [...thread.model.sites.values()].filter((s) => kinds.includes(s.kind)) };
  }
}

export function shortFile(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.slice(-2).join('/');
}
