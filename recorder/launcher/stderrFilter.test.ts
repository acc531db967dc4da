import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StderrFilter } from './stderrFilter';

describe('StderrFilter', () => {
  const filter = (chunks: string[]) => { let out = ''; const f = new StderrFilter((t) => { out += t; }); for (const c of chunks) f.push(c); f.end(); return out; };
  it('removes the inspector banner lines and keeps the rest', () => {
    assert.equal(filter(['Debugger attached.\nhello\nWaiting for the debugger to disconnect...\n', 'Debugger listening on ws://127.0.0.1:1/x\nFor help, see: https://nodejs.org/en/docs/inspector\nbye\n']), 'hello\nbye\n');
  });
  it('handles lines split across chunks', () => {
    assert.equal(filter(['Debugger att', 'ached.\nerr', 'or: x\n']), 'error: x\n');
  });
  it('passes a partial line through at once unless it could be a banner', () => {
    let out = '';
    const f = new StderrFilter((t) => { out += t; });
    f.push('50%\r');
    assert.equal(out, '50%\r');
  });
  it('keeps a program line that only looks similar', () => {
    assert.equal(filter(['Debugger attached. Or not.\n']), 'Debugger attached. Or not.\n');
  });
});
