'use strict';
// Awaited timers: 200 async loops, each awaiting a 10 ms timer 180 times (36,000 awaits, ~2 s).
const { setTimeout: sleep } = require('timers/promises');

const LOOPS = 200;
const ROUNDS = 180;

async function loop(i) {
  let ticks = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await sleep(10);
    ticks += i & 1;
  }
  return ticks;
}

async function main() {
  const t0 = performance.now();
  const ticks = await Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i)));
  console.log(`awaits=${LOOPS * ROUNDS} odd=${ticks.reduce((a, b) => a + b, 0)}`);
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
}
main();
