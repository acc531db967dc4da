// Measures ways of getting CPU profiles out of a running Node program (issue 8: abrupt ends).
//   plain  — no inspector (baseline)
//   full   — today: Profiler.start per thread, one Profiler.stop at the end
//   chunks — Profiler per thread, rotated every CHUNK_MS by overlapping console.profile/profileEnd
//            (Profiler.consoleProfileFinished events stream each chunk to the recorder)
//   trace  — V8's trace-based profiler: NodeTracing with disabled-by-default-v8.cpu_profiler
//            (ProfileChunk events arrive in NodeTracing.dataCollected)
// Workloads (bench/profilingModes/workload.js): cpu, io, empty, workers (4 empty workers), and
// `kill`: a CPU-bound program SIGKILLed 1500 ms after it started (what each mode still has).
// Pairs alternate plain/profiled; medians of ROUNDS. Reports the target's CPU (user+sys, all
// its threads), its wall time, the recorder's CPU and peak RSS, and for `trace` when data arrived.
// Usage: node bench/profilingModes.mjs [rounds=5] [workloads=cpu,io,empty,workers,kill] [modes=full,chunks,trace]
//        (one run: --one <mode> <workload>)
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKLOAD = join(HERE, 'profilingModes/workload.js');
const require = createRequire(join(HERE, '../package.json'));
const CDP = require('chrome-remote-interface');
const CHUNK_MS = 100;
const NO_DOMAINS = { version: { major: '1', minor: '3' }, domains: [] };

if (process.argv[2] === '--one') {
  const out = await one(process.argv[3], process.argv[4]);
  const c = process.cpuUsage();
  out.recorderCpuMs = (c.user + c.system) / 1000;
  out.recorderMaxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
} else {
  const rounds = Number(process.argv[2] ?? 5);
  const rows = [];
  const workloads = (process.argv[3] ?? 'cpu,io,empty,workers,kill').split(',');
  const modes = (process.argv[4] ?? 'full,chunks,trace').split(',');
  for (const workload of workloads) {
    for (const mode of modes) {
      const plain = [], prof = [];
      for (let r = 0; r < rounds; r++) {
        if (workload !== 'kill') plain.push(runOne('plain', workload));
        prof.push(runOne(mode, workload));
      }
      const med = (xs, k) => { const v = xs.map((x) => x[k]).filter((x) => typeof x === 'number').sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : NaN; };
      const row = { workload, mode };
      if (workload !== 'kill') {
        row.plainCpuMs = med(plain, 'cpuMs'); row.cpuMs = med(prof, 'cpuMs');
        row.plainWallMs = med(plain, 'totalMs'); row.wallMs = med(prof, 'totalMs');
      } else row.lostMs = med(prof, 'lostMs');
      row.recorderCpuMs = med(prof, 'recorderCpuMs'); row.recorderMaxRssMb = med(prof, 'recorderMaxRssMb');
      if (mode === 'trace') row.firstDeliveryMs = med(prof, 'firstDeliveryMs');
      rows.push(row);
      console.error(JSON.stringify(row));
    }
  }
  console.log('| workload | mode | target CPU ms plain → profiled | wall ms plain → profiled | lost at SIGKILL ms | recorder CPU ms | recorder peak RSS MB | trace: first delivery ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
  for (const r of rows) {
    console.log(`| ${r.workload} | ${r.mode} | ${r.workload === 'kill' ? '–' : `${f(r.plainCpuMs)} → ${f(r.cpuMs)}`} | ${r.workload === 'kill' ? '–' : `${f(r.plainWallMs)} → ${f(r.wallMs)}`} | ${r.workload === 'kill' ? f(r.lostMs) : '–'} | ${f(r.recorderCpuMs)} | ${r.recorderMaxRssMb?.toFixed(1)} | ${r.mode === 'trace' ? f(r.firstDeliveryMs) : '–'} |`);
  }
}

function runOne(mode, workload) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', mode, workload], { encoding: 'utf8', timeout: 60000 });
  try { return JSON.parse(r.stdout.trim().split('\n').pop()); } catch { console.error(`${mode} ${workload} failed: ${r.stderr}`); return {}; }
}

