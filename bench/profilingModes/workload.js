// Workloads for bench/profilingModes.mjs. argv[2]: cpu | io | empty | workers | idle (4 workers
// and the main thread sleeping 3 s: the steady cost of streaming per thread). Prints one JSON line
// {wallMs, cpuMs} (this process, all threads) when its work is done, then exits (or, with
// argv[3] === 'forever', keeps burning CPU until killed: the data-loss scenario).
const { Worker } = require('node:worker_threads');
const kind = process.argv[2];
const t0 = performance.now();
const c0 = process.cpuUsage();
function report() {
  const c = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }) + '\n');
}
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
if (process.argv[3] === 'forever') {
  process.stdout.write(JSON.stringify({ startedHrUs: Number(process.hrtime.bigint() / 1000n) }) + '\n');
  for (;;) fib(25);
}
if (kind === 'cpu') {
  let x = 0;
  for (let i = 0; i < 400; i++) x += fib(24 + (i % 4));
  report();
} else if (kind === 'io') {
  const fs = require('node:fs');
  let left = 20000;
  const next = () => { if (--left === 0) return report(); fs.stat(__filename, () => setImmediate(next)); };
  for (let i = 0; i < 1; i++) next();
} else if (kind === 'empty') {
  report();
} else if (kind === 'idle') {
  let left = 4;
  for (let i = 0; i < 4; i++) new Worker('setTimeout(() => {}, 3000)', { eval: true }).on('exit', () => { if (--left === 0) report(); });
} else if (kind === 'workers') {
  let left = 4;
  for (let i = 0; i < 4; i++) new Worker('1', { eval: true }).on('exit', () => { if (--left === 0) report(); });
}
