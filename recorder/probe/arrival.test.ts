// The probe's arrival (arrival.ts) in a process's main thread: it announces the process as it
// loads, and a release the recorder sends before the probe waits for it is kept. The recorder is
// played by an in-process inspector session evaluating the recorder's own release expression.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import inspector from 'node:inspector';
import { OPTIONS_ENV, PROBE_GLOBAL, RELEASE_START, RELEASE_EXIT, releaseExpression, type ProbeOptions } from '../probeOptions';

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cl-arrival-'));
after(() => {
  fs.rmSync(runDir, { recursive: true, force: true });
  delete (globalThis as any)[PROBE_GLOBAL];
  inspector.close();
});

describe('the probe arriving in a main thread', () => {
  it('announces the process with its inspector before the probe is set up, and keeps a release that comes before the probe waits', async () => {
    const options: ProbeOptions = {
      runDir, probePath: path.join(runDir, 'probe.js'), esmHooksPath: path.join(runDir, 'esmHooks.mjs'), esbuildPath: runDir,
      includeNodeModules: false, maxSpans: 1000, recorderPid: process.pid,
    };
    process.env[OPTIONS_ENV] = JSON.stringify(options);
    try {
      const { arrival, waitForRecorder } = await import('./arrival.js');
      assert.ok(arrival?.url, 'the inspector was opened');
      assert.equal(arrival.awaitsRecorder, true);
      assert.equal(inspector.url(), arrival.url);
      const announced = JSON.parse(fs.readFileSync(path.join(runDir, `attach-${process.pid}.json`), 'utf8'));
      assert.deepEqual([announced.pid, announced.url], [process.pid, arrival.url]);

      // The recorder's release, evaluated while the probe is still loading (before the runtime
      // exists): the probe's later wait ends at once. A lost release would wait out the limit.
      const session = new inspector.Session();
      session.connect();
      session.post('Runtime.evaluate', { expression: releaseExpression(RELEASE_START) });
      session.disconnect();
      assert.equal(waitForRecorder(RELEASE_START, 15_000), true, 'the early release was kept');
      // Taken by that wait: a later wait of another phase is not ended by it.
      assert.equal(waitForRecorder(RELEASE_EXIT, 20), false);
    } finally {
      delete process.env[OPTIONS_ENV];
    }
  });
});
