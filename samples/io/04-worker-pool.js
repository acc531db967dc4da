// I/O, worker pool: 4 worker threads share the 20 downloads (5 rounds of 150 ms).
// Overlaps the waits without paying for a thread per task. For pure I/O the pool size is not tied
// to the core count: the workers mostly wait. (Promise.all on the main thread does the same for free.)
// Concurrency Lens should find: nothing.
//
// expect: nothing

const { Worker, isMainThread } = require('node:worker_threads');
const { startSlowService, getText } = require('../lib/slow-service');
const { createPool, serveTasks } = require('../lib/pool');

const DOWNLOADS = 20;
const POOL_SIZE = 4;

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const pool = createPool(POOL_SIZE, () => new Worker(__filename));
  const urls = Array.from({ length: DOWNLOADS }, (_, i) => `${service.url}/item/${i + 1}`);
  const pages = await Promise.all(urls.map((url) => pool.run(url)));
  console.log(`downloaded ${pages.length} items with ${POOL_SIZE} pooled workers`);
  await pool.close();
  await service.close();
}

if (isMainThread) main();
else serveTasks(getText);
