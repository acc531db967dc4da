// Many concurrent file writes, larger thread pool: the same 128 writes with UV_THREADPOOL_SIZE=128,
// so every write gets a thread and none waits in libuv's queue. On this VM that finishes 1–2.4×
// sooner (the kernel takes the writes in parallel), but no more: the writes now wait on the kernel
// and the disk instead of on the pool. A bigger pool pays off while the pool is the bottleneck.
// Concurrency Lens should find: nothing (no queueing behind the pool).
//
// expect: nothing
// env: UV_THREADPOOL_SIZE=128

// Must be set before the first thread-pool call; `npm run threadpool:bigger` also sets it.
process.env.UV_THREADPOOL_SIZE ??= '128';

const fs = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const FILES = 128;
const FILE_BYTES = 4 * 1024 * 1024;

// Writes one file, then deletes it again (a demo: no need to keep 512 MB around).
async function writeAndDelete(file, data) {
  await fs.writeFile(file, data);
  await fs.unlink(file);
}

// Starts every write at once; all of them then queue for libuv's thread pool.
const writeAll = (files, data) => Promise.all(files.map((file) => writeAndDelete(file, data)));

async function main() {
  const outputDir = path.join(os.tmpdir(), `concurrency-lens-sample-${process.pid}`);
  const data = Buffer.alloc(FILE_BYTES, 'x');
  await fs.mkdir(outputDir, { recursive: true });
  const files = Array.from({ length: FILES }, (_, i) => path.join(outputDir, `file-${i}.bin`));
  await writeAll(files, data);
  console.log(`wrote ${FILES} × 4 MB with a thread pool of ${process.env.UV_THREADPOOL_SIZE}`);
  await fs.rmdir(outputDir);
}

main();
