'use strict';
// N empty node children, one after another (BENCH_COUNT, default 4): the cost paid per process
// (probe, inspector, attach, profiler start and stop) shows N times.
const { spawnSync } = require('node:child_process');
const count = Number(process.env.BENCH_COUNT) || 4;
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  const r = spawnSync(process.execPath, ['-e', '0'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`child ${i} exited ${r.status}`);
}
console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
