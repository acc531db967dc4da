// The goals table of issue 12, one row per figure, in the order (then rows with no goal, "info").
// Each row names what it needs measured (workload ids of bench/lib/workloads.mjs, server ids of
// bench/servers.mjs, 'render' for bench/render.mjs) and computes its cells from their summaries
// (`compute` gets one object keyed by those names):
//   figure | plain | profiled | measured | V8 profiler alone | goal | met?
// `value` is the figure the goal is checked on; `met` is true/false, or null when there is no goal.
// `floor`: the same figure with V8's profiler alone instead of ours (bench/lib/v8Floor.ts), where the
// row is a workload's or a server's: what any tool built on V8's profiler costs there ('—' when not
// measured; a server's at the interval the recorder samples a saturated server at: bench/servers.mjs).
// `floorMet`: the goal checked on that figure (`floorValue`) the same way: false where V8's profiler
// alone misses the goal on this machine and Node, which then no tool built on it meets; null where
// there is no floor figure or no goal.
import { ZOOM_LEVEL_NAMES, frameGoalMet } from '../render.mjs';
import { SPAWN_N } from './workloads.mjs';
import { fmtMs, fmtDeltaMs, fmtRatio, fmtPercent, fmtMb, fmtRate } from './format.mjs';

const walls = (w) => ({ plain: fmtMs(w.med.plainWall), profiled: fmtMs(w.med.profWall) });

/**
 * A row's figures and verdicts: our figure `value` and V8's profiler alone's `floorValue`, each
 * checked by the goal's `check` (null: the row has no goal; floorMet null too when the floor was not measured).
 */
const verdicts = (value, floorValue, check) => ({
  value, met: check ? check(value) : null,
  floorValue, floorMet: check && Number.isFinite(floorValue) ? check(floorValue) : null,
});

const fixedCost = (limitMs) => ({
  id: 'fixed-cost', figure: 'fixed cost, empty program', goal: `≤ ${limitMs} ms`, needs: ['empty'],
  compute: ({ empty }) => ({ ...walls(empty), measured: fmtDeltaMs(empty.deltaMs), floor: fmtDeltaMs(empty.floor.deltaMs),
    ...verdicts(empty.deltaMs, empty.floor.deltaMs, (v) => v <= limitMs) }),
});

/** Slope of (profiled − plain) wall between SPAWN_N extra threads/processes and none (the empty program). */
const perExtra = (id, workload, what, limitMs) => ({
  id, figure: `added cost per extra ${what} (${SPAWN_N} vs 0)`, goal: `≤ ${limitMs} ms`, needs: ['empty', workload],
  compute: (w) => {
    const v = (w[workload].deltaMs - w.empty.deltaMs) / SPAWN_N;
    const f = (w[workload].floor.deltaMs - w.empty.floor.deltaMs) / SPAWN_N;
    return { ...walls(w[workload]), measured: `${fmtDeltaMs(v)} each`, floor: Number.isFinite(f) ? `${fmtDeltaMs(f)} each` : '—', ...verdicts(v, f, (x) => x <= limitMs) };
  },
});

const ratio = (id, figure, workload, limit) => ({
  id, figure, goal: limit ? `≤ ${limit}×` : '—', needs: [workload],
  compute: (w) => ({ ...walls(w[workload]), measured: fmtRatio(w[workload].wallRatio), floor: fmtRatio(w[workload].floor.wallRatio),
    ...verdicts(w[workload].wallRatio, w[workload].floor.wallRatio, limit ? (x) => x <= limit : null) }),
});

export const GOALS = [
  fixedCost(120),
  perExtra('per-thread', 'workers', 'thread', 20),
  perExtra('per-process', 'children', 'process', 20),
  ratio('http-fanout', 'whole-command ratio, HTTP fan-out (~2 s I/O)', 'http-fanout', 1.08),
  ratio('timers', 'whole-command ratio, timers (~2 s I/O)', 'timers', 1.08),
  ratio('fs-churn', 'whole-command ratio, fs churn', 'fs-churn', 1.12),
  ratio('promise-storm', 'whole-command ratio, 20M-promise storm', 'promise-storm', 1.3),
  ratio('real-tsc', 'real program: npx tsc (this repo)', 'tsc', 1.15),
  ratio('real-vitest', 'real program: npx vitest run', 'vitest', 1.15),
  ratio('real-piscina', 'real program: piscina pool', 'piscina', 1.15),
  ratio('real-npm-start', 'real program: npm run start (3 children)', 'npm-start', 1.15),
  ratio('real-tsx', 'real program: npx tsx', 'tsx', 1.15),
  {
    id: 'server-trivial', figure: 'trivial HTTP route under autocannon, req/s', goal: '≥ 97 % of plain', needs: ['server-trivial'],
    compute: (m) => {
      const s = m['server-trivial'];
      return { plain: fmtRate(s.plainRps), profiled: fmtRate(s.profRps), measured: fmtPercent(s.rpsRatio), floor: fmtPercent(s.floorRatio), ...verdicts(s.rpsRatio, s.floorRatio, (x) => x >= 0.97) };
    },
  },
  {
    id: 'profiler-rss', figure: 'profiler\'s own peak RSS (CLI process), tsc run', goal: '≤ 80 MB', needs: ['tsc'],
    compute: ({ tsc }) => ({ plain: '—', profiled: `${fmtMs(tsc.med.profWall)} run`, value: tsc.med.cliRssKb / 1024, measured: fmtMb(tsc.med.cliRssKb), met: tsc.med.cliRssKb / 1024 <= 80 }),
  },
  {
    id: 'first-paint', figure: 'timeline first paint, 1M spans over 20 lanes', goal: '≤ 400 ms', needs: ['render'],
    compute: ({ render }) => ({ plain: '—', profiled: '—', value: render.firstPaintMs, measured: fmtMs(render.firstPaintMs), met: render.firstPaintMs <= 400 }),
  },
  ...ZOOM_LEVEL_NAMES.map((name, i) => ({
    id: `frame-${i}`, figure: `timeline frame, zoom: ${name} of the run on screen (main-thread CPU)`, goal: 'p95 ≤ 16 ms, max ≤ 33 ms', needs: ['render'],
    compute: ({ render }) => {
      const l = render.levels[i];
      return { plain: '—', profiled: '—', value: l.cpuP95, measured: `p95 ${fmtMs(l.cpuP95)}, max ${fmtMs(l.cpuMax)} (render() wall p95 ${fmtMs(l.p95)})`, met: frameGoalMet(l) };
    },
  })),
  // No goal in the issue: shown for context.
  ratio('cpu', 'whole-command ratio, CPU-bound (fib)', 'cpu', null),
  ratio('real-jest', 'real program: npx jest', 'jest', null),
  {
    id: 'fixed-cost-no-extra-ca', figure: 'fixed cost with NODE_EXTRA_CA_CERTS unset', goal: '—', needs: ['empty-no-extra-ca'],
    compute: ({ 'empty-no-extra-ca': e }) => ({ ...walls(e), measured: fmtDeltaMs(e.deltaMs), floor: fmtDeltaMs(e.floor.deltaMs), ...verdicts(e.deltaMs, e.floor.deltaMs, null) }),
  },
  {
    id: 'server-mix', figure: 'Express route mix under autocannon, req/s', goal: '—', needs: ['server-mix'],
    compute: (m) => {
      const s = m['server-mix'];
      return { plain: fmtRate(s.plainRps), profiled: fmtRate(s.profRps), measured: fmtPercent(s.rpsRatio), floor: fmtPercent(s.floorRatio), ...verdicts(s.rpsRatio, s.floorRatio, null) };
    },
  },
];
