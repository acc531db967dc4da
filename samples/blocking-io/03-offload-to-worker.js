// I/O + blocking I/O in async code, offloaded to a worker: the same 12 reports, and the code that
// must stay synchronous (here writeFileSync) runs in a worker thread. It still blocks, but only the
// worker's thread; the main event loop stays free. Useful when a library only has a sync API.
// Concurrency Lens should find: nothing on the main thread. A sync call inside a worker blocks
// nobody else, so at most an info note about it is acceptable.
//
// expect: nothing
// allow: info sync-io

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker, isMainThread } = require('node:worker_threads');
const { startSlowService, getText } = require('../lib/slow-service');
const { createPool, serveTasks } = require('../lib/pool');

const REPORTS = 12;
const REPORT_BYTES = 1024 * 1024;
const outputDir = path.join(os.tmpdir(), `concurrency-lens-sample-${process.pid}`);

const renderReport = (summary) => Buffer.alloc(REPORT_BYTES, summary);

function writeReportSync({ file, summary }) {
  fs.writeFileSync(file, renderReport(summary));
  fs.unlinkSync(file); // a demo: don't keep the 12 MB
  return file;
}

async function main() {
  const service = await startSlowService();
  const writer = createPool(1, () => new Worker(__filename));
  await fs.promises.mkdir(outputDir, { recursive: true });
  const saveReport = async (url, index) => {
    const summary = await getText(url);
    return writer.run({ file: path.join(outputDir, `report-${index}.txt`), summary });
  };
  const urls = Array.from({ length: REPORTS }, (_, i) => `${service.url}/report/${i}?latency=${100 + 40 * i}`);
  await Promise.all(urls.map(saveReport));
  console.log(`saved ${REPORTS} reports from a worker thread`);
  await writer.close();
  await fs.promises.rmdir(outputDir);
  await service.close();
}

if (isMainThread) main();
else serveTasks(writeReportSync);
