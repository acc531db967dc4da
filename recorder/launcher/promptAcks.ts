import type { AckCarrier } from './frameCarrier';

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
 * without delay. A no-op's own answer is one more message of the program's, and ours to
 * acknowledge too: what the program writes next waits behind it. A worker's reply comes long
 * after the relay's own answer, so no-op answers came in front of it, and the reply (a worker's
 * last profile chunk, at its exit) waited 23–45 ms in the program's kernel. So a no-op's answer
 * that comes while an answer is still awaited is acknowledged by a follow-up no-op, soon: 1 ms
 * later, then 2, 4… up to FOLLOW_UP_MAX_MS while only no-op answers come (a busy thread's reply
 * may take long: no-ops must not ping-pong with an idle main thread meanwhile). Any other
 * message answers its batch at once and starts the follow-ups at 1 ms again.
 *
 * Those no-ops cost both sides CPU (a frame each way, the program's main thread woken to answer
 * it): with a profile chunk rotation in flight most of the time (every thread every ~100 ms, a
 * busy worker answering late) they ran ~150 a second in a pool of 4 busy workers. So an answer
 * nothing waits for (a periodic rotation's: the program runs on meanwhile) is `lazy`: not
 * awaited, and may come up to 40 ms late, until someone `hurry`s (a collection that must wait
 * for it, at a thread's exit while the thread is held): from then on it is awaited like any other.
 *
 * With a carrier (frameCarrier.ts: a byte of a WebSocket frame the program's inspector only
 * buffers) an ACK costs the program nothing, and nothing answers it: every batch of messages
 * that arrives is answered with a carrier, awaited or not (a lazy answer then comes without delay
 * too), and no follow-ups are needed (no no-op answer is ever left to acknowledge). The no-ops
 * above are what a connection without a carrier falls back to.
 */
export class PromptAcks {
  private awaited = 0;
  /** Events awaited (expect): the follow-ups run at most EXPECTED_FOLLOW_UP_MAX_MS apart meanwhile. */
  private expected = 0;
  private queued = false;
  private followUpMs = 1;
  private followUp: ReturnType<typeof setTimeout> | undefined;
  /** Lazy answers still to come. */
  private readonly lazyAnswers = new Set<Promise<unknown>>();

  /** `sendNoOp` sends the no-op and returns its answer; `carrier`, when the connection has one, is used instead. */
  constructor(private readonly sendNoOp: () => Promise<unknown>, private readonly carrier?: AckCarrier) {}

  /** Counts `answer` as awaited until it settles; returns it unchanged. */
  hold<T>(answer: Promise<T>): Promise<T> {
    this.awaited++;
    const settled = () => { this.awaited--; this.received(); };
    answer.then(settled, settled);
    return answer;
  }

  /** `answer` is not awaited until `hurry` (if it has not come by then); returns it unchanged. */
  lazy<T>(answer: Promise<T>): Promise<T> {
    const forget = () => { this.lazyAnswers.delete(answer); };
    this.lazyAnswers.add(answer);
    answer.then(forget, forget);
    return answer;
  }

  /**
   * Every lazy answer still to come is awaited from now on, and a no-op goes at once: what the
   * program wrote of them and held for our ACK comes now, not up to 40 ms later.
   */
  hurry(): void {
    if (this.lazyAnswers.size === 0) return;
    for (const answer of this.lazyAnswers) this.hold(answer);
    this.lazyAnswers.clear();
    this.noOp();
  }

  /**
   * `event` is awaited (an event the program is about to write, not an answer): a no-op goes at
   * once and the follow-ups run until it comes, so that it does not wait for our ACK.
   */
  expect<T>(event: Promise<T>): Promise<T> {
    this.expected++;
    const settled = () => { this.expected--; };
    event.then(settled, settled);
    this.hold(event);
    this.followUpMs = 1;
    this.noOp();
    return event;
  }

  /** A message arrived: answer its batch (the messages read with it) with one carrier, or without one with a no-op if an answer is still awaited. */
  received(): void {
    this.followUpMs = 1;
    if ((this.awaited === 0 && !this.carrier) || this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.awaited > 0 || this.carrier) this.noOp();
    });
  }

  private noOp(): void {
    if (this.carrier) { this.carrier.carry(); return; }
    if (this.followUp !== undefined) { clearTimeout(this.followUp); this.followUp = undefined; }
    this.sendNoOp().then(() => this.noOpAnswered(), () => undefined);
  }

  private noOpAnswered(): void {
    if (this.awaited === 0 || this.queued || this.followUp !== undefined) return;
    const ms = this.followUpMs;
    this.followUpMs = Math.min(this.expected > 0 ? EXPECTED_FOLLOW_UP_MAX_MS : FOLLOW_UP_MAX_MS, ms * 2);
    this.followUp = setTimeout(() => {
      this.followUp = undefined;
      if (this.awaited > 0) this.noOp();
    }, ms);
    this.followUp.unref?.();
  }
}

/** The longest wait before a no-op's answer is acknowledged while an answer is awaited (Linux delays an ACK 40 ms). */
const FOLLOW_UP_MAX_MS = 16;

/**
 * The longest wait between follow-ups while an event is expected (an announced worker's attachment:
 * it comes within ~15–40 ms, and every ms it waits in the program's kernel, the worker waits too).
 */
const EXPECTED_FOLLOW_UP_MAX_MS = 4;

/** The command sent as the no-op: answered by V8 on the program's main thread, with a few bytes, no side effect. */
export const NO_OP_COMMAND = 'Runtime.getIsolateId';
