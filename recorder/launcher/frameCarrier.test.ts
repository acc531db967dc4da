import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connectClient } from './target';
import { frameCarrier, FRAME_PAYLOAD } from './frameCarrier';

/** A real node with its inspector open on loopback, idle; resolves with its WebSocket URL. */
function inspectedNode(): Promise<{ child: ChildProcess; url: string; port: number }> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /ws:\/\/127\.0\.0\.1:(\d+)\/\S+/.exec(err);
      if (m) resolve({ child, url: m[0], port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`node exited ${code}: ${err}`)));
  });
}

const turn = () => new Promise((r) => setImmediate(r));
const evaluate = async (client: any, expression: string) => (await client.send('Runtime.evaluate', { expression, returnByValue: true })).result.value;

describe('frameCarrier (a real inspector)', () => {
  const children: ChildProcess[] = [];
  after(() => { for (const c of children) c.kill(); });

  it('carriers reach no one; the next command closes the frame and is answered, whatever its size or characters', async () => {
    const { child, url, port } = await inspectedNode();
    children.push(child);
    const client = await connectClient('127.0.0.1', port, url);
    const carrier = frameCarrier(client._ws);
    assert.ok(carrier, 'ws as chrome-remote-interface uses it takes a carrier');
    const messages: string[] = [];
    client._ws.on('message', (m: unknown) => messages.push(String(m)));

    // Each carrier its own write (and segment): the inspector buffers them as one incomplete frame.
    for (let i = 0; i < 40; i++) { carrier!.carry(); await turn(); }
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(messages, [], 'a carrier is answered by nothing');
    // A command with multi-byte characters: padded by bytes, not characters.
    assert.equal(await evaluate(client, '"é✓🙂".length + 1'), 5);

    // A command larger than the room left: the no-op closes the frame, the command goes in its own.
    carrier!.carry(); carrier!.carry();
    const big = 'x'.repeat(FRAME_PAYLOAD + 100);
    assert.equal(await evaluate(client, `"${big}".length`), big.length);

    // Up to a frame nearly full, each carrier read by itself: Node's decoder takes a frame 1–4
    // bytes short of complete and reads past its buffer (one a byte at a time crashed the program:
    // SIGABRT), so no carrier ends there; the no-op closes the frame, a new one opens, and the
    // connection goes on.
    for (let i = 0; i < FRAME_PAYLOAD + 10; i++) { carrier!.carry(); await turn(); }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(child.exitCode, null, 'the program runs on');
    assert.equal(child.signalCode, null);
    assert.ok(messages.some((m) => /"id":2147483647,"result"/.test(m)), 'the closing no-op was answered');
    assert.equal(await evaluate(client, '6 * 7'), 42);

    // Closing the connection with a frame open: ours is closed first, and the inspector takes a new session.
    carrier!.carry();
    await client.close();
    const again = await connectClient('127.0.0.1', port, url);
    assert.equal(await evaluate(again, '1 + 1'), 2);
    await again.close();
    assert.equal(child.exitCode, null, 'the program runs on');
  });

  it('is not made for what is not ws as chrome-remote-interface uses it (the caller falls back to no-op commands)', () => {
    assert.equal(frameCarrier(undefined), undefined);
    assert.equal(frameCarrier({ _socket: {}, _sender: {} }), undefined);
  });
});
