'use strict';
// Bench fixture (`npm run start`): a parent that starts 3 child processes at once and waits for them.
const { spawn } = require('node:child_process');
const path = require('node:path');

function child(i) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(__dirname, 'child.js'), String(i)], { stdio: ['ignore', 'inherit', 'inherit'] });
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child ${i} exited ${code}`))));
  });
}

const t0 = performance.now();
Promise.all([0, 1, 2].map(child)).then(() => {
  console.log(`BENCH_MS=${(performance.now() - t0).toFixed(1)}`);
}, (e) => { console.error(e.message); process.exitCode = 1; });
