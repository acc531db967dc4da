// Fan-out to three services with Promise.all (TypeScript): the three calls start together and the
// dashboard is ready when the slowest one answers: max(300, 200, 400) = 400 ms instead of 900 ms.
// Concurrency Lens should find: nothing.
//
// expect: nothing

import { startSlowService, getText } from '../lib/slow-service.js';

async function renderDashboard(baseUrl: string): Promise<string> {
  const [profile, orders, recommendations] = await Promise.all([
    getText(`${baseUrl}/profile?latency=300`),
    getText(`${baseUrl}/orders?latency=200`),
    getText(`${baseUrl}/recommendations?latency=400`),
  ]);
  return [profile, orders, recommendations].join('');
}

async function main(): Promise<void> {
  const service = await startSlowService();
  const dashboard = await renderDashboard(service.url);
  console.log(`dashboard built from 3 services at once:\n${dashboard}`);
  await service.close();
}

main();
