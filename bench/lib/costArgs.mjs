// The command line bench/fixedCost.mjs, bench/cpuSplit.mjs, bench/workerStart.mjs and bench/childStart.mjs share
//   [--rounds N] [--count N] [--compare DIR] [row-filter…]
// rounds: alternating rounds of runs; count: children or workers in the per-extra rows;
// compare: DIR's dist/cli.js (another build) timed in the same rounds; filters: row names to run.
import { join, resolve } from 'node:path';

export function parseCostArgs(argv, { rounds = 5, count = 4 } = {}) {
  let compare = null;
  const filters = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rounds') rounds = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--count') count = Math.max(1, Number(argv[++i]));
    else if (argv[i] === '--compare') compare = join(resolve(argv[++i]), 'dist/cli.js');
    else filters.push(argv[i]);
  }
  return { rounds, count, compare, filters };
}
