// Bench fixture: a TypeScript program run with `npx tsx main.ts` (tsx starts node with its loader).
// 80 batches of orders: 4 fetched at a time (awaited), totals computed after each batch.
import { makeOrders, totalsByCustomer, fetchBatch, type Order } from './lib.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const grand = new Map<string, number>();
  for (let b = 0; b < 80; b += 4) {
    const batches: Order[][] = await Promise.all([0, 1, 2, 3].map((i) => fetchBatch(makeOrders(3000, b + i + 1))));
    for (const orders of batches) {
      for (const [c, v] of totalsByCustomer(orders)) grand.set(c, (grand.get(c) ?? 0) + v);
    }
  }
  console.log(`customers=${grand.size}`);
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
}
void main();
