'use strict';
// Six CPU-busy worker threads at once on a 2-core machine. Expected: pool-oversubscribed at new Worker.
const { Worker, isMainThread, parentPort } = require('worker_threads');
if (isMainThread) {
  for (let i = 0; i < 6; i++) new Worker(__filename);
} else {
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += i % 7;
  parentPort.postMessage(x);
}
