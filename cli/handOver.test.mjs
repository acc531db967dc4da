// End to end: hand-overs (recorder/probe/handOver.ts). A thread that runs another program with
// inherited stdio and waits for it is not CPU-sampled meanwhile (V8's sampler, interrupting a
// thread blocked in a syscall every millisecond, took the cores from the program it waited for),
// and the report says so. Checked on the raw recording: no CPU sample of the waiting thread
// inside its wait, where a run with the pause switched off has hundreds; and on TypeScript 7's
// `tsc`, a node shim of a native compiler (which, on Node >= 22.15, replaces itself with it:
// process.execve, also in analyzer/golden execve).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CLI, ROOT, profile, reportOf, fixture } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const TIMEOUT = 120_000;
const rawPath = () => join(mkdtempSync(join(tmpdir(), 'cl-raw-')), 'raw.json');

/** The hand-over records of each thread of a raw recording, with its samples inside each (a margin cut at both ends). */
function handOversOf(raw) {
  const out = [];
  for (const t of raw.threads) {
    const hello = t.records.find((r) => r.t === 'hello');
    const toHrUs = (perf) => (perf - hello.perfAnchor) * 1000 + hello.hrAnchorUs;
    for (const h of t.records.filter((r) => r.t === 'handOver')) {
      const from = toHrUs(h.at) + 10_000, to = toHrUs(h.until) - 10_000;
      out.push({ pid: t.pid, tid: t.tid, ...h, inside: samplesBetween(t.profile, from, to), waitMs: h.until - h.at });
    }
  }
  return out;
}

/** Samples of `profile` taken in (fromUs, toUs) (CLOCK_MONOTONIC µs, the profile's clock). */
function samplesBetween(profile, fromUs, toUs) {
  if (!profile) return 0;
  let t = profile.startTime, n = 0;
  for (let i = 0; i < profile.samples.length; i++) { t += profile.timeDeltas[i]; if (t > fromUs && t < toUs) n++; }
  return n;
}

/** Samples of the thread whose stacks hold a function named `fn`. */
function samplesIn(profile, fn) {
  return sampleTimesIn(profile, fn).length;
}

/** Times (µs, the profile's clock) of the samples with `fn` on the stack. */
function sampleTimesIn(profile, fn) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    for (let k = profile.samples[i]; k !== undefined; k = parent.get(k)) if (byId.get(k).callFrame.functionName === fn) { out.push(t); break; }
  }
  return out;
}

