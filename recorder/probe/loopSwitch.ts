import type { SeamReading } from '../probeOptions';

/** The probe's profile chunker (threadGauges.ts profileChunker): starts/ends chunks, returns the seam's reading. */
export interface Chunker {
  /** `paceMs`: the recorder's chunk interval (a worker's rotations: see profileChunkExpression). */
  (start: number, end: number, paceMs?: number): SeamReading;
  /** Whether a chunk of the probe's is running. */
  running(): boolean;
}

/** What the recorder gets back from `start`: the readings at the old chunk's end and the new one's start, and 1 when the probe had already started it (its wait ran out). */
export type SwitchSeams = [ended: SeamReading, started: SeamReading, late: number];

/**
 * A change of the thread's sampling interval made at its event loop, with no program code on
 * its stack (recorder/launcher/threadRecorder.ts, rotateAtLoop).
 *
 * V8 takes a new interval only while no profile of the session runs, and its profiler, started
 * anew, cannot attribute code that was already running then: a loop replaced on the stack by
 * optimized code stays `(program)` until it returns. A switch made from an inspector interrupt
 * (in the middle of whatever the thread ran) lost a test's 100 ms CPU block that way.
 *
 * So the recorder arms the switch, and the probe's next lag tick (a timer: only Node's and the
 * probe's frames below it) ends the running chunk and waits there (`wait`: Atomics.wait, during
 * which the inspector still dispatches the recorder's commands). Meanwhile the recorder keeps
 * sending its pair: set the interval (refused by V8 while a chunk runs), then `status`. Only once
 * V8 took the interval does it send `start`,
 * which starts the next chunk: the probe may reach its loop between the pair's two commands
 * (they are dispatched one by one), and a `start` sent with the pair would then start the next
 * chunk at the old interval. If the recorder does not come within the wait's limit, the probe
 * starts the next chunk itself, at whatever interval V8 has by then.
 */
export class LoopSwitch {
  private phase: 'idle' | 'armed' | 'waiting' | 'late' = 'idle';
  /** The readings at the chunk's end (at the loop) and at the next one's start. */
  private ended: SeamReading | null = null;
  private started: SeamReading | null = null;

  constructor(private readonly chunk: Chunker, private readonly wait: () => void, private readonly release: () => void) {}

  /** The recorder asks for a switch at the next lag tick. */
  arm(): boolean {
    if (this.phase !== 'waiting') this.phase = 'armed';
    return true;
  }

  /**
   * The recorder gives up waiting for the loop: true when no switch was begun (none will be);
   * false when the probe has already ended its chunk at the loop (the recorder goes on with `start`).
   */
  disarm(): boolean {
    if (this.phase === 'armed') this.phase = 'idle';
    return this.phase === 'idle';
  }

  /**
   * Called by the lag tick, at the loop: makes an armed switch (ends the chunk, waits for the
   * recorder's `start`). True when it did: the time since is the recorder's, not a task's.
   */
  atLoop(): boolean {
    if (this.phase !== 'armed') return false;
    // The recorder collected the last chunk meanwhile: nothing to switch.
    if (!this.chunk.running()) { this.phase = 'idle'; return false; }
    this.ended = this.chunk(0, 1);
    this.phase = 'waiting';
    this.wait();
    if (this.phase === 'waiting') {
      // The recorder did not come in time: the thread goes on profiled, at the interval V8 has now.
      this.started = this.chunk(1, 0);
      this.phase = 'late';
    }
    return true;
  }

  /**
   * Where the switch is, starting nothing: the seams of a switch whose wait ran out (the probe
   * started the next chunk itself; given once), else 1 while the probe waits at its loop, else 0.
   * Two 1s around a refused interval: V8 refused it with no chunk of ours running (the program
   * runs a console.profile of its own).
   */
  status(): SwitchSeams | 0 | 1 {
    if (this.phase === 'waiting') return 1;
    if (this.phase !== 'late') return 0;
    this.phase = 'idle';
    return [this.ended!, this.started!, 1];
  }

  /** The recorder's `start`, sent once V8 took the interval: the seams of the switch once the probe waits at its loop (or gave up waiting), else null. */
  start(): SwitchSeams | null {
    if (this.phase === 'waiting') {
      this.started = this.chunk(1, 0);
      this.phase = 'idle';
      this.release();
      return [this.ended!, this.started, 0];
    }
    if (this.phase === 'late') {
      this.phase = 'idle';
      return [this.ended!, this.started!, 1];
    }
    return null;
  }
}
