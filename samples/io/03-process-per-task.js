// I/O, one child process per task: each of the 20 downloads runs in a freshly forked Node process.
// The downloads overlap, but starting a process costs far more than the 150 ms it then waits:
// CPU time and memory go up, and the wall time is dominated by process start-up.
// 20 processes booting at once keep far more than 2 cores' worth of work queued. Concurrency Lens
// should find: pool-oversubscribed at the `fork(` line (info: it is their start-up).
// expect: pool-oversubscribed @ 16
// allow: info blocking-cpu

const { fork } = require('node:child_process');
const { startSlowService, getText } = require('../lib/slow-service');

const DOWNLOADS = 20;

function downloadInNewProcess(url) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['child', url]);
    child.once('message', resolve).once('error', reject);
  });
}

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const urls = Array.from({ length: DOWNLOADS }, (_, i) => `${service.url}/item/${i + 1}`);
  const pages = await Promise.all(urls.map(downloadInNewProcess));
  console.log(`downloaded ${pages.length} items with one process each`);
  await service.close();
}

if (process.argv[2] === 'child') {
  getText(process.argv[3]).then((page) => process.send(page, () => process.disconnect()));
} else {
  main();
}
