'use strict';
// One CPU-busy worker thread while the main thread waits. Expected: a worker lane, no finding.
const { Worker, isMainThread, parentPort } = require('worker_threads');
if (isMainThread) {
  new Worker(__filename).on('message', (m) => console.log(m));
} else {
  let x = 0;
  for (let i = 0; i < 3e7; i++) x += i % 7;
  parentPort.postMessage(x);
}
