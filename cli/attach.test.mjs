// End to end: `concurrency-lens attach` (issue 13) on real servers that were already running,
// under real load: an Express server with a CPU-heavy route under autocannon, and a piscina pool.
// After the detach the process still serves, its inspector is closed again (or left open if it
// was open before), its active resources are what they were and its heap has not grown beyond a
// bound. Bad targets are refused with a clear message. No wall-clock speed assertions: every wait
// is bounded and generous (the machine may be loaded), assertions are on counts and structure.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { CLI, ROOT, fixture, lineOf, lateOnCpuTicks } from './fixtures/harness.mjs';

before(() => assert.ok(existsSync(CLI), `${CLI} missing: npm run build`));

const started = [];
after(() => { for (const c of started) { try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } } });

/** Starts a fixture server (own process group) and resolves with { child, port } once it listens. */
function startServer(file, nodeArgs = [], options = {}) {
  const child = spawn(process.execPath, [...nodeArgs, fixture(file)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  started.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 60 s\n${stderr}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (line) { clearTimeout(timer); resolve({ child, port: JSON.parse(line).port, stderr: () => stderr }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited (${code})\n${stderr}`)); });
  });
}

const state = async (port) => (await fetch(`http://127.0.0.1:${port}/state`)).json();

/** TCP ports process `pid` listens on, from /proc (its socket inodes in its namespace's tables). */
function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try { const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`)); if (m) inodes.add(m[1]); } catch { /* closed */ }
  }
  const ports = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9])) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/**
 * Runs `concurrency-lens attach <target> --json <tmp> …`; `whileRecording()` runs once the CLI
 * says it is recording, then the CLI gets SIGINT (unless args hold --duration). Resolves with
 * { code, stdout, stderr, report }.
 */
function attachCli(target, args = [], whileRecording = async () => undefined, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cl-attach-'));
  const jsonPath = join(dir, 'report.json');
  const child = spawn(process.execPath, [CLI, 'attach', String(target), '--json', jsonPath, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.push(child);
  let stdout = '', stderr = '', driven = false;
  const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
  return new Promise((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      if (!driven && /recording pid \d+/.test(stderr)) {
        driven = true;
        Promise.resolve(whileRecording()).then(
          () => { if (!args.includes('--duration')) child.kill('SIGINT'); },
          (e) => { stderr += `\nTEST: whileRecording failed: ${e.stack}`; child.kill('SIGINT'); });
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let report;
      try { report = JSON.parse(readFileSync(jsonPath, 'utf8')); } catch { /* none written */ }
      resolve({ code, stdout, stderr, report });
    });
  });
}

function load(port, path, connections, amount) {
  return new Promise((resolve, reject) => autocannon({ url: `http://127.0.0.1:${port}${path}`, connections, amount, timeout: 60 }, (err, r) => (err ? reject(err) : resolve(r))));
}

describe('attach to a running Express server under autocannon', { timeout: 300_000 }, () => {
  let server, before, run, sent;
  it('records it, detaches, and the report has the blocking line and the requests', async () => {
    // --inspect-port=0: SIGUSR1 opens the inspector on a free port (9229 may be taken on a shared machine).
    server = await startServer('attach/express-cpu.js', ['--expose-gc', '--inspect-port=0']);
    await load(server.port, '/fast', 2, 20); // warm up: what is allocated once is not the attach's
    before = await state(server.port);
    assert.equal(before.inspector, null);
    const portsBefore = listeningPorts(server.child.pid);
    run = await attachCli(server.child.pid, [], async () => {
      const [cpu, fast] = await Promise.all([load(server.port, '/cpu', 2, 12), load(server.port, '/fast', 4, 100)]);
      sent = { cpu, fast };
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.report, `no report\n${run.stderr}`);

    // The process is as it was: serving, inspector closed, same resources, heap within a bound.
    const after = await state(server.port);
    assert.equal(after.inspector, null, 'the inspector the attach opened is closed');
    assert.equal(after.recorded, 'undefined', 'the agent global is gone');
    assert.deepEqual(listeningPorts(server.child.pid), portsBefore, 'no inspector port left listening');
    const handles = (s) => s.resources.filter((r) => r !== 'TCPSocketWrap').sort();
    assert.deepEqual(handles(after), handles(before), 'active resources (sockets of open requests aside) are as before the attach');
    assert.ok(after.heapUsed - before.heapUsed < 16 * 1024 * 1024, `heap grew by ${((after.heapUsed - before.heapUsed) / 1e6).toFixed(1)} MB`);
    assert.equal(server.child.exitCode, null, 'still running');
    const again = await load(server.port, '/fast', 1, 5);
    assert.equal(again['2xx'], 5, 'still serves requests after the detach');
  });

  it('says it was attached and what an attached run cannot have', () => {
    const p = run.report.program;
    assert.equal(p.attached?.pid, server.child.pid);
    assert.equal(p.attached.openedInspector, true);
    assert.ok(p.attached.notRecorded.some((n) => /per-await/.test(n)));
    assert.ok(run.report.warnings[0].startsWith(`Attached to running pid ${server.child.pid}`), run.report.warnings[0]);
    assert.match(run.stderr, /note: Attached to running pid/);
    assert.equal(p.stopReason, 'stopped');
  });

  it('finds the CPU-heavy line blocking the event loop', () => {
    const file = fixture('attach/express-cpu.js');
    const blocking = run.report.findings.filter((f) => f.kind === 'blocking-cpu');
    assert.ok(blocking.some((f) => f.location.file === file && f.location.line === lineOf(file, 'cpu')),
      `no blocking-cpu at line ${lineOf(file, 'cpu')}: ${JSON.stringify(run.report.findings.map((f) => [f.kind, f.location.file, f.location.line]))}`);
  });

  it('counts every request autocannon sent, by Express route', () => {
    const routes = Object.fromEntries((run.report.routes ?? []).filter((r) => r.kind === 'server').map((r) => [r.route, r]));
    assert.equal(routes['/cpu']?.count, sent.cpu.requests.sent, JSON.stringify(run.report.routes));
    assert.equal(routes['/fast']?.count, sent.fast.requests.sent);
    assert.ok(run.report.metrics.eventLoopLagMs.max > 0, 'lag ticks recorded');
  });
});

describe('attach to a server that saturates the thread pool', { timeout: 300_000 }, () => {
  it('sees the queue from the trace and says the calling lines cannot be seen when attached', async () => {
    const server = await startServer('attach/express-cpu.js', ['--inspect-port=0']);
    const run = await attachCli(server.child.pid, [], async () => {
      const answers = await Promise.all([1, 2].map(() => fetch(`http://127.0.0.1:${server.port}/hash`).then((r) => r.text())));
      assert.deepEqual(answers, ['hashed', 'hashed']);
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.report.metrics.threadpool.maxQueued >= 8, JSON.stringify(run.report.metrics.threadpool));
    assert.ok(run.report.warnings.some((w) => /thread pool was saturated .* an attached run cannot see/.test(w)), JSON.stringify(run.report.warnings));
    assert.ok(!run.report.warnings.some((w) => /not traced to a call in your files/.test(w)), 'never claims the work was not the program\'s');
  });
});

describe('attach to a piscina pool', { timeout: 300_000 }, () => {
  it('records the existing worker threads with their CPU, and leaves the pool running', async () => {
    const server = await startServer('attach/piscina-pool.js', ['--inspect-port=0']);
    const portsBefore = listeningPorts(server.child.pid);
    const doneBefore = (await state(server.port)).done;
    // Recorded for as long as it takes the pool to finish 20 more tasks (CPU time, not wall time).
    const run = await attachCli(server.child.pid, [], async () => {
      for (let t0 = (await state(server.port)).done, i = 0; (await state(server.port)).done < t0 + 20 && i < 1200; i++) await new Promise((r) => setTimeout(r, 100));
    });
    assert.equal(run.code, 0, run.stderr);
    const workers = run.report.lanes.filter((l) => l.kind === 'worker');
    assert.equal(workers.length, 2, JSON.stringify(run.report.lanes.map((l) => [l.id, l.kind])));
    for (const w of workers) assert.ok(w.busyMs > 0, `worker ${w.id} has no CPU: ${JSON.stringify(w)}`);
    const after = await state(server.port);
    assert.equal(after.inspector, null);
    assert.deepEqual(listeningPorts(server.child.pid), portsBefore);
    assert.ok(after.done > doneBefore + 20, 'the pool kept working');
    assert.equal(after.threads, 2);
  });
});

describe('attach to a program whose profile chunks are costly to end (1 ms tasks over a wide profile)', { timeout: 300_000 }, () => {
  it("the lag leaves out the chunk ends, and the main lane states their time", async () => {
    const { child } = await startServer('attach/wide-profile.js');
    const rawFile = join(mkdtempSync(join(tmpdir(), 'cl-attach-wide-')), 'raw.json');
    const r = await attachCli(child.pid, ['--duration', '4'], undefined, { CONCURRENCY_LENS_RAW: rawFile });
    assert.equal(r.code, 0, r.stderr);
    const lane = r.report.lanes.find((l) => l.pid === child.pid && l.threadId === 0);
    assert.ok(lane?.profileChunksMs >= 40, `the lane states ${lane?.profileChunksMs} ms ending profile chunks: ${JSON.stringify(lane)}`);
    // As in a profiled run (cli/findingsTruth.test.mjs): the agent's lag ticks (t, lag, …, on-CPU
    // ms), past the first two (the recorder's start of V8's profiler, which lists 10,000 functions),
    // late on the CPU by at least an eighth of the chunk ends' time: counted in, four a run of 91–173 ms.
    const lateOnCpu = lateOnCpuTicks(JSON.parse(readFileSync(rawFile, 'utf8')), child.pid, 0, lane.profileChunksMs / 8, 2);
    assert.ok(lateOnCpu.count >= 50, `only ${lateOnCpu.count} lag ticks`);
    assert.ok(lateOnCpu.length <= 1,
      `lag ticks of ${lateOnCpu.join(', ')}, each on the CPU and at least an eighth of the ${lane.profileChunksMs} ms spent ending profile chunks: they count the profiler's own work`);
    child.kill('SIGKILL');
  });
});

describe('attach to an inspector that was already open', { timeout: 120_000 }, () => {
  it('leaves it open after the detach', async () => {
    const server = await startServer('attach/express-cpu.js', ['--inspect=127.0.0.1:0']);
    const url = (await state(server.port)).inspector;
    assert.ok(url, 'started with an open inspector');
    const run = await attachCli(server.child.pid, ['--duration', '1']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report.program.attached.openedInspector, false);
    const after = await state(server.port);
    assert.equal(after.inspector, url, 'still open, same address');
    assert.equal(after.recorded, 'undefined');
    // And by address, the same.
    const byAddress = await attachCli(new URL(url).host, ['--duration', '1']);
    assert.equal(byAddress.code, 0, byAddress.stderr);
    assert.equal(byAddress.report.program.attached.pid, server.child.pid);
    assert.equal((await state(server.port)).inspector, url);
  });
});

describe('attach refuses what it may not or cannot attach to', { timeout: 120_000 }, () => {
  const refused = async (target, pattern) => {
    const run = await attachCli(target, ['--duration', '1']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.report, undefined);
  };
  it('a host that is not loopback', () => refused('10.1.2.3:9229', /not a loopback address/));
  it('a pid that does not exist', () => refused(2 ** 22 + 17, /no process with pid/));
  it('a process that is not node, which is not signalled', async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
    started.push(sleeper);
    await refused(sleeper.pid, /is not a Node\.js process/);
    assert.equal(sleeper.exitCode, null, 'still running (no SIGUSR1 was sent)');
  });
  it("another user's process", async () => {
    // As root, a node process run as nobody; otherwise any process of another user (init is root's).
    const other = process.getuid() === 0
      ? (await startServer('attach/express-cpu.js', ['--inspect-port=0'], { uid: 65534, gid: 65534 })).child.pid
      : 1;
    await refused(other, /belongs to another user/);
  });
  it('a process whose debug port is taken, with the port named', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    const taken = holder.address().port;
    try {
      const server = await startServer('attach/express-cpu.js', [`--inspect-port=${taken}`]);
      await refused(server.child.pid, new RegExp(`port ${taken}.*already in use`));
      assert.equal((await state(server.port)).inspector, null);
    } finally { holder.close(); }
  });
  it('without a target, lists node processes to attach to, this test among them not', async () => {
    const server = await startServer('attach/express-cpu.js', ['--inspect-port=0']);
    const run = await new Promise((resolve) => {
      const c = spawn(process.execPath, [CLI, 'attach'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
      c.on('close', (code) => resolve({ code, out }));
    });
    assert.equal(run.code, 0);
    const line = run.out.split('\n').find((l) => l.trim().startsWith(`${server.child.pid} `));
    assert.ok(line?.includes('express-cpu.js') && line.includes(`(in ${ROOT})`), run.out);
    assert.ok(!run.out.split('\n').some((l) => l.trim().startsWith(`${process.pid} `)), 'not the test itself (an ancestor of the CLI)');
  });
});

describe('attach when things go wrong', { timeout: 300_000 }, () => {
  it('writes the report when the process exits while attached', async () => {
    const server = await startServer('attach/express-cpu.js', ['--inspect-port=0']);
    // --duration: no SIGINT from attachCli. The CLI must notice the exit by itself; a SIGINT sent
    // after the server's exit could land while Node tears the finished CLI down, and end it as
    // killed by the signal (exit code null) after it had written everything.
    const run = await attachCli(server.child.pid, ['--duration', '600'], async () => {
      await load(server.port, '/fast', 1, 10);
      await fetch(`http://127.0.0.1:${server.port}/exit`).catch(() => undefined);
      await new Promise((r) => server.child.once('exit', r));
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report.program.stopReason, 'exit');
    assert.ok(run.report.warnings.some((w) => /exited \(or closed its inspector\) while attached/.test(w)), JSON.stringify(run.report.warnings));
    const fast = run.report.routes?.find((r) => r.route === '/fast');
    assert.equal(fast?.count, 10, 'what was recorded before the exit is kept');
  });

  it('leaves nothing behind when the recorder is killed: the agent undoes itself and closes the inspector it opened', async () => {
    const server = await startServer('attach/express-cpu.js', ['--expose-gc', '--inspect-port=0']);
    const portsBefore = listeningPorts(server.child.pid);
    const cli = spawn(process.execPath, [CLI, 'attach', String(server.child.pid)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(cli);
    let stderr = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the CLI did not start recording within 120 s\n${stderr}`)), 120_000);
      cli.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; if (/recording pid/.test(stderr)) { clearTimeout(timer); resolve(); } });
    });
    assert.equal((await state(server.port)).recorded, 'object', 'the agent is installed while recording');
    cli.kill('SIGKILL');
    // The agent looks for its recorder every ~100 ms of its own timer; bounded generously.
    let s;
    for (let i = 0; i < 600; i++) {
      s = await state(server.port);
      if (s.recorded === 'undefined' && s.inspector === null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(s.recorded, 'undefined', 'the agent disposed of itself');
    assert.equal(s.inspector, null, 'the inspector it opened is closed');
    assert.deepEqual(listeningPorts(server.child.pid), portsBefore);
    assert.equal((await load(server.port, '/fast', 1, 3))['2xx'], 3);
  });
});
