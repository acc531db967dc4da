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

describe('libraryHotspots', () => {
  it('charges each sample to the innermost dependency frame that `isLibrary` names, asked again with another on the same profile', () => {
    const both = libraryHotspots(profile, samples, 0, 3, (url) => url.includes('/node_modules/'));
    assert.deepEqual(both.functions.map((f) => [f.pkg, f.name, f.samples]), [['b', 'scan', 4]]);
    // What it keeps between calls (the profile's index, each node's attribution) must not carry
    // one classifier's answers into another's.
    const onlyA = libraryHotspots(profile, samples, 0, 3, (url) => url.includes('/node_modules/a/'));
    assert.deepEqual(onlyA.functions.map((f) => [f.pkg, f.name, f.samples]), [['a', 'parse', 4]]);
    const part = libraryHotspots(profile, samples, 1, 2, (url) => url.includes('/node_modules/'));
    assert.equal(part.busy, 2);
    assert.equal(part.inLibrary, 2);
  });
});
