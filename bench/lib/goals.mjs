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

/** The goal `check` on V8's profiler alone's figure `f`: null when it was not measured or there is no goal. */
const floorMet = (f, check) => (check && Number.isFinite(f) ? check(f) : null);

const fixedCost = (limitMs) => ({
  id: 'fixed-cost', figure: 'fixed cost, empty program', goal: `≤ ${limitMs} ms`, needs: ['empty'],
  compute: ({ empty }) => {
    const check = (v) => v <= limitMs;
    return { ...walls(empty), value: empty.deltaMs, measured: fmtDeltaMs(empty.deltaMs), floor: fmtDeltaMs(empty.floor.deltaMs), met: check(empty.deltaMs),
      floorValue: empty.floor.deltaMs, floorMet: floorMet(empty.floor.deltaMs, check) };
  },
});

/** Slope of (profiled − plain) wall between SPAWN_N extra threads/processes and none (the empty program). */
const perExtra = (id, workload, what, limitMs) => ({
  id, figure: `added cost per extra ${what} (${SPAWN_N} vs 0)`, goal: `≤ ${limitMs} ms`, needs: ['empty', workload],
  compute: (w) => {
    const v = (w[workload].deltaMs - w.empty.deltaMs) / SPAWN_N;
    const f = (w[workload].floor.deltaMs - w.empty.floor.deltaMs) / SPAWN_N;
    const check = (x) => x <= limitMs;
    return { ...walls(w[workload]), value: v, measured: `${fmtDeltaMs(v)} each`, floor: Number.isFinite(f) ? `${fmtDeltaMs(f)} each` : '—', met: check(v),
      floorValue: f, floorMet: floorMet(f, check) };
  },
});

const ratio = (id, figure, workload, limit) => ({
  id, figure, goal: limit ? `≤ ${limit}×` : '—', needs: [workload],
  compute: (w) => {
    const check = limit ? (x) => x <= limit : null;
    const f = w[workload].floor.wallRatio;
    return { ...walls(w[workload]), value: w[workload].wallRatio, measured: fmtRatio(w[workload].wallRatio), floor: fmtRatio(f), met: check ? check(w[workload].wallRatio) : null,
      floorValue: f, floorMet: floorMet(f, check) };
  },
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
      const check = (x) => x >= 0.97;
      return { plain: fmtRate(s.plainRps), profiled: fmtRate(s.profRps), value: s.rpsRatio, measured: fmtPercent(s.rpsRatio), floor: fmtPercent(s.floorRatio), met: check(s.rpsRatio),
        floorValue: s.floorRatio, floorMet: floorMet(s.floorRatio, check) };
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
  {
    id: 'fixed-cost-no-extra-ca', figure: 'fixed cost with NODE_EXTRA_CA_CERTS unset', goal: '—', needs: ['empty-no-extra-ca'],
    compute: ({ 'empty-no-extra-ca': e }) => ({ ...walls(e), value: e.deltaMs, measured: fmtDeltaMs(e.deltaMs), floor: fmtDeltaMs(e.floor.deltaMs), met: null }),
  },
  {
    id: 'server-mix', figure: 'Express route mix under autocannon, req/s', goal: '—', needs: ['server-mix'],
    compute: (m) => {
      const s = m['server-mix'];
      return { plain: fmtRate(s.plainRps), profiled: fmtRate(s.profRps), value: s.rpsRatio, measured: fmtPercent(s.rpsRatio), floor: fmtPercent(s.floorRatio), met: null };
    },
  },
];
