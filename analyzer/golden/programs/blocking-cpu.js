'use strict';
// A timer callback that blocks the event loop with fib for ~50 ms. Expected: blocking-cpu in fib.
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}
setTimeout(() => console.log(fib(31)), 20);
