// The process listing behind `concurrency-lens attach` (no target) and the editor's attach
// picker, and the /proc readers attach relies on; on real processes.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listNodeProcesses, isEditorProcess, describeCommand, scriptName } from './nodeProcesses';
import { readProcProcess, isNodeProcess, listeningSockets } from './procProcess';
import { debugAddress } from './inspectorEndpoint';
import { OPTIONS_ENV } from '../probeOptions';

const children: ChildProcess[] = [];
after(() => { for (const c of children) c.kill('SIGKILL'); });

/** A node process that idles until killed, in `cwd`; resolves once /proc shows its node command line. */
async function idleNode(cwd: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'idle-marker'], { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 600 && readProcProcess(child.pid!)?.argv.at(-1) !== 'idle-marker'; i++) await new Promise((r) => setTimeout(r, 50));
  return child;
}

describe('listNodeProcesses', () => {
  it('lists a running node process of ours with its command line and working directory', async () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), 'cl-list-')));
    const child = await idleNode(cwd);
    const found = listNodeProcesses().find((p) => p.pid === child.pid);
    assert.ok(found, `pid ${child.pid} not listed`);
    assert.equal(found.cwd, cwd);
    assert.deepEqual(found.argv.slice(-3), ['-e', 'setInterval(() => {}, 1000)', 'idle-marker']);
    assert.ok(isNodeProcess(readProcProcess(child.pid!)!));
  });

  it('leaves out this process (and its ancestors), processes already recorded, and pids asked to be left out', async () => {
    const recorded = await idleNode(tmpdir(), { [OPTIONS_ENV]: '{}' });
    const plain = await idleNode(tmpdir());
    const pids = listNodeProcesses({ excludePids: [plain.pid!] }).map((p) => p.pid);
    assert.ok(!pids.includes(process.pid));
    assert.ok(!pids.includes(process.ppid));
    assert.ok(!pids.includes(recorded.pid!), 'a process started under Concurrency Lens');
    assert.ok(!pids.includes(plain.pid!));
  });

  it("recognises the editor's own node processes", () => {
    assert.ok(isEditorProcess({ argv: ['/usr/lib/code-server/lib/node', '/usr/lib/code-server/out/node/entry'] }));
    assert.ok(isEditorProcess({ argv: ['/home/u/.vscode-server/bin/abc/node', '--dns-result-order=ipv4first', '/home/u/.vscode-server/bin/abc/out/bootstrap-fork', '--type=extensionHost'] }));
    assert.ok(isEditorProcess({ argv: ['node', '/x/node_modules/typescript/lib/tsserver.js', '--serverMode', 'partialSemantic'] }));
    assert.ok(isEditorProcess({ argv: ['/usr/bin/node', '/home/u/concurrency-lens/dist/cli.js', 'profile', 'app.js'] }));
    assert.ok(!isEditorProcess({ argv: ['node', 'server.js', '--port', '3000'], exe: '/usr/bin/node' }));
    assert.ok(!isEditorProcess({ argv: ['node', '/srv/app/dist/server.js'] }));
  });

  it('names a process by its script, past the values of node flags', () => {
    assert.equal(scriptName(['/usr/bin/node', '--import', 'tsx', '--test', 'src/app.test.ts']), 'app.test.ts');
    assert.equal(scriptName(['node', '--inspect-port=0', '/srv/server.js', '--port', '3000']), 'server.js');
    assert.equal(scriptName(['/usr/bin/node', '-e', 'x']), 'node');
  });

  it('shortens long command lines for a one-line list', () => {
    assert.equal(describeCommand(['node', 'a.js']), 'node a.js');
    const long = describeCommand(['node', 'x'.repeat(300)], 50);
    assert.equal(long.length, 50);
    assert.ok(long.endsWith('…'));
  });
});

describe('/proc readers for attach', () => {
  it("finds this process's listening loopback socket by its file descriptors", async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as { port: number }).port;
      const mine = listeningSockets(process.pid).find((s) => s.port === port);
      assert.deepEqual(mine && { host: mine.host, port: mine.port }, { host: '127.0.0.1', port });
    } finally { server.close(); }
  });

  it('reads the debug port SIGUSR1 would open from node flags before the script only', () => {
    const p = (argv: string[]) => ({ pid: -1, ppid: 0, uid: 0, argv, comm: 'node', catchesSigusr1: true });
    assert.deepEqual(debugAddress(p(['node', 'app.js'])), { host: '127.0.0.1', port: 9229, openAtStart: false });
    assert.deepEqual(debugAddress(p(['node', '--inspect-port=0', 'app.js'])), { host: '127.0.0.1', port: 0, openAtStart: false });
    assert.deepEqual(debugAddress(p(['node', '--inspect=0.0.0.0:9300', 'app.js'])), { host: '0.0.0.0', port: 9300, openAtStart: true });
    assert.deepEqual(debugAddress(p(['node', 'app.js', '--inspect-port=7'])), { host: '127.0.0.1', port: 9229, openAtStart: false });
  });

  it('tells whether a process catches SIGUSR1 (node does; sleep would die of it)', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(sleeper);
    const node = await idleNode(tmpdir());
    for (let i = 0; i < 200 && readProcProcess(sleeper.pid!)?.comm !== 'sleep'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(readProcProcess(sleeper.pid!)?.catchesSigusr1, false);
    assert.equal(isNodeProcess(readProcProcess(sleeper.pid!)!), false);
    // Node installs its SIGUSR1 handler while it starts (after the exec that set its command line).
    for (let i = 0; i < 600 && !readProcProcess(node.pid!)?.catchesSigusr1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(readProcProcess(node.pid!)?.catchesSigusr1, true);
    assert.equal(readProcProcess(2 ** 22 + 17), undefined);
  });
});
