// I/O, Promise.all: start all 20 downloads, then wait for all of them together.
// One thread, no workers: the event loop waits on 20 sockets at once, so the whole batch takes
// about one latency (~150 ms) instead of twenty. This is the right tool for I/O in Node.
// Concurrency Lens should find: nothing.
//
// expect: nothing

const { startSlowService, getText } = require('../lib/slow-service');

const DOWNLOADS = 20;

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const urls = Array.from({ length: DOWNLOADS }, (_, i) => `${service.url}/item/${i + 1}`);
  const pages = await Promise.all(urls.map((url) => getText(url)));
  console.log(`downloaded ${pages.length} items at once`);
  await service.close();
}

main();
