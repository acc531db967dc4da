// I/O + CPU in async code, with a worker pool: the same 16 records, but the parsing runs in a pool
// of one worker per core. The main thread only waits on sockets and messages, so its event loop
// stays responsive, and both cores parse at once (~2× less wall time than the plain version).
// Concurrency Lens should find: nothing.
//
// expect: nothing

const os = require('node:os');
const { Worker, isMainThread } = require('node:worker_threads');
const { startSlowService, getText } = require('../lib/slow-service');
const { createPool, serveTasks } = require('../lib/pool');

const RECORDS = 16;
const PARSE_COST = 33; // fib(33): ~70 ms of CPU

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const parseRecord = (record) => fib(PARSE_COST) + record.length;

async function main() {
  const service = await startSlowService();
  const pool = createPool(os.availableParallelism(), () => new Worker(__filename));
  const processRecord = async (url) => {
    const record = await getText(url);
    return pool.run(record);
  };
  const urls = Array.from({ length: RECORDS }, (_, i) => `${service.url}/record/${i}?latency=${100 + 20 * i}`);
  const results = await Promise.all(urls.map(processRecord));
  console.log(`processed ${results.length} records in ${pool.size} workers`);
  await pool.close();
  await service.close();
}

if (isMainThread) main();
else serveTasks(parseRecord);
