// CPU, oversized pool: 4 workers per core (8 here) share the 8 fib(37) tasks.
// More threads than cores buys nothing for CPU work: they time-slice the same 2 cores, so the
// wall time matches the right-sized pool while memory and context switches go up.
// Concurrency Lens should find: pool-oversubscribed at the `new Worker(` line.
//
// expect: pool-oversubscribed @ 19

const os = require('node:os');
const { Worker, isMainThread } = require('node:worker_threads');
const { createPool, serveTasks } = require('../lib/pool');

const TASKS = 8;
const N = 37;
const WORKERS_PER_CORE = 4;

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

async function main() {
  const pool = createPool(WORKERS_PER_CORE * os.availableParallelism(), () => new Worker(__filename));
  const results = await Promise.all(Array.from({ length: TASKS }, () => pool.run(N)));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times by ${pool.size} workers`);
  await pool.close();
}

if (isMainThread) main();
else serveTasks(fib);
