import * as path from "path";
import { Worker } from "worker_threads";
import * as zmq from "zeromq";
import { ConnectionInfo, bindChannel } from "./connection";
import type { ControlWorkerData, FromControlWorker, ToControlWorker } from "./controlWorker";
import { BufferLike, decode, encode, Header, makeHeader, Message, WireError } from "./message";
import { SerialSender } from "./sender";
import { Signer } from "./signer";

/** The channels a request can arrive on. */
export type Channel = "shell" | "control" | "stdin";

/** Receives decoded, verified messages. */
export type MessageHandler = (channel: Channel, msg: Message) => void;

/** Process-lifetime duties the control worker takes on for the kernel. */
export interface TransportOptions {
  /** End the kernel when this process dies (JPY_PARENT_PID, as ipykernel polls it). */
  parentPid?: number;
  /** A connection file the kernel owns: removed when the parent dies. */
  ownedConnectionFile?: string;
  /** Called on the main thread once the parent is gone (the worker removed the file already). */
  onOrphaned?: () => void;
}

/** Options for an outgoing message. */
export interface SendOptions {
  metadata?: Record<string, unknown>;
  buffers?: readonly BufferLike[];
}

/**
 * The kernel's ZeroMQ endpoints: shell, iopub and stdin on the main thread; control and heartbeat
 * in a worker thread (see controlWorker). Incoming messages are verified here; anything malformed
 * is dropped with one log line so the kernel keeps serving.
 */
export class Transport {
  readonly session: string;
  private readonly signer: Signer;
  private readonly shell = new zmq.Router({ linger: 0 });
  // No high-water mark: a PUB socket silently drops what exceeds it, and stream batching keeps
  // the message count small. A short linger lets the last output leave before exit.
  private readonly iopub = new zmq.Publisher({ linger: 1000, sendHighWaterMark: 0 });
  private readonly stdin = new zmq.Router({ linger: 0 });
  private readonly out: Record<"shell" | "iopub" | "stdin", SerialSender>;
  private worker?: Worker;
  private readonly signalPhase = new SharedArrayBuffer(4);
  /** Whether a SIGINT is safe now (runtime/signalPhase): the executor writes it, the control worker reads it. */
  readonly signalPhaseFlag = new Int32Array(this.signalPhase);
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    session: string,
    private readonly log: (line: string) => void,
    private readonly opts: TransportOptions = {},
  ) {
    this.session = session;
    this.signer = new Signer(info.key, info.signature_scheme);
    this.out = {
      shell: new SerialSender(this.shell, log),
      iopub: new SerialSender(this.iopub, log),
      stdin: new SerialSender(this.stdin, log),
    };
  }

  /** Binds every socket (only on the connection file's ip) and starts delivering messages. */
  async start(onMessage: MessageHandler, onInterruptRequest: (msg: Message) => void): Promise<void> {
    await bindChannel(this.shell, this.info, "shell", this.info.shell_port);
    await bindChannel(this.iopub, this.info, "iopub", this.info.iopub_port);
    await bindChannel(this.stdin, this.info, "stdin", this.info.stdin_port);
    await this.startControlWorker(onMessage, onInterruptRequest);
    void this.receive(this.shell, "shell", onMessage);
    void this.receive(this.stdin, "stdin", onMessage);
  }

  private startControlWorker(onMessage: MessageHandler, onInterrupt: (msg: Message) => void): Promise<void> {
    const worker = new Worker(path.join(__dirname, "controlWorker.js"), {
      workerData: { info: this.info, session: this.session, parentPid: this.opts.parentPid, ownedConnectionFile: this.opts.ownedConnectionFile,
        signalPhase: this.signalPhase } satisfies ControlWorkerData,
      // The worker's stderr would otherwise flow through process.stderr, which cells' output captures.
      stderr: true,
    });
    worker.stderr.on("data", (d: Buffer) => this.log(d.toString().trimEnd()));
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (m: FromControlWorker) => {
        if (m.type === "ready") return resolve();
        if (m.type === "error") return reject(new Error(`control worker: ${m.message}`));
        if (m.type === "orphaned") return this.opts.onOrphaned?.();
        if (m.type === "closed") return;
        const msg = this.tryDecode(m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)), "control");
        if (!msg) return;
        if (m.type === "interrupted") {
          // Reaching this line means the main thread is free again: the interrupt landed.
          worker.postMessage({ type: "interrupt-ack" } satisfies ToControlWorker);
          onInterrupt(msg);
        }
        else onMessage("control", msg);
      });
      worker.on("error", reject);
    });
  }

  private tryDecode(frames: Buffer[], channel: string): Message | undefined {
    try {
      return decode(frames, this.signer);
    } catch (e) {
      if (e instanceof WireError) {
        this.log(`dropped ${channel} message: ${e.message}`);
        return undefined;
      }
      throw e;
    }
  }

  private async receive(socket: zmq.Router, channel: Channel, onMessage: MessageHandler): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = this.tryDecode(frames, channel);
        if (msg) onMessage(channel, msg);
      }
    } catch (e) {
      if (!this.closed) this.log(`${channel} socket stopped: ${(e as Error).message}`);
    }
  }

  /** Sends a reply to `request` on the channel it came from. */
  reply(channel: Channel, request: Message, msgType: string, content: unknown, opts: SendOptions = {}): Promise<void> {
    const frames = encode(this.signer, request.identities, makeHeader(msgType, this.session), request.header,
      opts.metadata ?? {}, content, opts.buffers);
    if (channel === "control") {
      this.worker?.postMessage({ type: "send", frames } satisfies ToControlWorker);
      return Promise.resolve();
    }
    return this.out[channel].send(frames);
  }

  /** Publishes on iopub, parented to `parent` (an empty object when unsolicited). */
  publish(msgType: string, content: unknown, parent: Header | undefined, opts: SendOptions = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.session}.${msgType}`);
    const frames = encode(this.signer, [topic], makeHeader(msgType, this.session), parent ?? {},
      opts.metadata ?? {}, content, opts.buffers);
    return this.out.iopub.send(frames);
  }

  /** Sends a request to the frontend on stdin, routed to the identities of `request`. */
  stdinRequest(request: Message, msgType: string, content: unknown): Promise<void> {
    const frames = encode(this.signer, request.identities, makeHeader(msgType, this.session), request.header, {}, content);
    return this.out.stdin.send(frames);
  }

  /** Resolves once queued iopub messages are in ZeroMQ's hands (its I/O thread sends them even
   * while the main thread is then blocked in synchronous cell code). */
  flushIopub(): Promise<void> {
    return this.out.iopub.flush();
  }

  /**
   * Flushes pending sends, then closes in order: the control worker's sockets (and the worker
   * itself) first, then this thread's. ZeroMQ sockets left to process exit are torn down while
   * their context is being destroyed, which aborts the process now and then.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.race([Promise.all(Object.values(this.out).map((s) => s.flush())), delay(2000)]);
    const worker = this.worker;
    if (worker) {
      const exited = new Promise<void>((r) => worker.once("exit", () => r()));
      worker.postMessage({ type: "close" } satisfies ToControlWorker);
      if ((await Promise.race([exited.then(() => "exited"), delay(2000)])) !== "exited") {
        await worker.terminate();
      }
    }
    this.shell.close();
    this.iopub.close();
    this.stdin.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
