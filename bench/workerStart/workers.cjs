'use strict';
// bench/workerStart.mjs's program: CL_BENCH_WORKERS workers started one after another, each
// reporting [the CPU time its thread had used when its first line ran (Linux: schedstat's ns on a
// CPU), ms from `new Worker()` to that line, ms from that line to the worker's 'exit' event] (the
// times on CLOCK_MONOTONIC, which every thread shares). With CL_BENCH_LATE_PROFILE=1 the first line
// starts the CPU profiler (console.profile) and the CPU time is read after it.
const { Worker } = require('node:worker_threads');

const N = Number(process.env.CL_BENCH_WORKERS || 8);
const late = process.env.CL_BENCH_LATE_PROFILE === '1';
const first = `const at = process.hrtime();${late ? "console.profile('late');" : ''}
const ms = Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
require('node:worker_threads').parentPort.postMessage([ms, at[0] * 1e3 + at[1] / 1e6]);`;

const clock = () => { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; };

function one() {
  return new Promise((resolve, reject) => {
    let reading;
    const created = clock();
    const w = new Worker(first, { eval: true });
    w.on('message', (m) => { reading = m; });
    w.on('error', reject);
    w.on('exit', () => {
      if (!reading) { reject(new Error('a worker ended before its first line reported')); return; }
      const [cpuMs, firstAt] = reading;
      resolve([cpuMs, firstAt - created, clock() - firstAt]);
    });
  });
}

(async () => {
  const out = [];
  for (let i = 0; i < N; i++) out.push(await one());
  console.log(`WORKER_START ${JSON.stringify(out)}`);
})();
