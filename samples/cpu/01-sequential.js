// CPU, sequential: compute fib(37) eight times on the main thread (~2.5 s).
// One core does all the work while the other idles (CPU ≈ 100 %, not 200 %), and the event
// loop is blocked for the whole run: no timer, socket or callback could run meanwhile.
// Concurrency Lens should find: blocking-cpu at the fib line (the hottest user code).
//
// expect: blocking-cpu @ 12

const TASKS = 8;
const N = 37;

// Naive fibonacci, on one line so that every CPU sample of it lands on the same line.
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));

function main() {
  const results = [];
  for (let task = 0; task < TASKS; task++) results.push(fib(N));
  console.log(`fib(${N}) = ${results[0]}, computed ${results.length} times in a row`);
}

main();
