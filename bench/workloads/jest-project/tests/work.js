// Shared by the test files (as bench/workloads/vitest-project's, in CommonJS): a little CPU
// (sorting, JSON) and awaited timers, as unit tests do.
const { setTimeout: sleep } = require('node:timers/promises');

function records(n, seed) {
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  return Array.from({ length: n }, (_, i) => ({ id: i, score: next() % 1000, name: `r${next().toString(36)}` }));
}

async function roundTrip(rows) {
  await sleep(5);
  return JSON.parse(JSON.stringify(rows));
}

function topScores(rows, k) {
  return [...rows].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

module.exports = { records, roundTrip, topScores };
