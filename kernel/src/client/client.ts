import { randomUUID } from "crypto";
import * as zmq from "zeromq";
import { ConnectionInfo, endpoint } from "../wire/connection";
import { decode, encode, Header, makeHeader, Message, WireError } from "../wire/message";
import { SerialSender } from "../wire/sender";
import { Signer } from "../wire/signer";

/** A message the client received, with the channel it came on. */
export type ClientChannel = "shell" | "control" | "iopub" | "stdin";

/** Raised when the kernel does not answer in time or the client was closed. */
export class ClientError extends Error {
  override name = "ClientError";
}

type Listener = (channel: ClientChannel, msg: Message) => void;

/**
 * A minimal Jupyter frontend over ZeroMQ (wire protocol 5.3): DEALER sockets for shell, control
 * and stdin, a SUB socket for iopub, HMAC-signed with the connection key. It only sends requests
 * and hands every verified incoming message to its listeners; what to make of them (outputs,
 * widget state) is the caller's business.
 */
export class KernelClient {
  readonly session = randomUUID();
  private readonly signer: Signer;
  // Shell and stdin share one routing id, as in jupyter_client, so the kernel can address
  // input_request to the identity its execute_request came from.
  private readonly shell = new zmq.Dealer({ linger: 0, routingId: this.session });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly stdin = new zmq.Dealer({ linger: 0, routingId: this.session });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly senders: Record<"shell" | "control" | "stdin", SerialSender>;
  private readonly listeners = new Set<Listener>();
  private closed = false;
  /** Messages that failed verification (bad signature, bad frames); a kernel bug if non-zero. */
  dropped = 0;

  constructor(readonly info: ConnectionInfo, private readonly log: (line: string) => void = () => {}) {
    this.signer = new Signer(info.key);
    this.senders = {
      shell: new SerialSender(this.shell, log),
      control: new SerialSender(this.control, log),
      stdin: new SerialSender(this.stdin, log),
    };
  }

  /** Connects every socket and starts receiving. */
  connect(): void {
    this.shell.connect(endpoint(this.info, this.info.shell_port));
    this.control.connect(endpoint(this.info, this.info.control_port));
    this.stdin.connect(endpoint(this.info, this.info.stdin_port));
    this.iopub.connect(endpoint(this.info, this.info.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell, "shell");
    void this.pump(this.control, "control");
    void this.pump(this.stdin, "stdin");
    void this.pump(this.iopub, "iopub");
  }

  /** Adds a listener for every incoming message; returns a function that removes it. */
  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, channel: ClientChannel): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: Message;
        try {
          msg = decode(frames, this.signer);
        } catch (e) {
          if (!(e instanceof WireError)) throw e;
          this.dropped++;
          this.log(`dropped ${channel} message: ${e.message}`);
          continue;
        }
        for (const l of [...this.listeners]) l(channel, msg);
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel} socket stopped: ${(e as Error).message}`);
    }
  }

  /** A header for a request of this session (make it first to wait on replies before sending). */
  header(msgType: string): Header {
    const header = makeHeader(msgType, this.session);
    header.username = "optlab-runner";
    return header;
  }

  /** Sends a request under `header`; resolves when ZeroMQ has taken it. */
  async send(channel: "shell" | "control" | "stdin", header: Header, content: unknown, metadata: Record<string, unknown> = {}): Promise<void> {
    if (this.closed) throw new ClientError(`cannot send ${header.msg_type}: the client is closed`);
    await this.senders[channel].send(encode(this.signer, [], header, {}, metadata, content));
  }

  /**
   * Resolves with the first message (from now on) that `pred` accepts, or rejects after
   * `timeoutMs` naming `what`.
   */
  waitFor(pred: (channel: ClientChannel, msg: Message) => boolean, timeoutMs: number, what: string): Promise<Message> {
    return new Promise((resolve, reject) => {
      const off = this.on((ch, m) => {
        if (!pred(ch, m)) return;
        off();
        clearTimeout(timer);
        resolve(m);
      });
      const timer = setTimeout(() => {
        off();
        reject(new ClientError(`no ${what} within ${(timeoutMs / 1000).toFixed(1)} s`));
      }, timeoutMs);
    });
  }

  /**
   * Asks for kernel_info until both the reply and its iopub idle arrive, which proves the iopub
   * subscription is live (a SUB socket misses what was published before it joined).
   */
  async ready(timeoutMs: number): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.closed) throw new ClientError("the client was closed before the kernel answered kernel_info_request");
      const header = this.header("kernel_info_request");
      const id = header.msg_id;
      const left = () => Math.max(1, Math.min(2000, deadline - Date.now()));
      const reply = this.waitFor((ch, m) => ch === "shell" && m.parent_header.msg_id === id, left(), "kernel_info_reply");
      const idle = this.waitFor((ch, m) => ch === "iopub" && m.parent_header.msg_id === id &&
        m.header.msg_type === "status" && (m.content as { execution_state?: string }).execution_state === "idle", left(), "iopub idle");
      // Observed below; a failed send (the client closed because the kernel died) must not
      // leave them to reject unobserved when their timers run out.
      reply.catch(() => {});
      idle.catch(() => {});
      try {
        await this.send("shell", header, {});
      } catch (e) {
        if (this.closed) throw new ClientError("the client was closed before the kernel answered kernel_info_request");
        throw e;
      }
      try {
        const [r] = await Promise.all([reply, idle]);
        return r;
      } catch {
        // not up yet, or iopub not joined yet: ask again
      }
    }
    throw new ClientError(`kernel did not answer kernel_info_request within ${(timeoutMs / 1000).toFixed(0)} s`);
  }

  /** Closes every socket. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }
}

export type { Message, Header } from "../wire/message";
