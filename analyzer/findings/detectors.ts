import type { AnalysisContext, FindingDraft } from '../context';
import type { FindingKind } from '../findingKinds';
import { blockingCpu } from './blockingCpu';
import { syncIo } from './syncIo';
import { sequentialAwaits } from './sequentialAwaits';
import { awaitInLoop } from './awaitInLoop';
import { fakeConcurrency } from './fakeConcurrency';
import { threadpoolSaturation } from './threadpoolSaturation';
import { poolOversubscribed } from './poolOversubscribed';

/** CPU occupancy in 10 ms buckets (parallelism.ts), per lane, computed once for the detectors that need it. */
export interface CpuBuckets {
  /** Threads' runnable time (on CPU or waiting for one), one array per thread lane. */
  runnable: Float32Array[];
  /** Time on CPU: thread lanes, then other processes' lanes. */
  onCpu: Float32Array[];
}

/** Finds the findings of one kind in a run. */
export type Detector = (ctx: AnalysisContext, cpu: CpuBuckets) => FindingDraft[];

/**
 * One detector per finding kind (the compiler checks that every kind of findingKinds.ts has
 * one). analyze() runs them in this order, the registry's.
 */
export const DETECTORS: Record<FindingKind, Detector> = {
  'blocking-cpu': (ctx) => blockingCpu(ctx),
  'sync-io': (ctx) => syncIo(ctx),
  'sequential-awaits': (ctx) => sequentialAwaits(ctx),
  'await-in-loop': (ctx) => awaitInLoop(ctx),
  'fake-concurrency': (ctx) => fakeConcurrency(ctx),
  'threadpool-saturation': (ctx) => threadpoolSaturation(ctx),
  'pool-oversubscribed': (ctx, cpu) => poolOversubscribed(ctx, cpu.runnable, cpu.onCpu),
};
