'use strict';
// CPU-bound (informational, no goal in issue 2): 40 chunks of fib(27) × 8, one chunk per setImmediate
// so the loop keeps turning. Shows what 1 ms CPU sampling costs plain JavaScript.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

const CHUNKS = Number(process.env.BENCH_CPU_CHUNKS || 40);
const t0 = performance.now();
let chunk = 0;
let sum = 0;
function step() {
  for (let i = 0; i < 8; i++) sum += fib(27);
  if (++chunk < CHUNKS) setImmediate(step);
  else {
    console.log(`chunks=${CHUNKS} sum=${sum}`);
    console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
  }
}
setImmediate(step);
