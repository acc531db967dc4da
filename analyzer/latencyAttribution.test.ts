import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopCpu } from './latencyAttribution';
import { isBusy, type SampleTimeline, type SampleKind } from './cpuSamples';

// LoopCpu.busySince reads a busy stretch's start from a table made once, not by walking back
// sample by sample per request (a saturated server's stretch is most of its run). The walk it
// replaced is the reference here, on timelines with idle samples, probe samples and long gaps.

const MAX_GAP_MS = 500;

function walkBack(s: SampleTimeline, t: number): number {
  let lo = 0, hi = s.time.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (s.time[mid] < t) lo = mid + 1; else hi = mid; }
  let i = lo - 1;
  if (i < 0 || !isBusy(s.kind[i]) || t - s.time[i] > MAX_GAP_MS) return t;
  for (; i > 0; i--) if (!isBusy(s.kind[i - 1]) || s.time[i] - s.time[i - 1] > MAX_GAP_MS) break;
  return s.time[i];
}

/** A deterministic pseudo-random timeline of n samples. */
function timeline(n: number, seed: number): SampleTimeline {
  let x = seed;
  const rand = () => { x = (x * 1103515245 + 12345) % 2147483648; return x / 2147483648; };
  const time = new Float64Array(n), kind: SampleKind[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += rand() < 0.02 ? 600 + rand() * 400 : 0.5 + rand() * 2; // now and then a gap longer than MAX_GAP_MS
    time[i] = t;
    const r = rand();
    kind.push((r < 0.15 ? 'idle' : r < 0.2 ? 'probe' : 'user') as SampleKind);
  }
  return { time, end: t + 1, kind, frame: new Array(n).fill(undefined), busyMs: 0, capMs: 2 };
}

test('busySince: the start of the busy stretch before t, as walking back sample by sample finds it', () => {
  for (const seed of [1, 7, 42]) {
    const s = timeline(3000, seed);
    const cpu = new LoopCpu(s);
    for (let k = 0; k < 4000; k++) {
      const t = (k / 4000) * (s.end + 700) - 100; // before the first sample and past the last too
      assert.equal(cpu.busySince(t), walkBack(s, t), `seed ${seed}, t ${t}`);
    }
    for (let i = 0; i < s.time.length; i++) assert.equal(cpu.busySince(s.time[i]), walkBack(s, s.time[i]), `at sample ${i}`);
  }
});

test('busySince: one unbroken busy run reaches back to its first sample', () => {
  const n = 5000;
  const s: SampleTimeline = { time: Float64Array.from({ length: n }, (_, i) => 100 + i), end: 100 + n, kind: new Array<SampleKind>(n).fill('user'), frame: new Array(n).fill(undefined), busyMs: 0, capMs: 2 };
  s.kind[0] = 'idle';
  const cpu = new LoopCpu(s);
  assert.equal(cpu.busySince(100 + n - 0.5), 101);
  assert.equal(cpu.busySince(100.5), 100.5, 'idle just before: t itself');
});
