import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { libraryHotspots } from './libraryHotspots';
import type { CpuProfile } from '../raw';
import type { SampleTimeline } from '../cpuSamples';

// root → app.js run → node_modules/a parse → node_modules/b scan: every sample in scan.
const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, scriptId: '1', url, lineNumber, columnNumber: 4 });
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2] },
    { id: 2, callFrame: frame('run', 'file:///app/app.js', 3), children: [3] },
    { id: 3, callFrame: frame('parse', 'file:///app/node_modules/a/index.js', 10), children: [4] },
    { id: 4, callFrame: frame('scan', 'file:///app/node_modules/b/index.js', 20) },
  ],
  startTime: 0, endTime: 4000, samples: [4, 4, 4, 4], timeDeltas: [1000, 1000, 1000, 1000],
};
const samples = { kind: ['library', 'library', 'library', 'library'] } as unknown as SampleTimeline;

/** Dependencies: the files under `libraries`; the program's: the others. */
const classifier = (libraries: string) => ({ isLibrary: (url: string) => url.includes(libraries), isUser: (url: string) => url !== '' && !url.includes(libraries) });

describe('libraryHotspots', () => {
  it('charges each sample to the innermost dependency frame that the classifier names, asked again with another on the same profile', () => {
    const both = libraryHotspots(profile, samples, 0, 3, classifier('/node_modules/'));
    assert.deepEqual(both.functions.map((f) => [f.pkg, f.name, f.samples]), [['b', 'scan', 4]]);
    // What it keeps between calls (the profile's index, each node's attribution) must not carry
    // one classifier's answers into another's.
    const onlyA = libraryHotspots(profile, samples, 0, 3, { isLibrary: (url) => url.includes('/node_modules/a/'), isUser: (url) => url.endsWith('/app.js') });
    assert.deepEqual(onlyA.functions.map((f) => [f.pkg, f.name, f.samples]), [['a', 'parse', 4]]);
    const part = libraryHotspots(profile, samples, 1, 2, classifier('/node_modules/'));
    assert.equal(part.busy, 2);
    assert.equal(part.inLibrary, 2);
  });
  it("does not charge the program's own code to the dependency that called it (a test runner running a test, a router a handler)", () => {
    // root → node_modules/runner run → app.js test (2 samples) → node_modules/b scan (1 sample), and 1 sample in run itself.
    const called: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '', -1), children: [2] },
        { id: 2, callFrame: frame('run', 'file:///app/node_modules/runner/index.js', 3), children: [3] },
        { id: 3, callFrame: frame('test', 'file:///app/app.js', 10), children: [4, 5] },
        { id: 4, callFrame: frame('scan', 'file:///app/node_modules/b/index.js', 20) },
        { id: 5, callFrame: frame('stringify', '', -1) },
      ],
      startTime: 0, endTime: 4000, samples: [3, 5, 4, 2], timeDeltas: [1000, 1000, 1000, 1000],
    };
    const kinds = { kind: ['user', 'user', 'library', 'library'] } as unknown as SampleTimeline;
    const h = libraryHotspots(called, kinds, 0, 3, classifier('/node_modules/'));
    assert.equal(h.busy, 4);
    assert.equal(h.inLibrary, 2);
    assert.deepEqual(h.functions.map((f) => [f.pkg, f.name, f.samples]), [['b', 'scan', 1], ['runner', 'run', 1]]);
  });
});
