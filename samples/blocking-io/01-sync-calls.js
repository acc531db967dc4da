// I/O + blocking I/O in async code, plain: 12 reports are downloaded concurrently (arriving every
// 40 ms) and each is saved with fs.writeFileSync (1 MB). The sync call blocks the event loop for
// the whole write, so nothing else (other responses, timers) can run meanwhile.
// Concurrency Lens should find: sync-io at the writeFileSync line (and at the unlinkSync line).
//
// expect: sync-io @ 23
// expect: sync-io @ 24

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
  fs.writeFileSync(file, renderReport(summary));
  fs.unlinkSync(file); // a demo: don't keep the 12 MB
}

async function main() {
  const service = await startSlowService();
  await fs.promises.mkdir(outputDir, { recursive: true });
  const urls = Array.from({ length: REPORTS }, (_, i) => `${service.url}/report/${i}?latency=${100 + 40 * i}`);
  await Promise.all(urls.map(saveReport));
  console.log(`saved ${REPORTS} reports with writeFileSync`);
  await fs.promises.rmdir(outputDir);
  await service.close();
}

main();
