'use strict';
// Concurrent awaits, nothing to find. Expected: no finding.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function main() {
  const [a, b] = await Promise.all([sleep(30).then(() => 1), sleep(30).then(() => 2)]);
  console.log(a + b);
}
main();