describe('hand-overs: a main thread and a worker wait for programs that inherit their stdio', () => {
  let run, raw, control, controlRaw;
  const rawFile = rawPath(), controlFile = rawPath();
  before(async () => {
    run = await profile([fixture('handOver/handOver.js')], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: rawFile } });
    raw = JSON.parse(readFileSync(rawFile, 'utf8'));
    // The same program with the pause switched off: the waits are sampled (what the test would see without it).
    control = await profile([fixture('handOver/handOver.js')], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: controlFile, CONCURRENCY_LENS_MEASURE_OFF: 'handOver' } });
    controlRaw = JSON.parse(readFileSync(controlFile, 'utf8'));
  });

  it('the program runs as it would: its children\'s output, its captured output, its exit code', () => {
    reportOf(run);
    assert.equal(run.code, 3, run.stderr.slice(-2000));
    assert.match(run.stdout, /^from-child$/m);
    assert.match(run.stdout, /^captured piped$/m);
    assert.match(run.stdout, /^worker exited 0$/m);
  });

  it('no CPU sample of the waiting threads inside their waits; hundreds without the pause', () => {
    const h = handOversOf(raw);
    const main = h.filter((x) => x.tid === 0), worker = h.filter((x) => x.tid !== 0);
    assert.equal(main.length, 1, JSON.stringify(h));
    assert.equal(worker.length, 1, JSON.stringify(h));
    assert.match(main[0].command, /^\/bin\/sh -c echo from-child; sleep 0\.6$/);
    assert.equal(main[0].call, 'child_process.execFileSync');
    assert.equal(worker[0].command, 'sleep 0.4');
    assert.equal(worker[0].call, 'child_process.execSync');
    for (const x of h) {
      assert.ok(x.waitMs >= 350, `waited ${x.waitMs} ms`);
      assert.equal(x.inside, 0, `pid ${x.pid} tid ${x.tid}: ${x.inside} samples inside its ${x.waitMs} ms wait`);
    }
    // The captured call (pipes) is no hand-over.
    assert.ok(!h.some((x) => /piped/.test(x.command)), JSON.stringify(h));
    // Without the pause the same waits are sampled (no record: measured over the raw profile's main thread between the wait's marks).
    assert.equal(handOversOf(controlRaw).length, 0);
    const t = controlRaw.threads.find((x) => x.tid === 0 && x.profile);
    const sampled = samplesIn(t.profile, 'execFileSync');
    assert.ok(sampled >= 200, `control: ${sampled} samples in execFileSync (the 0.6 s and 0.2 s waits, sampled at 1 ms)`);
  });

  it('after its wait, the main thread is sampled again: its computation is in its profile', () => {
    const t = raw.threads.find((x) => x.tid === 0 && x.profile);
    // Sampled across the 250 ms spin, however sparsely (a busy host may keep V8's sampler thread
    // waiting for a core: 40 samples were seen there, not ~250): the profile resumed by its start.
    const times = sampleTimesIn(t.profile, 'spinAfter');
    const spanMs = times.length ? (times[times.length - 1] - times[0]) / 1000 : 0;
    assert.ok(times.length >= 5 && spanMs >= 150, `${times.length} samples in spinAfter over ${spanMs.toFixed(0)} ms (it spins 250 ms after the hand-over)`);
  });

  it('the report says, per thread, how long it was not sampled, what it waited for and its own CPU then', () => {
    const report = reportOf(run);
    const notes = report.warnings.filter((w) => /not CPU-sampled/.test(w));
    assert.equal(notes.length, 2, report.warnings.join('\n'));
    assert.match(notes.find((w) => !/worker/.test(w)) ?? '', /pid \d+ \(node handOver\.js\): not CPU-sampled for [\d.]+ (ms|s) while it waited for a program it handed its terminal to \(child_process\.execFileSync with inherited stdio: `\/bin\/sh -c echo from-child; sleep 0\.6`\); its own CPU meanwhile: [\d.]+ (µs|ms|s)$/);
    assert.match(notes.find((w) => /worker/.test(w)) ?? '', /pid \d+ worker \d+ .*child_process\.execSync with inherited stdio: `sleep 0\.4`/);
    // The wait is no busy stretch of the lane: no slice of the main lane covers its middle.
    const lane = report.lanes.findIndex((l) => l.kind === 'main');
    const h = handOversOf(raw).find((x) => x.tid === 0);
    const hello = raw.threads.find((x) => x.tid === 0).records.find((r) => r.t === 'hello');
    const mid = (h.at + h.until) / 2 - hello.perfAnchor + (hello.hrAnchorUs - raw.startHrUs) / 1000;
    const s = report.spans.slices;
    const covering = s.lane.map((l, i) => [l, s.start[i], s.end[i]]).filter(([l, a, b]) => l === lane && a <= mid && b >= mid);
    assert.deepEqual(covering, [], `slices over the wait's middle (${mid.toFixed(1)} ms)`);
  });
});

/** Profiles a fixture that hands over once, printing `line`: its hand-overs (handOversOf). */
async function handOversOfFixture(name, line) {
  const rawFile = rawPath();
  const run = await profile([fixture(name)], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: rawFile } });
  assert.equal(run.code, 0, run.stderr.slice(-2000));
  assert.match(run.stdout, new RegExp(`^${line}$`, 'm'));
  const h = handOversOf(JSON.parse(readFileSync(rawFile, 'utf8')));
  assert.equal(h.length, 1, JSON.stringify(h));
  return h[0];
}

describe('hand-overs: child_process is wrapped only where the program loads it', () => {
  it('an ES module that imports child_process: its hand-over is paused (the calls are wrapped as the probe loads)', async () => {
    const h = await handOversOfFixture('handOver/handOver.mjs', 'from-esm-child');
    assert.equal(h.call, 'child_process.execFileSync');
    assert.equal(h.inside, 0, `${h.inside} samples inside the ${h.waitMs} ms wait`);
  });
});

