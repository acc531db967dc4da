/**
 * ACKs that cost the program nothing. Node's inspector writes with Nagle's algorithm on, so a
 * message it writes while its previous one is not yet acknowledged waits in its kernel for our
 * ACK, which Linux delays (up to 40 ms) to send along with our next data (PromptAcks). Any data
 * we send carries the ACK; a CDP command (the no-op) also wakes the program's main thread to
 * answer it, and its answer is one more message to acknowledge.
 *
 * A carrier is data the program's inspector reads and cannot act on yet: one byte more of a
 * WebSocket text frame we keep open. Its I/O thread buffers an incomplete frame and waits for the
 * rest (src/inspector_socket.cc), so a carrier reaches neither its main thread nor V8. The frame
 * (FRAME_PAYLOAD bytes, masked with a zero key) opens with its 8-byte header as the first
 * carrier; each next carrier is a space, leading whitespace of the message to come. The next
 * message we send closes it: the message itself, padded with spaces before its closing brace to
 * the frame's length (JSON allows whitespace there: V8's and Node's own parsers take it), or,
 * when it does not fit (or the frame is nearly full), a no-op command padded the same way, and
 * then the message in a frame of its own. Nothing else is ever written into an open frame: every
 * frame ws sends (a close) closes ours first.
 *
 * Node's frame decoder (decode_frame_hybi17) takes a frame with 4–7 bytes still missing for
 * complete when 1–4 bytes are still missing (it checks the buffer's size less the mask's 4 bytes
 * against the payload's length, not less the whole header's 8), and reads past its buffer. So no carrier ever ends within MIN_ROOM bytes
 * of the frame's end, and the rest is always written at once.
 *
 * Works on the ws (7.x) client chrome-remote-interface connects with; frameCarrier returns
 * undefined (the caller then sends no-op commands) when its socket or sender is not as expected.
 */
export interface AckCarrier {
  /** Sends one carrier now (our ACK of what the program wrote rides along). */
  carry(): void;
}

/** Payload bytes of a carrier frame: the padding written when a message closes it is at most this. */
export const FRAME_PAYLOAD = 2048;
/** The room kept for the no-op that closes a frame too full for the next message. */
const MIN_ROOM = 128;
/** The command that closes a frame no message fits in: answered by V8 with a few bytes (see PromptAcks' NO_OP_COMMAND). */
const CLOSING_NO_OP = '{"id":2147483647,"method":"Runtime.getIsolateId","params":{}}';
/** FIN + text; MASK + 16-bit length; the length; a zero masking key (the payload goes as it is). */
const HEADER = Buffer.from([0x81, 0x80 | 126, FRAME_PAYLOAD >> 8, FRAME_PAYLOAD & 0xff, 0, 0, 0, 0]);
const SPACE = Buffer.from(' ');

export function frameCarrier(ws: any): AckCarrier | undefined {
  const socket = ws?._socket;
  const sender = ws?._sender;
  if (!socket || typeof socket.write !== 'function' || typeof sender?.sendFrame !== 'function' || typeof ws.send !== 'function') return undefined;
  /** Payload bytes written into the open frame; -1: none open. */
  let written = -1;

  /**
   * Closes the open frame with `json` (an object's JSON) when it fits, else with the no-op; `cb`
   * is called once the write is done. Returns whether `json` went in it.
   */
  const close = (json?: string, cb?: (err?: Error) => void): boolean => {
    const room = FRAME_PAYLOAD - written;
    written = -1;
    const fits = json !== undefined && json.endsWith('}') && Buffer.byteLength(json) <= room;
    const message = fits ? json! : CLOSING_NO_OP;
    const head = Buffer.from(message.slice(0, -1));
    socket.write(Buffer.concat([head, Buffer.alloc(room - head.length - 1, 0x20), Buffer.from('}')]), fits ? cb : undefined);
    return fits;
  };

  // ws.send(data, [options], [cb]): chrome-remote-interface sends every command as a string.
  const send = ws.send;
  ws.send = function (data: unknown, options?: unknown, cb?: unknown) {
    const done = typeof options === 'function' ? options : cb;
    if (written >= 0 && ws.readyState === 1 && typeof data === 'string' && close(data, done as (err?: Error) => void)) return;
    return send.call(this, data, options, cb);
  };
  // Every other frame (a message that did not fit, a close) goes after ours is closed.
  const sendFrame = sender.sendFrame;
  sender.sendFrame = function (list: unknown, cb: unknown) {
    if (written >= 0) close();
    return sendFrame.call(this, list, cb);
  };

  return {
    carry(): void {
      if (ws.readyState !== 1 || socket.destroyed || !socket.writable) return;
      if (written < 0) { socket.write(HEADER); written = 0; }
      else if (FRAME_PAYLOAD - written - 1 >= MIN_ROOM) { socket.write(SPACE); written++; }
      else close(); // nearly full: the no-op closes it (its write carries the ACK)
    },
  };
}
