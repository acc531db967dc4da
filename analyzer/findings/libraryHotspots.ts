import type { CpuProfile, CpuProfileNode } from '../raw';
import type { SampleTimeline } from '../cpuSamples';
import { isBusy } from '../cpuSamples';
import { profileIndex } from '../profileIndex';
import type { CodeClassifier as FullClassifier } from '../codeClassifier';

/** A dependency's function that was on CPU (innermost frame of a dependency in the samples). */
export interface LibraryFunction {
  name: string;
  /** npm package the file belongs to ("typescript", "@babel/core"), or the file's base name. */
  pkg: string;
  url: string;
  /** 1-based line of the function. */
  line: number;
  samples: number;
}

/** Where the busy samples of a stretch that had no user code on the stack went. */
export interface LibraryHotspots {
  busy: number;
  /** Samples inside a dependency's functions (the innermost dependency frame of each). */
  inLibrary: number;
  /** Samples loading modules (compiling, running module wrappers under require/import). */
  loadingModules: number;
  /** Hottest dependency functions first. */
  functions: LibraryFunction[];
  /** Samples per package, hottest first. */
  packages: { pkg: string; samples: number }[];
}

const LOADER = /^node:internal\/modules\//;

type Attribution = CpuProfileNode | 'loading' | undefined;

/** Which script URLs are a dependency's, and which the program's own (AnalysisContext.classify's answers). */
export type CodeClassifier = Pick<FullClassifier, 'isLibrary' | 'isUser'> & Partial<Pick<FullClassifier, 'isUserFrame' | 'dependencyFile'>>;

/**
 * Each profile node's attribution, per profile and classifier: a thread's blocking stretches
 * each ask (a compiler's main thread has hundreds), over the same call tree.
 */
const attributions = new WeakMap<CpuProfile, WeakMap<CodeClassifier, Map<number, Attribution>>>();

function attributionsOf(profile: CpuProfile, classify: CodeClassifier): Map<number, Attribution> {
  let perClassifier = attributions.get(profile);
  if (!perClassifier) attributions.set(profile, perClassifier = new WeakMap());
  let memo = perClassifier.get(classify);
  if (!memo) perClassifier.set(classify, memo = new Map());
  return memo;
}

/**
 * Attributes the busy samples [from, to] of a thread's CPU profile to the dependency functions
 * that were running (a sample counts for the innermost frame of a dependency on its stack, unless
 * the program's own code is below it: a test runner's or a router's frames under the program's
 * callback did not run it) or to module loading. Pure (what it keeps between calls, per profile
 * and classifier, depends on nothing else).
 */
export function libraryHotspots(profile: CpuProfile, samples: SampleTimeline, from: number, to: number, classify: CodeClassifier): LibraryHotspots {
  const { byId, parent } = profileIndex(profile);
  const memo = attributionsOf(profile, classify);
  const { isLibrary, isUser } = classify;
  // By position where the classifier can (a bundle of the program's holds its dependencies).
  const isUserFrame = (f: CpuProfileNode['callFrame']) => (classify.isUserFrame ? classify.isUserFrame(f) : isUser(f.url));
  const dependencyFile = (f: CpuProfileNode['callFrame']) => (classify.dependencyFile ? classify.dependencyFile(f) : isLibrary(f.url) ? f.url : undefined);
  const attribute = (id: number): Attribution => {
    if (memo.has(id)) return memo.get(id);
    let found: Attribution;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      const { url, functionName } = n.callFrame;
      if (LOADER.test(url) || functionName === 'compileForInternalLoader') { found = 'loading'; break; }
      if (isUserFrame(n.callFrame)) break;
      // A module's wrapper (nameless, at 0:0) is loading code, not a function of the library.
      if (dependencyFile(n.callFrame) !== undefined && !(functionName === '' && n.callFrame.lineNumber === 0 && n.callFrame.columnNumber === 0)) { found = n; break; }
    }
    memo.set(id, found);
    return found;
  };
  const ids = profile.samples ?? [];
  const fns = new Map<number, LibraryFunction>();
  const pkgs = new Map<string, number>();
  const out: LibraryHotspots = { busy: 0, inLibrary: 0, loadingModules: 0, functions: [], packages: [] };
  for (let i = from; i <= to; i++) {
    if (!isBusy(samples.kind[i])) continue;
    out.busy++;
    const a = attribute(ids[i]);
    if (a === 'loading') { out.loadingModules++; continue; }
    if (!a) continue;
    out.inLibrary++;
    let f = fns.get(a.id);
    if (!f) {
      const { url, functionName, lineNumber } = a.callFrame;
      f = { name: functionName || '(anonymous)', pkg: packageOf(dependencyFile(a.callFrame) ?? url), url, line: lineNumber + 1, samples: 0 };
      fns.set(a.id, f);
    }
    f.samples++;
    pkgs.set(f.pkg, (pkgs.get(f.pkg) ?? 0) + 1);
  }
  // The same function reached through several call paths is several profile nodes: one entry.
  const merged = new Map<string, LibraryFunction>();
  for (const f of fns.values()) {
    const key = `${f.url}:${f.line}:${f.name}`;
    const m = merged.get(key);
    if (m) m.samples += f.samples; else merged.set(key, { ...f });
  }
  out.functions = [...merged.values()].sort((a, b) => b.samples - a.samples);
  out.packages = [...pkgs.entries()].map(([pkg, n]) => ({ pkg, samples: n })).sort((a, b) => b.samples - a.samples);
  return out;
}

/** "typescript" for …/node_modules/typescript/lib/tsc.js, "@scope/name" for scoped packages. */
export function packageOf(url: string): string {
  const file = (url.startsWith('file://') ? decodeURIComponent(url.slice(7)) : url).replace(/\\/g, '/');
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return file.split('/').pop() || file;
  const [first, second] = file.slice(at + '/node_modules/'.length).split('/');
  return first.startsWith('@') && second ? `${first}/${second}` : first;
}
