// I/O, sequential: download 20 items from a service that answers in 150 ms, one after another.
// Each download waits for the previous one, so the program sits idle for ~3 s (CPU ≈ 5 %).
// Concurrency Lens should find: await-in-loop at the `await getText` line (the iterations don't
// depend on each other, so the downloads could overlap).
//
// expect: await-in-loop @ 15

const { startSlowService, getText } = require('../lib/slow-service');

const DOWNLOADS = 20;

async function downloadAll(baseUrl) {
  const pages = [];
  for (let id = 1; id <= DOWNLOADS; id++) {
    const page = await getText(`${baseUrl}/item/${id}`);
    pages.push(page);
  }
  return pages;
}

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const pages = await downloadAll(service.url);
  console.log(`downloaded ${pages.length} items one at a time`);
  await service.close();
}

main();
