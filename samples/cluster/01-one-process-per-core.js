// cluster, one process per core serving HTTP: the primary forks one worker process per core; the
// workers share one listening port and each answers requests with ~1 ms of CPU work. The primary
// then plays the clients (16 concurrent request loops, 1500 requests, or `--duration <s>` of load)
// and shuts the workers down, so the sample ends by itself.
// Both cores serve at once (a single Node process would use one). But here the load generator
// shares the machine with the servers: 2 busy workers + a busy primary = 3 busy processes on 2
// cores. In production the clients are elsewhere and one worker per core is the right size.
// Concurrency Lens should find: pool-oversubscribed at the `cluster.fork()` line.
//
// expect: pool-oversubscribed @ 37

const cluster = require('node:cluster');
const http = require('node:http');
const os = require('node:os');
const { getText } = require('../lib/slow-service');

const REQUESTS = 1500;
const CLIENTS = 16;
const WORK_PER_REQUEST = 22; // fib(22): ~1 ms of CPU

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function serve() {
  const server = http.createServer((req, res) => res.end(`fib(${WORK_PER_REQUEST}) = ${fib(WORK_PER_REQUEST)}\n`));
  server.listen(0, '127.0.0.1'); // in a cluster, port 0 gives every worker the same shared port
}

/** Resolves with the shared port once every worker listens. */
function whenAllListening(workers) {
  return Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('listening', resolve))))
    .then((addresses) => addresses[0].port);
}

async function primary() {
  const durationIndex = process.argv.indexOf('--duration');
  const stopAt = durationIndex > 0 ? Date.now() + 1000 * Number(process.argv[durationIndex + 1]) : Infinity;
  const workers = Array.from({ length: os.availableParallelism() }, () => cluster.fork());
  const port = await whenAllListening(workers);

  let sent = 0;
  const moreToSend = () => (stopAt === Infinity ? sent < REQUESTS : Date.now() < stopAt);
  const clientLoop = async () => {
    while (moreToSend()) {
      sent++;
      await getText(`http://127.0.0.1:${port}/`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, clientLoop));
  console.log(`${workers.length} worker processes answered ${sent} requests`);
  for (const worker of workers) worker.disconnect();
}

if (cluster.isPrimary) primary();
else serve();
