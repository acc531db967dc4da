'use strict';
// Promise storm: 10,000,000 async calls, each awaiting once, in batches of 1000 (Promise.all per
// batch) — 20 million promises created (each call's own promise plus the one it awaits).
const BATCH = 1000;
const CALLS = Number(process.env.BENCH_STORM_CALLS || 10_000_000);

async function leaf(i) {
  await null;
  return i & 1;
}

async function main() {
  const t0 = performance.now();
  let odd = 0;
  for (let done = 0; done < CALLS; done += BATCH) {
    const batch = [];
    for (let i = 0; i < BATCH; i++) batch.push(leaf(done + i));
    const r = await Promise.all(batch);
    for (const x of r) odd += x;
  }
  console.log(`calls=${CALLS} promises=${CALLS * 2} odd=${odd}`);
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
}
main();
