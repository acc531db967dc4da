// Many concurrent file writes, default thread pool: 128 files of 4 MB written at once with
// fs.promises.writeFile. Async file I/O in Node runs on libuv's thread pool, which has only 4
// threads by default, so at any moment 4 writes run and the other ~124 wait in its queue (as would
// any dns.lookup, crypto.pbkdf2 or zlib call made meanwhile).
// Concurrency Lens should find: threadpool-saturation at the writeFile line.
//
// expect: threadpool-saturation @ 18

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
  console.log(`wrote ${FILES} × 4 MB with a thread pool of ${process.env.UV_THREADPOOL_SIZE ?? 4}`);
  await fs.rmdir(outputDir);
}

main();
