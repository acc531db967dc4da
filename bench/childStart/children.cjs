'use strict';
// bench/childStart.mjs's program: CL_BENCH_CHILDREN node child processes spawned one after another
// (`node -e`, stdio piped), each reporting [the CPU time its main thread had used when its first
// line ran (Linux: schedstat's ns on a CPU), ms from spawn() to that line, ms from it to the
// child's 'exit' event] (on CLOCK_MONOTONIC, which every process shares). CL_BENCH_CHILD_ARGS: a
// JSON array of node options for the children (`--cpu-prof`, which NODE_OPTIONS may not carry).
const { spawn } = require('node:child_process');

const N = Number(process.env.CL_BENCH_CHILDREN || 8);
const args = JSON.parse(process.env.CL_BENCH_CHILD_ARGS || '[]');
const first = `const at = process.hrtime();
const ms = Number(require('node:fs').readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
process.stdout.write('CHILD_FIRST ' + JSON.stringify([ms, at[0] * 1e3 + at[1] / 1e6]) + '\\n');`;

const clock = () => { const [s, ns] = process.hrtime(); return s * 1e3 + ns / 1e6; };

function one() {
  return new Promise((resolve, reject) => {
    let out = '';
    const spawned = clock();
    const c = spawn(process.execPath, [...args, '-e', first], { stdio: ['ignore', 'pipe', 'inherit'] });
    c.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    c.on('error', reject);
    c.on('exit', (code) => {
      const exited = clock();
      const m = /^CHILD_FIRST (.+)$/m.exec(out);
      if (code !== 0 || !m) { reject(new Error(`a child exited ${code} without its figures: ${out}`)); return; }
      const [cpuMs, firstAt] = JSON.parse(m[1]);
      resolve([cpuMs, firstAt - spawned, exited - firstAt]);
    });
  });
}

(async () => {
  const out = [];
  for (let i = 0; i < N; i++) out.push(await one());
  console.log(`CHILD_START ${JSON.stringify(out)}`);
})();
