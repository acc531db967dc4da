// The programs `npm run bench` times, plain and profiled (bench/workloads/). Each is run in alternating
// pairs; the goal rows (bench/lib/goals.mjs) are computed from their medians.
//   cmd: a node script (absolute path, run with this node) and its arguments, or a command as a user
//        types it (npx, npm), run in cwd;
//   sameStatus: the program may exit non-zero, but the profiled run must exit as the plain one did;
//   unsetEnv: variables removed from the environment of both runs.
import { join } from 'node:path';
import { ROOT } from './timedRun.mjs';

const W = join(ROOT, 'bench/workloads');
const script = (file, ...args) => [join(W, file), ...args];

export const SPAWN_N = 8;

export const WORKLOADS = [
  { id: 'empty', what: 'empty program', cmd: script('empty.js'), cwd: ROOT },
  // Node 20 reads NODE_EXTRA_CA_CERTS's certificates as every process starts (22 and 24 when TLS
  // first needs them; 21 not checked): a profiled run starts node twice (the CLI, then the program).
  { id: 'empty-no-extra-ca', what: 'empty program, NODE_EXTRA_CA_CERTS unset', cmd: script('empty.js'), cwd: ROOT, unsetEnv: ['NODE_EXTRA_CA_CERTS'] },
  { id: 'workers', what: `${SPAWN_N} worker threads, one after another, each ending at once`, cmd: script('spawn-n.js', 'workers', String(SPAWN_N)), cwd: ROOT },
  { id: 'children', what: `${SPAWN_N} child processes (node -e), one after another, each ending at once`, cmd: script('spawn-n.js', 'children', String(SPAWN_N)), cwd: ROOT },
  { id: 'http-fanout', what: '2,000 GETs, 25 in flight, 20 ms server latency', cmd: script('http-fanout.js'), cwd: ROOT },
  { id: 'timers', what: '200 loops × 180 awaited 10 ms timers', cmd: script('timers.js'), cwd: ROOT },
  { id: 'fs-churn', what: '6,000 × write/read/stat/unlink, 16 in flight', cmd: script('fs-churn.js'), cwd: ROOT },
  { id: 'promise-storm', what: '10M async calls awaiting = 20M promises', cmd: script('promise-storm.js'), cwd: ROOT },
  { id: 'cpu', what: 'fib(27) × 320 in 40 setImmediate chunks', cmd: script('cpu.js'), cwd: ROOT },
  { id: 'tsc', what: 'npx tsc -p bench/workloads/tsc-project: this repo\'s sources, lib checking on, no emit', cmd: ['npx', 'tsc', '-p', 'bench/workloads/tsc-project'], cwd: ROOT, sameStatus: true },
  { id: 'vitest', what: 'npx vitest run: 6 spec files × 8 tests (JSON, sorting, awaited timers)', cmd: ['npx', 'vitest', 'run'], cwd: join(W, 'vitest-project') },
  { id: 'piscina', what: 'piscina pool of 4 threads, 160 SHA-256 chain tasks', cmd: script('piscina-pool/main.js'), cwd: ROOT },
  { id: 'npm-start', what: 'npm run start: a parent with 3 child processes (JSON + awaited timers)', cmd: ['npm', 'run', 'start'], cwd: join(W, 'npm-start') },
  { id: 'tsx', what: 'npx tsx main.ts: a TypeScript program of two modules (awaited batches, Maps)', cmd: ['npx', 'tsx', 'main.ts'], cwd: join(W, 'tsx-program') },
  // Not in the goals (no goal: info): the test runner most programs use. On 2 cores its
  // workers are the cores less one, so it runs the files in band, in its own process.
  { id: 'jest', what: 'npx jest: 6 test files × 8 tests (JSON, sorting, awaited timers), as vitest\'s', cmd: ['npx', 'jest'], cwd: join(W, 'jest-project') },
];
