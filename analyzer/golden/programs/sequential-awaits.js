'use strict';
// Three independent awaits one after another. Expected: sequential-awaits at the first await.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function getA() { await sleep(60); return 'a'; }
async function getB() { await sleep(60); return 'b'; }
async function getC() { await sleep(60); return 'c'; }
async function load() {
  const a = await getA();
  const b = await getB();
  const c = await getC();
  return a + b + c;
}
load().then(console.log);
