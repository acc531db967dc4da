'use strict';
// An independent await in a loop. Expected: await-in-loop at the loop's await.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function fetchItem(id) { await sleep(30); return { id }; }
async function fetchAll(ids) {
  const results = [];
  for (const id of ids) results.push(await fetchItem(id));
  return results;
}
fetchAll([1, 2, 3, 4, 5]).then((r) => console.log(r.length));
