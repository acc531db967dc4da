// Fan-out with a slow service and a timeout (TypeScript): today recommendations take 3 s. With a
// plain Promise.all the dashboard would wait for the slowest call, 3 s. Giving the optional call a
// 500 ms budget (AbortSignal.timeout) and a fallback keeps the page at ~500 ms.
// Concurrency Lens should find: nothing.
//
// expect: nothing

import { startSlowService, getText } from '../lib/slow-service.js';

const RECOMMENDATIONS_BUDGET_MS = 500;

async function renderDashboard(baseUrl: string): Promise<string> {
  const [profile, orders, recommendations] = await Promise.all([
    getText(`${baseUrl}/profile?latency=300`),
    getText(`${baseUrl}/orders?latency=200`),
    getText(`${baseUrl}/recommendations?latency=3000`, { signal: AbortSignal.timeout(RECOMMENDATIONS_BUDGET_MS) })
      .catch(() => 'recommendations: unavailable, showing the defaults\n'),
  ]);
  return [profile, orders, recommendations].join('');
}

async function main(): Promise<void> {
  const service = await startSlowService();
  const dashboard = await renderDashboard(service.url);
  console.log(`dashboard built within the time budget:\n${dashboard}`);
  await service.close();
}

main();
