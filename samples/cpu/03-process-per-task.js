// CPU, one child process per task: 8 forked Node processes each compute fib(37).
// Processes run in parallel too, so it is ~2× faster than sequential on 2 cores, but 8 processes
// share 2 cores and each pays Node's start-up and its own memory.
// Concurrency Lens should find: pool-oversubscribed at the `fork(` line (8 busy > 2 cores). Each
// child computes before its event loop ever turns: an info note (a process working for its parent
// over IPC exists to block) is allowed.
//
// expect: pool-oversubscribed @ 20
// allow: info blocking-cpu

const { fork } = require('node:child_process');

const TASKS = 8;
const N = 37;

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function fibInNewProcess(n) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['child', String(n)]);
    child.once('message', resolve).once('error', reject);
  });
}

async function main() {
  const results = await Promise.all(Array.from({ length: TASKS }, () => fibInNewProcess(N)));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times in ${TASKS} processes`);
}

if (process.argv[2] === 'child') {
  process.send(fib(Number(process.argv[3])), () => process.disconnect());
} else {
  main();
}
