// The probe writes its pending records before a worker's message leaves (outgoingMessages.ts): real
// MessagePorts, the message read back with receiveMessageOnPort.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { writeBeforePostMessage } from './outgoingMessages';

describe('writeBeforePostMessage', () => {
  it('writes pending records before the message leaves, and only when something is pending', () => {
    const { port1, port2 } = new MessageChannel();
    const seenAtWrite: unknown[] = [];
    let pending = true;
    let writes = 0;
    const restore = writeBeforePostMessage({
      pending: () => pending,
      write: () => { writes++; pending = false; seenAtWrite.push(receiveMessageOnPort(port2)); },
    });
    try {
      port1.postMessage('first');
      assert.equal(writes, 1);
      assert.deepEqual(seenAtWrite, [undefined], 'written before the message was posted');
      assert.deepEqual(receiveMessageOnPort(port2), { message: 'first' });
      port1.postMessage('second');
      assert.equal(writes, 1, 'nothing pending: no write');
      assert.deepEqual(receiveMessageOnPort(port2), { message: 'second' });
    } finally {
      restore();
      port1.close();
    }
  });
  it('leaves postMessage looking as it was, with the same errors; the undo restores it', () => {
    const before = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'postMessage')!;
    const restore = writeBeforePostMessage({ pending: () => true, write: () => undefined });
    const after = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'postMessage')!;
    assert.notEqual(after.value, before.value, 'replaced');
    assert.deepEqual({ ...after, value: undefined }, { ...before, value: undefined });
    assert.equal(MessagePort.prototype.postMessage.name, before.value.name);
    assert.equal(MessagePort.prototype.postMessage.length, before.value.length);
    const { port1 } = new MessageChannel();
    assert.throws(() => port1.postMessage(() => 1), { name: 'DataCloneError' });
    port1.close();
    restore();
    assert.deepEqual(Object.getOwnPropertyDescriptor(MessagePort.prototype, 'postMessage'), before);
  });
});
