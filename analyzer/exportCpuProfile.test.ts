import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuProfileFileNames, exportCpuProfile } from './exportCpuProfile';

const cdp = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [2] },
    { id: 2, callFrame: { functionName: 'main', scriptId: '42', url: 'file:///app/a.js', lineNumber: 3, columnNumber: 0 }, hitCount: 2, children: [3] },
    { id: 3, callFrame: { functionName: 'fib', scriptId: '42', url: 'file:///app/a.js', lineNumber: 9, columnNumber: 12 }, hitCount: 5, positionTicks: [{ line: 10, ticks: 5 }] },
  ],
  startTime: 1000, endTime: 8000, samples: [2, 3, 3, 3, 3, 3, 2], timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

test('a complete CDP profile passes through unchanged', () => {
  const p = exportCpuProfile({ laneId: 'L', label: 'main', profile: cdp });
  assert.deepEqual(p.nodes.map((n) => n.children), [[2], [3], []]);
  assert.deepEqual(p.nodes[2].positionTicks, [{ line: 10, ticks: 5 }]);
  assert.equal(p.nodes[1].callFrame.url, 'file:///app/a.js');
  assert.deepEqual(p.samples, cdp.samples);
  assert.deepEqual(p.timeDeltas, cdp.timeDeltas);
  assert.equal(p.startTime, 1000);
  assert.equal(p.endTime, 8000);
});

test('missing children, hit counts, call-frame fields and deltas are rebuilt', () => {
  const p = exportCpuProfile({
    laneId: 'L', label: 'w',
    profile: { nodes: [{ id: 1, callFrame: { functionName: '(root)' } }, { id: 7, parent: 1, callFrame: { functionName: 'f', url: 'x.js', scriptId: 3 } }], startTime: 0, endTime: 300, samples: [7, 7, 1] },
  });
  assert.deepEqual(p.nodes[0].children, [7]);
  assert.equal(p.nodes[1].hitCount, 2);
  assert.equal(p.nodes[0].hitCount, 1);
  assert.equal(p.nodes[1].callFrame.scriptId, '3');
  assert.equal(p.nodes[1].callFrame.lineNumber, -1);
  assert.deepEqual(p.timeDeltas, [100, 100, 100]);
});

test('file names: the first lane gets FILE, others a tag, never the same name twice', () => {
  assert.deepEqual(
    cpuProfileFileNames('out/run.cpuprofile', [{ laneId: 'a', label: 'main' }, { laneId: 'b', label: 'worker 1' }, { laneId: 'c', label: 'worker 1' }, { laneId: 'd', label: '<x>/..' }]),
    ['out/run.cpuprofile', 'out/run.worker-1.cpuprofile', 'out/run.worker-1-2.cpuprofile', 'out/run.x.cpuprofile'],
  );
  assert.deepEqual(cpuProfileFileNames('prof', [{ laneId: 'a', label: 'main' }, { laneId: 'b', label: 'child 12' }]), ['prof', 'prof.child-12.cpuprofile']);
});
