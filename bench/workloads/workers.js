'use strict';
// N empty worker threads, one after another (BENCH_COUNT, default 4): the cost paid per thread
// (probe, attach through the parent's inspector, profiler start and stop) shows N times.
const { Worker, isMainThread } = require('node:worker_threads');
if (isMainThread) {
  const count = Number(process.env.BENCH_COUNT) || 4;
  const t0 = performance.now();
  (async () => {
    for (let i = 0; i < count; i++) {
      await new Promise((resolve, reject) => new Worker(__filename).on('exit', resolve).on('error', reject));
    }
    console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
  })();
}
