'use strict';
// Promise.all over async functions that never yield. Expected: fake-concurrency at the Promise.all.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function burn(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) x += Math.sqrt(x + 1);
  return x;
}
async function cpuTaskA() { return burn(40); }
async function cpuTaskB() { return burn(40); }
async function main() {
  await sleep(10);
  const [a, b] = await Promise.all([cpuTaskA(), cpuTaskB()]);
  console.log(a > 0 && b > 0);
}
main();