/** One target run under one mode; resolves with what was measured. */
async function one(mode, workload) {
  const t0 = performance.now();
  const args = [...(mode === 'plain' ? [] : ['--inspect-brk=127.0.0.1:0']), WORKLOAD, workload === 'kill' ? 'cpu' : workload, ...(workload === 'kill' ? ['forever'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let gotLine;
  child.stdout.setEncoding('utf8').on('data', (d) => { for (const l of d.split('\n')) if (l) { lines.push(JSON.parse(l)); gotLine?.(); } });
  const exited = new Promise((r) => child.on('exit', r));
  const nextLine = () => new Promise((r) => { if (lines.length) r(lines.shift()); else gotLine = () => { gotLine = null; r(lines.shift()); }; });
  if (mode === 'plain') {
    const line = await nextLine();
    await exited;
    return { ...line, totalMs: performance.now() - t0 };
  }
  const url = await new Promise((resolve) => {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; const m = /ws:\/\/\S+/.exec(err); if (m) resolve(m[0]); });
  });
  const client = await CDP({ target: url, protocol: NO_DOMAINS });
  const threads = [];
  const chunks = [];
  const deliveries = [];
  let traceEvents = 0;
  let lastTraceSampleUs = 0;
  let traceStart = 0;
  const main = { send: (m, p = {}) => client.send(m, p) };
  client.on('Profiler.consoleProfileFinished', (p) => chunks.push(p.profile));
  client.on('NodeTracing.dataCollected', (p) => {
    deliveries.push(performance.now() - t0);
    for (const e of p.value) {
      traceEvents++;
      if (e.name === 'Profile') traceStart = e.args.data.startTime;
      if (e.name === 'ProfileChunk') for (const d of e.args.data.timeDeltas ?? []) { traceStart += d; lastTraceSampleUs = traceStart; }
    }
  });
  // Workers: attach through NodeWorker, start each one's profiler like the main thread's.
  const pending = new Map();
  let nextId = 1;
  client.on('NodeWorker.attachedToWorker', async ({ sessionId }) => {
    const w = { send: (method, params = {}) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); client.send('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => resolve(null)); }) };
    threads.push(w);
    if (mode !== 'trace') await Promise.all([w.send('Profiler.enable'), w.send('Profiler.setSamplingInterval', { interval: 1000 }), w.send('Profiler.start')]);
    await w.send('Runtime.runIfWaitingForDebugger');
  });
  client.on('NodeWorker.receivedMessageFromWorker', ({ message }) => {
    const m = JSON.parse(message);
    if (m.id !== undefined) { pending.get(m.id)?.(m.result); pending.delete(m.id); } else if (m.method === 'Profiler.consoleProfileFinished') chunks.push(m.params.profile);
  });
  client.on('NodeWorker.detachedFromWorker', () => { for (const r of pending.values()) r(null); pending.clear(); });
  threads.push(main);
  const setup = [main.send('NodeWorker.enable', { waitForDebuggerOnStart: true }), main.send('NodeRuntime.notifyWhenWaitingForDisconnect', { enabled: true })];
  if (mode === 'trace') setup.push(main.send('NodeTracing.start', { traceConfig: { includedCategories: ['disabled-by-default-v8.cpu_profiler'] } }));
  else setup.push(main.send('Profiler.enable'), main.send('Profiler.setSamplingInterval', { interval: 1000 }), main.send('Profiler.start'));
  await Promise.all(setup);
  let rotation = null;
  let n = 0;
  const rotate = (last = false) => {
    const expr = `console.profile('c${n + 1}'); console.profileEnd('c${n}')`.replace(last ? /console\.profile\('c\d+'\); / : /^$/, '');
    return Promise.all(threads.map((t) => t.send('Runtime.evaluate', { expression: expr }).catch(() => undefined)));
  };
  if (mode === 'chunks') {
    await Promise.all(threads.map((t) => t.send('Runtime.evaluate', { expression: `console.profile('c0')` })));
    rotation = setInterval(() => { void rotate(); n++; }, CHUNK_MS);
  }
  const waiting = new Promise((r) => client.on('NodeRuntime.waitingForDisconnect', r));
  await client.send('Runtime.runIfWaitingForDebugger');
  const line = await nextLine();
  if (workload === 'kill') {
    await new Promise((r) => setTimeout(r, 1500));
    const killedAtUs = Number(process.hrtime.bigint() / 1000n);
    child.kill('SIGKILL');
    await exited;
    clearInterval(rotation);
    const lastSampleUs = mode === 'trace' ? lastTraceSampleUs : mode === 'chunks' ? Math.max(0, ...chunks.map((c) => c.endTime)) : 0;
    return { lostMs: lastSampleUs ? (killedAtUs - lastSampleUs) / 1000 : (killedAtUs - line.startedHrUs) / 1000, chunks: chunks.length, traceEvents, deliveries };
  }
  await waiting;
  clearInterval(rotation);
  if (mode === 'full') await main.send('Profiler.stop');
  if (mode === 'chunks') await main.send('Runtime.evaluate', { expression: `console.profileEnd('c${n}')` });
  if (mode === 'trace') {
    const complete = new Promise((r) => client.on('NodeTracing.tracingComplete', r));
    await main.send('NodeTracing.stop');
    await complete;
  }
  await client.close();
  await exited;
  return { ...line, totalMs: performance.now() - t0, chunks: chunks.length, traceEvents, firstDeliveryMs: deliveries[0], deliveries: deliveries.length };
}
