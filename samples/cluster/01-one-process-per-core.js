// cluster, one process per core serving HTTP: the primary forks one worker process per core; the
// workers share one listening port and each answers requests with ~1 ms of CPU work. The primary
// then plays the clients at a steady pace (150 requests a second: 600 requests, or `--duration <s>`
// of load) and shuts the workers down, so the sample ends by itself.
// One worker per core is the right size: both cores can serve at once, and nothing else on the
// machine competes with them. The clients pace themselves like real users (who are elsewhere):
// the sample uses about a third of the machine, so its 3 processes never want more than 2 cores.
// (A load generator that fires as fast as it can from the same machine makes 3 busy processes on
// 2 cores, and then the oversubscription is the benchmark's, not the cluster's.)
// Concurrency Lens should find: nothing.
//
// expect: nothing

const cluster = require('node:cluster');
const http = require('node:http');
const os = require('node:os');
const { getText } = require('../lib/slow-service');

const REQUESTS = 600;
const REQUESTS_PER_SECOND = 150;
const WORK_PER_REQUEST = 22; // fib(22): ~1 ms of CPU

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function serve() {
  // Warm up before taking requests, as a server behind a load balancer does before it reports
  // ready: the first fib(22) runs as bytecode (10–20 ms under the profiler on a quiet 2-core VM,
  // more on a busy one, where a warm one takes ~1 ms), and V8 compiles fib once it has run enough.
  // Small calls, so that the warm-up itself never holds the loop for long.
  for (let i = 0; i < 10; i++) fib(WORK_PER_REQUEST - 6);
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
  // Paced clients: one request every 1/150 s, however long the answers take.
  await new Promise((resolve, reject) => {
    let answered = 0;
    const pace = setInterval(() => {
      if (!moreToSend()) {
        clearInterval(pace);
        if (answered === sent) resolve();
        return;
      }
      sent++;
      getText(`http://127.0.0.1:${port}/`).then(() => {
        answered++;
        if (!moreToSend() && answered === sent) resolve();
      }, reject);
    }, 1000 / REQUESTS_PER_SECOND);
  });
  console.log(`${workers.length} worker processes answered ${sent} requests`);
  for (const worker of workers) worker.disconnect();
}

if (cluster.isPrimary) primary();
else serve();
