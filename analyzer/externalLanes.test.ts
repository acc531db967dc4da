import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unrecordedNodeNote, type ExternalLane } from './externalLanes';

/** A process seen only from /proc: alive from startMs to endMs of the recording, gone before its end when `ended`. */
function external(script: string, startMs: number, endMs: number, ended: boolean, launcher?: string): ExternalLane {
  return {
    command: 'node -e "setTimeout(…)"',
    tree: { pid: 42, ppid: 1, argv: [script], comm: 'node', startUs: startMs * 1000, ...(ended ? { endUs: endMs * 1000 } : {}), t: [], userMs: [], systemMs: [], rssKb: [] },
    lane: {
      id: '42:0', kind: 'process', pid: 42, threadId: 0, label: 'process 42', startMs, endMs, busyMs: 0, script,
      cpuUserMs: 0, cpuSystemMs: 0, maxRssKb: 0, external: true, ...(launcher ? { launcher } : {}),
    },
  } as ExternalLane;
}

describe('the note of a node process that ran unrecorded', () => {
  it('says that one still starting up as the recording ended may not have announced itself yet (a detached child), not only that its environment lost NODE_OPTIONS', () => {
    const note = unrecordedNodeNote(external('/usr/bin/node', 190, 218, false))!;
    assert.match(note, /^pid 42 \(node -e "setTimeout\(…\)"\) is a node process that ran unrecorded: it had started 28(\.0)? ms before the recording ended, was still running, and had not announced itself to the recorder: a process the program left starting up as it exited/);
    assert.match(note, /or its environment had no NODE_OPTIONS of the recording/);
  });
  it('says that one that ended at once may have ended before its probe loaded (node: bad option)', () => {
    const note = unrecordedNodeNote(external('/usr/bin/node', 100, 121, true))!;
    assert.match(note, /ran unrecorded: it ended 21(\.0)? ms after it started, before announcing itself: it may have stopped before its probe loaded \(Node rejected its options/);
    assert.match(note, /or its environment had no NODE_OPTIONS of the recording/);
  });
  it('blames the environment for one that ran long enough to announce itself', () => {
    for (const e of [external('/usr/bin/node', 100, 450, true), external('/usr/bin/node', 100, 5100, false)]) {
      const note = unrecordedNodeNote(e)!;
      assert.match(note, /ran unrecorded: its environment had no NODE_OPTIONS of the recording/);
      assert.doesNotMatch(note, /announced/);
    }
  });
  it('says nothing of launchers and other programs', () => {
    assert.equal(unrecordedNodeNote(external('/usr/bin/node', 0, 10, false, 'npm')), undefined);
    assert.equal(unrecordedNodeNote(external('/bin/sh', 0, 10, false)), undefined);
  });
});
