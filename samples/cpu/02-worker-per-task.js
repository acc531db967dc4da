// CPU, one worker thread per task: 8 workers each compute fib(37) at the same time.
// Worker threads really do run JavaScript in parallel (unlike Python threads under the GIL), so
// this is ~2× faster than sequential on 2 cores, but not 8×: the 8 threads take turns on 2
// cores, and each one costs its own V8 isolate.
// Concurrency Lens should find: pool-oversubscribed at the `new Worker(` line (8 busy > 2 cores).
//
// expect: pool-oversubscribed @ 18

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const TASKS = 8;
const N = 37;

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function fibInNewWorker(n) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: n });
    worker.once('message', resolve).once('error', reject);
  });
}

async function main() {
  const results = await Promise.all(Array.from({ length: TASKS }, () => fibInNewWorker(N)));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times in ${TASKS} workers`);
}

if (isMainThread) main();
else parentPort.postMessage(fib(workerData));
