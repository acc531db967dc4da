// I/O + blocking I/O in async code, with the async API: the same 12 reports, saved with
// fs.promises.writeFile. The write runs on libuv's thread pool, so the event loop keeps serving
// other responses while the disk works.
// Concurrency Lens should find: nothing.
//
// expect: nothing

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSlowService, getText } = require('../lib/slow-service');

const REPORTS = 12;
const REPORT_BYTES = 1024 * 1024;
const outputDir = path.join(os.tmpdir(), `concurrency-lens-sample-${process.pid}`);

const renderReport = (summary) => Buffer.alloc(REPORT_BYTES, summary);

async function saveReport(url, index) {
  const summary = await getText(url);
  const file = path.join(outputDir, `report-${index}.txt`);
  await fs.promises.writeFile(file, renderReport(summary));
  await fs.promises.unlink(file); // a demo: don't keep the 12 MB
}

async function main() {
  const service = await startSlowService();
  await fs.promises.mkdir(outputDir, { recursive: true });
  const urls = Array.from({ length: REPORTS }, (_, i) => `${service.url}/report/${i}?latency=${100 + 40 * i}`);
  await Promise.all(urls.map(saveReport));
  console.log(`saved ${REPORTS} reports with fs.promises.writeFile`);
  await fs.promises.rmdir(outputDir);
  await service.close();
}

main();
