import type { Socket } from "zeromq";
import { sendable } from "./message";

/**
 * Serialises sends on one ZeroMQ socket: zeromq v6 rejects a send with EBUSY while an
 * earlier one is still pending, and replies, streams and comm messages race freely.
 */
export class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly socket: Socket & { send(frames: (Buffer | string)[]): Promise<void> },
    private readonly log: (line: string) => void,
  ) {}

  /** Queues frames; resolves when ZeroMQ has accepted them. Never rejects. */
  send(frames: Buffer[]): Promise<void> {
    // With nothing in flight, hand the frames to ZeroMQ now rather than a microtask later: the
    // caller may be about to block the event loop in a cell, and libzmq's I/O thread sends
    // whatever it was given meanwhile.
    const wire = sendable(frames);
    const sendNow = () => {
      try {
        return this.socket.send(wire);
      } catch (e) {
        return Promise.reject(e); // a closed socket throws synchronously
      }
    };
    const start = this.pending === 0 ? sendNow() : this.tail.then(sendNow);
    this.pending++;
    const next = start
      .catch((e: unknown) => {
        if (!this.socket.closed) this.log(`send failed: ${(e as Error).message}`);
      })
      .finally(() => this.pending--);
    this.tail = next;
    return next;
  }

  /** Resolves after everything queued so far has been handed to ZeroMQ. */
  flush(): Promise<void> {
    return this.tail;
  }
}
