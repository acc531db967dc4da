// I/O, child-process pool: 4 forked processes share the 20 downloads (5 rounds of 150 ms).
// Same overlap as the worker pool, with process start-up paid only 4 times.
// Concurrency Lens should find: nothing (an info note that the 4 processes booting at once wanted
// more than 2 cores for a moment is allowed).
// expect: nothing
// allow: info pool-oversubscribed

const { fork } = require('node:child_process');
const { startSlowService, getText } = require('../lib/slow-service');
const { createPool, serveTasks } = require('../lib/pool');

const DOWNLOADS = 20;
const POOL_SIZE = 4;

async function main() {
  const service = await startSlowService({ latencyMs: 150 });
  const pool = createPool(POOL_SIZE, () => fork(__filename, ['child']));
  const urls = Array.from({ length: DOWNLOADS }, (_, i) => `${service.url}/item/${i + 1}`);
  const pages = await Promise.all(urls.map((url) => pool.run(url)));
  console.log(`downloaded ${pages.length} items with ${POOL_SIZE} pooled processes`);
  await pool.close();
  await service.close();
}

if (process.argv[2] === 'child') serveTasks(getText);
else main();
