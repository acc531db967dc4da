'use strict';
// Promise.all over async functions that compute and never await. Expected: fake-concurrency at the Promise.all.
async function sumOfSquares(n) {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}
setTimeout(async () => {
  const [a, b] = await Promise.all([sumOfSquares(3e7), sumOfSquares(3e7)]);
  console.log(a === b);
}, 10);
