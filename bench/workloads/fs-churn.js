'use strict';
// fs.promises churn: 16 async workers write, read, stat and unlink small files in a temp dir.
const fs = require('fs/promises');
const os = require('os');
const path = require('path');

const WORKERS = 16;
const FILES = Number(process.env.BENCH_FS_FILES || 6000);

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cl-bench-fs-'));
  const t0 = performance.now();
  let next = 0;
  let bytes = 0;
  const payload = 'x'.repeat(512);
  async function worker() {
    while (next < FILES) {
      const n = next++;
      const file = path.join(dir, `f${n}.txt`);
      await fs.writeFile(file, `${n}:${payload}`);
      const text = await fs.readFile(file, 'utf8');
      const st = await fs.stat(file);
      await fs.unlink(file);
      bytes += text.length + st.size;
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const ms = performance.now() - t0;
  await fs.rm(dir, { recursive: true, force: true });
  console.log(`files=${FILES} bytes=${bytes}`);
  console.log(`BENCH_MS=${ms.toFixed(1)}`);
}
main();
