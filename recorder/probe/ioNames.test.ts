import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import { syncCallNames } from './ioNames';

test('the sync calls the instrumenter knows are every *Sync function of child_process and fs, in this Node', () => {
  const names = syncCallNames();
  for (const mod of [cp, fs] as unknown as Record<string, unknown>[]) {
    for (const k of Object.keys(mod)) if (k.endsWith('Sync') && typeof mod[k] === 'function') assert.ok(names.has(k), `${k} missing`);
  }
});