describe('hand-overs: an ES module run through a symlink, as npx and npm scripts run a package\'s bin', () => {
  it('is known as an ES module by the file the link leads to (an extensionless bin of a "type": "module" package, TypeScript 7\'s tsc): its hand-over is paused', async () => {
    // node_modules/.bin/tool → ../tool/bin/tool; the folder of the link has no package.json.
    const dir = mkdtempSync(join(tmpdir(), 'cl-esm-bin-'));
    try {
      mkdirSync(join(dir, 'node_modules/tool/bin'), { recursive: true });
      mkdirSync(join(dir, 'node_modules/.bin'));
      writeFileSync(join(dir, 'node_modules/tool/package.json'), JSON.stringify({ name: 'tool', type: 'module', bin: { tool: 'bin/tool' } }));
      writeFileSync(join(dir, 'node_modules/tool/bin/tool'), `#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
execFileSync('/bin/sh', ['-c', 'echo from-linked-bin; sleep 0.5'], { stdio: 'inherit' });
`);
      symlinkSync('../tool/bin/tool', join(dir, 'node_modules/.bin/tool'));
      const rawFile = rawPath();
      const run = await profile(['node', join(dir, 'node_modules/.bin/tool')], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: rawFile } });
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      assert.match(run.stdout, /^from-linked-bin$/m);
      const h = handOversOf(JSON.parse(readFileSync(rawFile, 'utf8')));
      // Before, the probe took the link's folder for the module's (CommonJS): the calls were never wrapped.
      assert.equal(h.length, 1, JSON.stringify(h));
      assert.equal(h[0].call, 'child_process.execFileSync');
      assert.equal(h[0].inside, 0, `${h[0].inside} samples inside the ${h[0].waitMs} ms wait`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hand-overs: the recorder rotating chunks inside the call', () => {
  it('starts no chunk while the call is paused: its wait stays unsampled (the call\'s own JavaScript spins 400 ms first, where rotations land)', async () => {
    const h = await handOversOfFixture('handOver/slowOptions.js', 'from-slow-options');
    // Before, a rotation there started the next chunk, which sampled the whole wait: ~700 samples.
    assert.equal(h.inside, 0, `${h.inside} samples inside the ${h.waitMs} ms the report says were not sampled`);
    assert.ok(h.waitMs >= 850, `not sampled for ${h.waitMs} ms: the spin and the wait`);
  });
});

describe('TypeScript 7\'s tsc: a node shim that hands over to the native compiler (or execs it)', () => {
  let run, raw;
  const rawFile = rawPath();
  before(async () => {
    run = await profile(['node', join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', fixture('handOver/ts')], { timeoutMs: TIMEOUT, env: { CONCURRENCY_LENS_RAW: rawFile } });
    raw = JSON.parse(readFileSync(rawFile, 'utf8'));
  });
  it('the shim waits unsampled for the compiler (or, where Node can exec, replaces itself with it): the report says what was not recorded; tsc\'s exit code stands', () => {
    const report = reportOf(run);
    assert.equal(run.code, 0, run.stdout + run.stderr.slice(-2000));
    if (typeof process.execve === 'function') {
      // Node >= 22.15: the shim replaces itself with the compiler (process.execve) instead of waiting for it.
      assert.deepEqual(handOversOf(raw), []);
      assert.ok(report.warnings.some((w) => /replaced itself with `\S+[\\/]tsc -p \S+handOver[\\/]ts` \(process\.execve\) at [\d.]+ (ms|s): what that program did under the same pid is not recorded/.test(w)), report.warnings.join('\n'));
      return;
    }
    const h = handOversOf(raw);
    assert.equal(h.length, 1, JSON.stringify(h));
    assert.equal(h[0].inside, 0, `${h[0].inside} samples inside the ${h[0].waitMs} ms wait`);
    assert.match(h[0].command, /-p .*handOver[\\/]ts$/);
    assert.ok(report.warnings.some((w) => /not CPU-sampled .* handed its terminal to \(child_process\.execFileSync with inherited stdio/.test(w)), report.warnings.join('\n'));
    const compiler = report.lanes.find((l) => l.external && l.parentId === report.lanes.find((m) => m.kind === 'main')?.id);
    assert.ok(compiler, report.lanes.map((l) => `${l.id} ${l.label} parent=${l.parentId}`).join('\n'));
  });
});
