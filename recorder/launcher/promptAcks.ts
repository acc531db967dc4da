/**
 * Node's inspector writes to its socket with Nagle's algorithm on: a message the program sends
 * while its previous one is not yet acknowledged waits in the program's kernel for our ACK. And
 * in a request/answer exchange Linux delays that ACK (40 ms) to send it along with our next
 * message. So whenever the program answers with more than one message in a row (an event, then
 * the answer: NodeTracing.stop, the end of a profile chunk, every reply of a worker thread; or
 * several commands sent at once), every message after the first arrived ~40 ms late: 40 of the
 * ~45 ms a process's exit collection took, with the process held at exit all along.
 *
 * PromptAcks answers each batch of messages that arrives while an answer is awaited with a
 * no-op command at once: the ACK rides along, and what the program has written since comes
 * without delay. The no-op's own answer is awaited by nobody and sends nothing back, so no-ops
 * never feed on each other: there is at most one per batch of messages received.
 */
export class PromptAcks {
  private awaited = 0;
  private queued = false;

  constructor(private readonly sendNoOp: () => void) {}

  /** Counts `answer` as awaited until it settles; returns it unchanged. */
  hold<T>(answer: Promise<T>): Promise<T> {
    this.awaited++;
    const settled = () => { this.awaited--; this.received(); };
    answer.then(settled, settled);
    return answer;
  }

  /** A message arrived: answer its batch (the messages read with it) with one no-op if an answer is still awaited. */
  received(): void {
    if (this.awaited === 0 || this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.awaited > 0) this.sendNoOp();
    });
  }
}

/** The command sent as the no-op: answered by V8 on the program's main thread, with a few bytes, no side effect. */
export const NO_OP_COMMAND = 'Runtime.getIsolateId';
