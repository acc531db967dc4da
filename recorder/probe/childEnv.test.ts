import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { recordingEnv, withRecordingEnv } from './childEnv';

const PROBE = '/x/dist/probe.js';
const rec = recordingEnv(PROBE, { NODE_OPTIONS: `--require "${PROBE}" --inspect-publish-uid=http`, CONCURRENCY_LENS_OPTIONS: '{"runDir":"/r"}' })!;

describe('withRecordingEnv', () => {
  it('adds both variables to an environment with neither', () => {
    assert.deepEqual(withRecordingEnv(['A=1'], rec), ['A=1', `NODE_OPTIONS=--require "${PROBE}" --inspect-publish-uid=http`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
  it('puts our flags in front of the program\'s NODE_OPTIONS', () => {
    assert.deepEqual(withRecordingEnv(['NODE_OPTIONS=--max-old-space-size=300', 'A=1'], rec),
      ['A=1', `NODE_OPTIONS=--require "${PROBE}" --inspect-publish-uid=http --max-old-space-size=300`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
  it('leaves an environment that has both as it is (process.env spread, or a nested recording\'s)', () => {
    const pairs = [`NODE_OPTIONS=--require "${PROBE}" --inspect-publish-uid=http`, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/other"}'];
    assert.equal(withRecordingEnv(pairs, rec), pairs);
  });
  it('adds the options alone when NODE_OPTIONS has our preload already', () => {
    const mine = `NODE_OPTIONS=--require "${PROBE}" --inspect-publish-uid=http --trace-warnings`;
    assert.deepEqual(withRecordingEnv([mine], rec), [mine, 'CONCURRENCY_LENS_OPTIONS={"runDir":"/r"}']);
  });
});

describe('recordingEnv', () => {
  it('is undefined outside a recording (no options, or NODE_OPTIONS without our preload)', () => {
    assert.equal(recordingEnv(PROBE, { NODE_OPTIONS: `--require "${PROBE}"` }), undefined);
    assert.equal(recordingEnv(PROBE, { CONCURRENCY_LENS_OPTIONS: '{}', NODE_OPTIONS: '--require other.js' }), undefined);
  });
});
