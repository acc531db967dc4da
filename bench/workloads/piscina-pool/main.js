'use strict';
// Bench fixture: a piscina pool (the installed piscina) doing CPU work: 4 threads, 160 tasks of
// hashing, all submitted at once and awaited together, as a request handler's offload would.
const path = require('node:path');
const { Piscina } = require('piscina');

const TASKS = Number(process.env.BENCH_PISCINA_TASKS || 160);

async function main() {
  const pool = new Piscina({ filename: path.join(__dirname, 'task.js'), minThreads: 4, maxThreads: 4 });
  const t0 = performance.now();
  const digests = await Promise.all(Array.from({ length: TASKS }, (_, i) => pool.run({ seed: i, rounds: 4000 })));
  const ms = performance.now() - t0;
  await pool.destroy();
  console.log(`tasks=${TASKS} first=${digests[0]}`);
  console.log(`BENCH_MS=${ms.toFixed(1)}`);
}
main();
