'use strict';
// bench/workerStart.mjs's program: CL_BENCH_WORKERS workers started one after another, each
// reporting the CPU time its thread had used when its first line ran (Linux: schedstat's ns on a
// CPU). With CL_BENCH_LATE_PROFILE=1 the first line starts the CPU profiler (console.profile) and
// the time is read after it.
const { Worker } = require('node:worker_threads');

const N = Number(process.env.CL_BENCH_WORKERS || 8);
const late = process.env.CL_BENCH_LATE_PROFILE === '1';
const first = `${late ? "console.profile('late');" : ''}
const ms = Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
require('node:worker_threads').parentPort.postMessage(ms);`;

function one() {
  return new Promise((resolve, reject) => {
    let ms;
    const w = new Worker(first, { eval: true });
    w.on('message', (m) => { ms = m; });
    w.on('error', reject);
    w.on('exit', () => resolve(ms));
  });
}

(async () => {
  const out = [];
  for (let i = 0; i < N; i++) out.push(await one());
  console.log(`WORKER_START_CPU_MS ${JSON.stringify(out)}`);
})();
