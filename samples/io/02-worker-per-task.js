// I/O, one worker thread per task: each of the 20 downloads runs in a new worker thread.
// The downloads overlap, so it is fast, but every worker costs a fresh V8 isolate (~30 ms of CPU
// and a few MB each) just to wait on a socket; the main thread could have waited on all 20 itself.
// Under a profiler each start-up costs even more, so the 20 threads really do fight over 2 cores.
// Concurrency Lens should find: pool-oversubscribed at the `new Worker(` line (info: their start-up).
//
// expect: pool-oversubscribed @ 16

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { startSlowService, getText } = require('../lib/slow-service');

const DOWNLOADS = 20;

function downloadInNewWorker(url) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: url });
    worker.once('message', resolve).once('error', reject);
  });
}

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const urls = Array.from({ length: DOWNLOADS }, (_, i) => `${service.url}/item/${i + 1}`);
  const pages = await Promise.all(urls.map(downloadInNewWorker));
  console.log(`downloaded ${pages.length} items with one worker each`);
  await service.close();
}

if (isMainThread) main();
else getText(workerData).then((page) => parentPort.postMessage(page));
