import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordingEnv, withRecordingEnv, withRecordingEnvInArgs } from './childEnv';

const PROBE = '/x/dist/probe.js';
/** What NODE_OPTIONS preloads: the probe's loader beside it (probeRequireFlag). */
const PRELOAD = '/x/dist/probeLoader.js';
const rec = recordingEnv(PROBE, { NODE_OPTIONS: `--require "${PRELOAD}" --inspect-publish-uid=http`, CONCURRENCY_LENS_OPTIONS: '{"runDir":"/r"}' })!;

describe('withRecordingEnv', () => {
  it('adds both variables to an environment with neither', () => {
    assert.deepEqual(withRecordingEnv(['A=1'], rec), ['A=1', `NODE_OPTIONS=--require "${PRELOAD}" --inspect-publish-uid=http`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
  it('puts our flags in front of the program\'s NODE_OPTIONS', () => {
    assert.deepEqual(withRecordingEnv(['NODE_OPTIONS=--max-old-space-size=300', 'A=1'], rec),
      ['A=1', `NODE_OPTIONS=--require "${PRELOAD}" --inspect-publish-uid=http --max-old-space-size=300`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
  it('leaves an environment that has both as it is (process.env spread, or a nested recording\'s)', () => {
    const pairs = [`NODE_OPTIONS=--require "${PRELOAD}" --inspect-publish-uid=http`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/other"}'];
    assert.equal(withRecordingEnv(pairs, rec), pairs);
  });
  it('adds the options alone when NODE_OPTIONS has our preload already', () => {
    const mine = `NODE_OPTIONS=--require "${PRELOAD}" --inspect-publish-uid=http --trace-warnings`;
    assert.deepEqual(withRecordingEnv([mine], rec), [mine, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
});

describe('recordingEnv', () => {
  it('is undefined outside a recording (no options, or NODE_OPTIONS without our preload)', () => {
    assert.equal(recordingEnv(PROBE, { NODE_OPTIONS: `--require "${PRELOAD}"` }), undefined);
    assert.equal(recordingEnv(PROBE, { CONCURRENCY_LENS_OPTIONS: '{}', NODE_OPTIONS: '--require other.js' }), undefined);
  });
});

describe('withRecordingEnvInArgs (the sync calls)', () => {
  const OPTIONS = 'CONCURRENCY_LENS_OPTIONS';
  it('adds the variables to an env of the program\'s own, in copies, wherever the options are', () => {
    const env = { ONLY: '1', NODE_OPTIONS: '--trace-warnings' };
    const options = { env, encoding: 'utf8' };
    for (const args of [['node', ['x.js'], options], ['node x.js', options]]) {
      const out = withRecordingEnvInArgs(args, rec);
      const o = out[out.length - 1] as { env: Record<string, string>; encoding: string };
      assert.equal(o.encoding, 'utf8');
      assert.deepEqual(o.env, { ONLY: '1', NODE_OPTIONS: `--require "${PRELOAD}" --inspect-publish-uid=http --trace-warnings`, [OPTIONS]: '{"runDir":"/r"}' });
      assert.deepEqual(env, { ONLY: '1', NODE_OPTIONS: '--trace-warnings' }, 'the program\'s env is not changed');
      assert.equal(args[args.length - 1], options);
    }
  });
  it('leaves the arguments alone with no env of the program\'s own, or one that has both variables', () => {
    const none = ['node', ['x.js'], { stdio: 'inherit' }];
    assert.equal(withRecordingEnvInArgs(none, rec), none);
    const both = ['node', { env: { NODE_OPTIONS: `--require "${PRELOAD}"`, [OPTIONS]: '{}' } }];
    assert.equal(withRecordingEnvInArgs(both, rec), both);
  });
});
