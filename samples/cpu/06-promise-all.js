// CPU, Promise.all over CPU work: eight "async" fib(37) calls gathered with Promise.all.
// `async` does not move work off the thread: each call runs fib to completion before it even
// returns its promise, so the eight run one after another on the main thread, ~2.5 s, no faster
// than the plain loop. This is Node's version of Python's GIL trap: concurrency without parallelism.
// Concurrency Lens should find: fake-concurrency at the `await Promise.all` line, and blocking-cpu
// at the fib line.
//
// expect: fake-concurrency @ 22
// expect: blocking-cpu @ 14

const TASKS = 8;
const N = 37;

const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

/** Looks asynchronous, but never waits for anything. */
async function fibAsync(n) {
  return fib(n);
}

async function main() {
  const results = await Promise.all(Array.from({ length: TASKS }, () => fibAsync(N)));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times "concurrently"`);
}

main();
