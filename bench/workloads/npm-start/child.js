'use strict';
// One child of the npm-start fixture: 30 rounds of a little CPU (JSON) and an awaited 25 ms timer.
const { setTimeout: sleep } = require('node:timers/promises');

async function main(id) {
  const doc = Array.from({ length: 2000 }, (_, i) => ({ id: i, owner: id, tags: ['x', 'y'] }));
  let n = 0;
  for (let round = 0; round < 30; round++) {
    n += JSON.parse(JSON.stringify(doc)).length;
    await sleep(25);
  }
  console.log(`child ${id}: ${n}`);
}
main(Number(process.argv[2]));
