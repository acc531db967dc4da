// The server rows' floor: each pair also runs the server under V8's profiler alone, sampling as the
// recorder samples a saturated server, and its figures sit next to the plain and profiled ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServerBench, SERVER_FLOOR_INTERVAL_US } from './servers.mjs';
import { buildFloorPreload } from './lib/floorPreload.mjs';
import { DEFAULT_SAMPLING_US } from '../recorder/launcher/profileCollector.ts';
import { SATURATED_FACTOR } from '../recorder/launcher/samplingPolicy.ts';

test('a server pair also runs under V8\'s profiler alone, at the interval the recorder samples a saturated server at', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-servers-test-'));
  try {
    const [row] = await runServerBench({ pairs: 1, seconds: 1, only: ['server-trivial'], floor: { preload: buildFloorPreload(dir), intervalUs: null }, log: () => undefined, progress: () => undefined });
    assert.equal(row.failed, 0, row.errors.join('\n'));
    assert.equal(row.floorFailed, 0, row.errors.join('\n'));
    assert.equal(row.pairs, 1);
    assert.equal(SERVER_FLOOR_INTERVAL_US, DEFAULT_SAMPLING_US * SATURATED_FACTOR);
    assert.equal(row.floorIntervalUs, SERVER_FLOOR_INTERVAL_US);
    const [floor] = row.runs.floor;
    // The server (one thread) wrote its profile at its SIGINT exit, after serving the load.
    assert.equal(floor.profiles, 1);
    assert.ok(floor.total > 0 && floor.errors === 0, `the floor's server answered: ${JSON.stringify(floor)}`);
    assert.ok(row.floorRps > 0 && Number.isFinite(row.floorRatio), JSON.stringify(row));
    // Sampled every 4 ms, not at the CLI's 1 ms base interval (a loaded machine only stretches the gaps).
    assert.ok(row.floorSampleUs >= 0.75 * SERVER_FLOOR_INTERVAL_US, `median µs between samples: ${row.floorSampleUs}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a floor, the server rows have no floor figures', async () => {
  const [row] = await runServerBench({ pairs: 1, seconds: 1, only: ['server-trivial'], log: () => undefined, progress: () => undefined });
  assert.equal(row.failed, 0, row.errors.join('\n'));
  assert.equal(row.floorFailed, 0);
  assert.ok(Number.isNaN(row.floorRatio) && row.floorIntervalUs === null);
  assert.ok(row.rpsRatio > 0);
});
