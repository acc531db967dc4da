// CPU, worker pool sized to the cores: one worker per core shares the 8 fib(37) tasks.
// Both cores stay busy (CPU ≈ 200 %), the main thread's event loop stays free, and there are no
// more threads than cores to take turns: ~2× faster than sequential on this 2-core machine.
// Concurrency Lens should find: nothing.
//
// expect: nothing

const os = require('node:os');
const { Worker, isMainThread } = require('node:worker_threads');
const { createPool, serveTasks } = require('../lib/pool');

const TASKS = 8;
const N = 37;

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

async function main() {
  const pool = createPool(os.availableParallelism(), () => new Worker(__filename));
  const results = await Promise.all(Array.from({ length: TASKS }, () => pool.run(N)));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times by ${pool.size} workers`);
  await pool.close();
}

if (isMainThread) main();
else serveTasks(fib);
