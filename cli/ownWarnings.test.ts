import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hideCdpClientDeprecation, CDP_CLIENT_DEPRECATION } from './ownWarnings';

// The CLI drops Node's url.parse() deprecation (chrome-remote-interface's, not the program's) and
// nothing else: every form of emitWarning still reaches 'warning' listeners for other warnings.
test('the CLI hides the url.parse() deprecation its CDP client triggers, and only that one', async () => {
  const seen: string[] = [];
  const onWarning = (w: Error & { code?: string }) => seen.push(`${w.name}:${w.code ?? ''}:${w.message}`);
  const emit = process.emitWarning;
  process.on('warning', onWarning);
  try {
    hideCdpClientDeprecation();
    process.emitWarning('url.parse', 'DeprecationWarning', CDP_CLIENT_DEPRECATION);
    process.emitWarning('url.parse', { type: 'DeprecationWarning', code: CDP_CLIENT_DEPRECATION });
    process.emitWarning('other deprecation', 'DeprecationWarning', 'DEP0005');
    process.emitWarning('other deprecation', { type: 'DeprecationWarning', code: 'DEP0040' });
    process.emitWarning('plain warning');
    process.emitWarning(new Error('an Error'));
    await new Promise((r) => setImmediate(r)); // 'warning' is emitted on the next tick
    assert.deepEqual(seen, [
      'DeprecationWarning:DEP0005:other deprecation',
      'DeprecationWarning:DEP0040:other deprecation',
      'Warning::plain warning',
      'Error::an Error',
    ]);
  } finally {
    process.emitWarning = emit;
    process.off('warning', onWarning);
  }
});
