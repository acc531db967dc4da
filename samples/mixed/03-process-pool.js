// I/O + CPU in async code, with a child-process pool: the parsing runs in one forked process per
// core. Same effect as the worker pool (free event loop, both cores busy); processes cost more
// memory and start-up, but isolate crashes and need no shared-memory thinking.
// Concurrency Lens should find: nothing (an info note on the pool processes' own blocked loops,
// which is what they are for, is allowed).
//
// expect: nothing
// allow: info blocking-cpu

const os = require('node:os');
const { fork } = require('node:child_process');
const { startSlowService, getText } = require('../lib/slow-service');
const { createPool, serveTasks } = require('../lib/pool');

const RECORDS = 16;
const PARSE_COST = 33; // fib(33): ~70 ms of CPU

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const parseRecord = (record) => fib(PARSE_COST) + record.length;

async function main() {
  const service = await startSlowService();
  const pool = createPool(os.availableParallelism(), () => fork(__filename, ['child']));
  const processRecord = async (url) => {
    const record = await getText(url);
    return pool.run(record);
  };
  const urls = Array.from({ length: RECORDS }, (_, i) => `${service.url}/record/${i}?latency=${100 + 20 * i}`);
  const results = await Promise.all(urls.map(processRecord));
  console.log(`processed ${results.length} records in ${pool.size} processes`);
  await pool.close();
  await service.close();
}

if (process.argv[2] === 'child') serveTasks(parseRecord);
else main();
