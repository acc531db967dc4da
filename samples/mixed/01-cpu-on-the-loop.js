// I/O + CPU in async code, plain: 16 records are downloaded concurrently (100–400 ms each), and
// each one is "parsed" with ~70 ms of CPU work right where it arrives, on the main thread.
// While a record is being parsed the event loop is blocked: the other responses (and the service,
// which lives in this process too) wait, so the I/O stalls behind the CPU work. All parsing is
// serialised on one core (CPU ≈ 100 %).
// Concurrency Lens should find: blocking-cpu at the fib line.
//
// expect: blocking-cpu @ 16

const { startSlowService, getText } = require('../lib/slow-service');

const RECORDS = 16;
const PARSE_COST = 33; // fib(33): ~70 ms of CPU

// Stands in for real parsing work: pure CPU.
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

async function processRecord(url) {
  const record = await getText(url);
  return fib(PARSE_COST) + record.length;
}

async function main() {
  const service = await startSlowService();
  const urls = Array.from({ length: RECORDS }, (_, i) => `${service.url}/record/${i}?latency=${100 + 20 * i}`);
  const results = await Promise.all(urls.map(processRecord));
  console.log(`processed ${results.length} records on the main thread`);
  await service.close();
}

main();
