// Before/after of the whole CLI (issue 8, streaming): runs `cli.js profile` of two builds on the
// same workloads in alternating pairs and prints medians of wall time and CPU (user+sys of the
// CLI and everything it waited for, from GNU time) and peak RSS.
// Usage: node bench/streamingCli.mjs <distA/cli.js> <distB/cli.js> [rounds=5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const [a, b, rounds = '5'] = process.argv.slice(2);
const workload = join(HERE, 'profilingModes/workload.js');
const dir = mkdtempSync(join(tmpdir(), 'cl-streaming-'));
const cases = { empty: ['empty'], workers4: ['workers'], cpu: ['cpu'], io: ['io'] };
const run = (cli, args) => {
  const out = join(dir, 'time.txt');
  spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, process.execPath, cli, 'profile', workload, '--json', join(dir, 'r.json'), '--', ...args], { stdio: 'ignore' });
  const [wall, user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wallMs: wall * 1000, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024 };
};
const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
console.log('| workload | wall ms A → B | CPU ms A → B | peak RSS MB A → B |');
console.log('|---|---|---|---|');
for (const [name, args] of Object.entries(cases)) {
  const ra = [], rb = [];
  for (let i = 0; i < Number(rounds); i++) { ra.push(run(a, args)); rb.push(run(b, args)); }
  const f = (k) => `${med(ra.map((r) => r[k])).toFixed(0)} → ${med(rb.map((r) => r[k])).toFixed(0)}`;
  console.log(`| ${name} | ${f('wallMs')} | ${f('cpuMs')} | ${f('rssMb')} |`);
}
