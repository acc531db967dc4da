import { dirWithSep, fileUrlToPath } from './paths';
import type { SourceMapper } from './sourceMapper';

/** A CPU profile frame's position: 0-based line and column in its script, as V8 gives them. */
export interface FramePosition { url: string; lineNumber: number; columnNumber: number }

const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

/**
 * Whose code a script URL (a CPU profile frame's) is: the recorder's, a dependency's, or the
 * program's own. One classifier per analysis (AnalysisContext.classify), asked by the sample
 * timelines (cpuSamples.ts), the blocking-CPU finding and library hotspots alike, so that they
 * never disagree on a frame.
 */
export interface CodeClassifier {
  /** The program's own code: a file on disk, not in node_modules unless the probe instrumented it as the program's. */
  isUser(url: string): boolean;
  /** A dependency's code: in node_modules, not instrumented as the program's. */
  isLibrary(url: string): boolean;
  /** The recorder's code in the program (probe, instrumenter, ES-module hooks), or V8's wait for the debugger. */
  isProbe(url: string, functionName: string): boolean;
  /**
   * A frame of the program's own code: its script is (isUser), and its source map, if it has one,
   * does not place its function in node_modules. A bundle (esbuild, webpack, Rollup with a source
   * map) is one script of the program's holding its dependencies too: markdown-it's parser, bundled,
   * read "blocked the event loop … in ParserBlock.tokenize" at node_modules/markdown-it's line,
   * instead of at the program's `md.render(…)` that ran it.
   */
  isUserFrame(f: FramePosition): boolean;
  /** The dependency file a frame's function is in: its script's (isLibrary), or its source map's source in a bundle of the program's; else undefined. */
  dependencyFile(f: FramePosition): string | undefined;
}

/**
 * The classifier of a run whose probe was loaded from `probePath` (its folder holds everything
 * the recorder loads into a program) and whose instrumented files are `userFiles` (paths). Each
 * URL's answer is kept: the classifiers are asked for every ancestor of every CPU profile node
 * (tens of thousands of calls in a test runner's process), about a few hundred distinct URLs.
 * Neither Node's own code (`node:`), native frames (no URL) nor scripts that are not files (eval,
 * vm) are anyone's here.
 */
export function codeClassifier(probePath: string | undefined, userFiles: ReadonlySet<string>, mapper?: SourceMapper): CodeClassifier {
  const ownDir = probePath ? dirWithSep(probePath) : undefined;
  const isProbeUrl = perUrl((url) => {
    const file = fileUrlToPath(url);
    return (ownDir !== undefined && file.startsWith(ownDir)) || /[\\/]dist[\\/](probe|instrumenter)\.js$|[\\/]dist[\\/]esmHooks\.mjs$/.test(file);
  });
  const kind = perUrl((url): Kind => {
    if (!url || url.startsWith('node:') || isProbeUrl(url)) return undefined;
    const file = fileUrlToPath(url);
    if (!file.startsWith('/') && !/^[A-Za-z]:\\/.test(file)) return undefined;
    return userFiles.has(file) || !IN_NODE_MODULES.test(file) ? 'user' : 'library';
  });
  /** A user script's frames mapped into node_modules (a bundle's dependencies), by script and function start: the source file, or null. */
  const bundled = new Map<string, string | null>();
  const bundledFile = (f: FramePosition): string | null => {
    if (!mapper?.hasMap(f.url)) return null;
    const key = `${f.url}:${f.lineNumber}:${f.columnNumber}`;
    let answer = bundled.get(key);
    if (answer === undefined) {
      const file = mapper.locate(f.url, f.lineNumber + 1, f.columnNumber).file;
      bundled.set(key, answer = IN_NODE_MODULES.test(file) ? file : null);
    }
    return answer;
  };
  return {
    isUser: (url) => kind(url) === 'user',
    isLibrary: (url) => kind(url) === 'library',
    isProbe: (url, functionName) => isProbeUrl(url) || (url === '' && functionName === 'waitForDebugger'),
    isUserFrame: (f) => kind(f.url) === 'user' && bundledFile(f) === null,
    dependencyFile: (f) => {
      const k = kind(f.url);
      return k === 'library' ? fileUrlToPath(f.url) : k === 'user' ? bundledFile(f) ?? undefined : undefined;
    },
  };
}

type Kind = 'user' | 'library' | undefined;

/** `classify` with each URL's answer kept. */
function perUrl<T>(classify: (url: string) => T): (url: string) => T {
  const answers = new Map<string, T>();
  return (url) => {
    if (answers.has(url)) return answers.get(url) as T;
    const answer = classify(url);
    answers.set(url, answer);
    return answer;
  };
}
