'use strict';
// Sync I/O after start-up. Expected: sync-io at the writeFileSync and execFileSync lines.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const tmp = path.join(os.tmpdir(), `cl-golden-syncio-${process.pid}.txt`);
async function save(data) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  fs.writeFileSync(tmp, data);
  execFileSync('sleep', ['0.05']);
  await fs.promises.unlink(tmp);
}
save('x'.repeat(4 << 20));
