// Bench fixture (tsx): typed helpers the program imports, as a real TypeScript project splits them.
import { setTimeout as sleep } from 'node:timers/promises';

export interface Order { id: number; customer: string; lines: { sku: string; qty: number; price: number }[] }

export function makeOrders(n: number, seed: number): Order[] {
  let x = seed >>> 0 || 1;
  const next = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  return Array.from({ length: n }, (_, id) => ({
    id, customer: `c${next() % 500}`,
    lines: Array.from({ length: 1 + (next() % 5) }, () => ({ sku: `s${next() % 300}`, qty: 1 + (next() % 4), price: (next() % 10_000) / 100 })),
  }));
}

export function totalsByCustomer(orders: readonly Order[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const o of orders) {
    const sum = o.lines.reduce((a, l) => a + l.qty * l.price, 0);
    totals.set(o.customer, (totals.get(o.customer) ?? 0) + sum);
  }
  return totals;
}

/** A fake store call: an awaited 10 ms delay, then the data back as JSON would come over the wire. */
export async function fetchBatch(orders: readonly Order[]): Promise<Order[]> {
  await sleep(10);
  return JSON.parse(JSON.stringify(orders)) as Order[];
}
