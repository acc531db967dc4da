// Fan-out to three services, sequential awaits (TypeScript): a dashboard needs the user's profile
// (300 ms), orders (200 ms) and recommendations (400 ms). None needs another's answer, yet each
// call starts only after the previous one finished: 300 + 200 + 400 = 900 ms.
// Concurrency Lens should find: sequential-awaits at the first await (the profile call).
//
// expect: sequential-awaits @ 11

import { startSlowService, getText } from '../lib/slow-service.js';

async function renderDashboard(baseUrl: string): Promise<string> {
  const profile = await getText(`${baseUrl}/profile?latency=300`);
  const orders = await getText(`${baseUrl}/orders?latency=200`);
  const recommendations = await getText(`${baseUrl}/recommendations?latency=400`);
  return [profile, orders, recommendations].join('');
}

async function main(): Promise<void> {
  const service = await startSlowService();
  const dashboard = await renderDashboard(service.url);
  console.log(`dashboard built from 3 services, one after another:\n${dashboard}`);
  await service.close();
}

main();
