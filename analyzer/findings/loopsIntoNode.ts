import type { CpuProfile } from '../raw';
import type { SampleTimeline } from '../cpuSamples';
import { profileIndex } from '../profileIndex';

/** A function of Node's seen this many times in one stretch is being called again and again. */
const REPEATED = 3;

/** Module loading and compiling: cold by nature, however often a stretch's samples land there. */
const LOADING = /^node:internal\/(modules|bootstrap)\//;

/**
 * Whether a stretch whose samples are mostly inside Node's own code (`node:` modules, natives) is
 * a loop calling into Node rather than Node's code run cold. The two look alike by share: a first
 * `http.get()` compiles and runs Node's HTTP code once, a loop over `performance.now()` or
 * `crypto.createHash()` spends most of its CPU there too. They differ in how the samples spread:
 * cold code passes through many functions, each caught once or twice (a cluster worker's first
 * request: 12 samples in 11 functions); a loop comes back to the same few (`now` 24 of 27;
 * crypto's `Hash` and `digest` 20 of 28). True when functions caught at least REPEATED times hold
 * half of those samples or more. Samples [from, to] of `samples`, whose indices are the profile's.
 * Pure.
 */
export function loopsIntoNode(profile: CpuProfile, samples: SampleTimeline, from: number, to: number): boolean {
  const { byId } = profileIndex(profile);
  const ids = profile.samples ?? [];
  const counts = new Map<string, number>();
  let inNode = 0;
  for (let i = from; i <= to; i++) {
    const kind = samples.kind[i];
    if (kind !== 'node' && kind !== 'native') continue;
    inNode++;
    const frame = byId.get(ids[i])?.callFrame;
    if (!frame || LOADING.test(frame.url) || frame.functionName === 'compileForInternalLoader' || frame.functionName === '(program)') continue;
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let repeated = 0;
  for (const n of counts.values()) if (n >= REPEATED) repeated += n;
  return inNode > 0 && repeated >= inNode / 2;
}
