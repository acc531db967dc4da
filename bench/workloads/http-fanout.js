'use strict';
// HTTP fan-out: a local server on 127.0.0.1 answers after a fixed 20 ms; 25 async workers issue
// 2,000 GETs in total (keep-alive). I/O-bound: ~1.7 s of waiting, little CPU.
const http = require('http');

const LATENCY_MS = 20;
const TOTAL = 2000;
const CONCURRENCY = 25;

const server = http.createServer((req, res) => {
  setTimeout(() => res.end(req.url), LATENCY_MS);
});
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const t0 = performance.now();
  let issued = 0;
  let bytes = 0;
  async function worker() {
    while (issued < TOTAL) {
      const n = issued++;
      const body = await get(port, `/item/${n}`);
      bytes += body.length;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(`requests=${issued} bytes=${bytes}`);
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
  agent.destroy();
  server.close();
});
