'use strict';
// N extra threads or processes, started one after another, each ending at once: the bench's
// per-thread / per-process cost is the slope of (profiled − plain) wall between N and 0 (empty.js).
// One after another, so the cost a user waits for per process is measured, not hidden by overlap.
// Usage: node spawn-n.js workers|children N
const { Worker } = require('node:worker_threads');
const { spawn } = require('node:child_process');

const [kind, nArg] = process.argv.slice(2);
const N = Number(nArg);
if (!['workers', 'children'].includes(kind) || !Number.isInteger(N) || N < 0) {
  console.error('usage: spawn-n.js workers|children N');
  process.exit(2);
}

function one() {
  return new Promise((resolve, reject) => {
    const t = kind === 'workers'
      ? new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true })
      : spawn(process.execPath, ['-e', 'process.exitCode = 0'], { stdio: 'inherit' });
    t.on('error', reject);
    t.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${kind} exited ${code}`))));
  });
}

async function main() {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await one();
  console.log(`${kind}=${N}`);
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
}
main();
