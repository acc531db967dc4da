// I/O, async but awaited one at a time (TypeScript): an async generator streams the 20 items.
// It looks modern and non-blocking, and the event loop is indeed free, yet the generator only
// fetches the next item when the consumer asks for it: ~3 s, exactly like the sequential loop.
// Concurrency Lens should find: await-in-loop at the `yield await` line.
//
// expect: await-in-loop @ 15

import { startSlowService, getText } from '../lib/slow-service.js';

const DOWNLOADS = 20;

/** Yields the items in order, fetching each one only when it is asked for. */
async function* downloads(baseUrl: string, count: number): AsyncGenerator<string> {
  for (let id = 1; id <= count; id++) {
    yield await getText(`${baseUrl}/item/${id}`);
  }
}

async function main(): Promise<void> {
  const service = await startSlowService({ latencyMs: 150 });
  let received = 0;
  for await (const page of downloads(service.url, DOWNLOADS)) received += page.length > 0 ? 1 : 0;
  console.log(`streamed ${received} items, one request at a time`);
  await service.close();
}

main();
