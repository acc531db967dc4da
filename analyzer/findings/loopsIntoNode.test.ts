import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CpuProfile } from '../raw';
import type { SampleTimeline, SampleKind } from '../cpuSamples';
import { loopsIntoNode } from './loopsIntoNode';

/** A profile whose samples are the leaves named, in order: `name@url` ('' url: a native). */
function stretch(leaves: string[]): { profile: CpuProfile; samples: SampleTimeline } {
  const names = [...new Set(leaves)];
  const nodes = [{ id: 1, callFrame: { functionName: '(root)', url: '', scriptId: '0', lineNumber: -1, columnNumber: -1 }, children: names.map((_, i) => i + 2) },
    ...names.map((n, i) => { const [functionName, url] = n.split('@'); return { id: i + 2, callFrame: { functionName, url, scriptId: String(i + 2), lineNumber: i, columnNumber: 0 } }; })];
  const ids = leaves.map((l) => names.indexOf(l) + 2);
  const kind: SampleKind[] = leaves.map((l) => { const url = l.split('@')[1]; return url.startsWith('node:') ? 'node' : url ? 'user' : 'native'; });
  return { profile: { nodes, samples: ids, timeDeltas: ids.map(() => 1000), startTime: 0, endTime: ids.length * 1000 } as unknown as CpuProfile, samples: { kind } as unknown as SampleTimeline };
}

describe('loopsIntoNode', () => {
  it('a loop over performance.now(): the same function of Node caught again and again', () => {
    const s = stretch([...Array(20).fill('now@node:internal/perf/utils'), ...Array(8).fill('burn@file:///app/a.js'), 'get@node:util']);
    assert.equal(loopsIntoNode(s.profile, s.samples, 0, 28), true);
  });
  it('Node\'s code run cold: many functions, each caught once or twice (a first http.get)', () => {
    const cold = ['spawn@node:child_process', 'fork@node:cluster', 'OutgoingMessage@node:_http_outgoing', '_writeRaw@node:_http_outgoing',
      'Socket@node:net', 'connect@node:net', 'lookup@node:dns', 'emit@node:events', 'Agent@node:_http_agent', 'ClientRequest@node:_http_client', 'end@node:_http_outgoing'];
    const s = stretch([...cold, 'Socket@node:net', 'main@file:///app/a.js', 'main@file:///app/a.js']);
    assert.equal(loopsIntoNode(s.profile, s.samples, 0, 13), false);
  });
  it('module loading is cold however often it is caught', () => {
    const s = stretch([...Array(12).fill('compileForInternalLoader@node:internal/bootstrap/realm'), ...Array(6).fill('require@node:internal/modules/cjs/loader')]);
    assert.equal(loopsIntoNode(s.profile, s.samples, 0, 17), false);
  });
  it('reads only the stretch [from, to]', () => {
    const s = stretch([...Array(10).fill('now@node:internal/perf/utils'), 'a@node:a', 'b@node:b', 'c@node:c']);
    assert.equal(loopsIntoNode(s.profile, s.samples, 10, 12), false);
    assert.equal(loopsIntoNode(s.profile, s.samples, 0, 12), true);
  });
});
