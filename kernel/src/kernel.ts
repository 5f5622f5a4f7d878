import { randomUUID } from "crypto";
import { History } from "./history";
import { commRegistry, CommRegistry } from "./runtime/comms";
import { requestContext, RequestContext } from "./runtime/context";
import { describeError, ErrorInfo } from "./runtime/errors";
import type { Executor, TypeCheckMode } from "./runtime/executor";
import { installCellGlobals } from "./runtime/globals";
import { KernelHost, setHost } from "./runtime/host";
import { captureStdio, StdioCapture } from "./runtime/stdio";
import { StreamBatcher } from "./runtime/streamBatcher";
import { installTerminationProbe } from "./runtime/termination";
import { registerWidgetControlTarget } from "./runtime/widgetControl";
import { ConnectionFileError, ConnectionInfo, removeOwnedConnectionFile } from "./wire/connection";
import { BufferLike, Message } from "./wire/message";
import { Channel, Transport } from "./wire/transport";
import { handlerFor } from "./handlers";
import { endStartupWatch } from "./client/startupWatch";

/** Options for starting a kernel. */
export interface KernelOptions {
  /** Directory cells resolve relative imports and modules from (default: process.cwd()). */
  cwd?: string;
  /** JSON-lines history file; undefined keeps history in memory only. */
  historyFile?: string;
  /** Where the kernel's own diagnostics go (default: the real stderr). */
  log?: (line: string) => void;
  /**
   * Exit when this process dies (default: JPY_PARENT_PID from the environment, as jupyter_client
   * sets it; ipykernel polls it the same way). 0 or 1: no watch.
   */
  parentPid?: number;
  /**
   * A connection file this kernel owns and removes on the way out, parent death included
   * (default: OPTLAB_OWNED_CONNECTION_FILE from the environment, set by optlab's launcher).
   */
  ownedConnectionFile?: string;
  /**
   * When cells are type checked: "background" (default; the cell runs at once, type errors follow
   * as stderr) or "strict" (checked first, a type error stops the cell). Default:
   * OPTLAB_TYPECHECK from the environment, else "background".
   */
  typeCheck?: TypeCheckMode;
}

/** Delay before the executor is built in the background after start-up. */
const WARM_UP_DELAY_MS = 20;

/** How long a stopping kernel waits for its event loop to drain before it exits regardless. */
const EXIT_GRACE_MS = 2000;

/** A positive pid from the environment, or undefined (init, pid 1, never dies: no watch). */
function pidFromEnv(value: string | undefined): number | undefined {
  const pid = value === undefined || value === "" ? NaN : Number(value);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** OPTLAB_TYPECHECK: "background" (default) or "strict"; anything else is a start-up error naming it. */
function typeCheckFromEnv(value: string | undefined): TypeCheckMode {
  if (value === undefined || value === "" || value === "background" || value === "strict") return (value || "background") as TypeCheckMode;
  throw new Error(`OPTLAB_TYPECHECK: expected "background" or "strict", got ${JSON.stringify(value)}`);
}

/** A queued shell request; `aborted` is set by stop_on_error. */
interface Queued {
  msg: Message;
  aborted: boolean;
}

/**
 * The optlab kernel: routes verified messages to the per-type handlers in ./handlers, keeps
 * the shell queue and execution count, and is the host that display, comms and input talk to.
 */
export class Kernel implements KernelHost {
  readonly transport: Transport;
  private built: Executor | undefined;
  private building = false;
  private readonly cwd: string;
  private readonly typeCheck: TypeCheckMode;
  readonly history: History;
  readonly comms: CommRegistry = commRegistry();
  readonly log: (line: string) => void;
  executionCount = 0;
  private readonly queue: Queued[] = [];
  private draining = false;
  /** The shell/control request being handled, for output from code outside any cell context. */
  private current: RequestContext | undefined;
  private pendingInput: { resolve(v: string): void; reject(e: Error): void } | undefined;
  private stdio: StdioCapture | undefined;
  private stopping = false;
  private readonly ownedConnectionFile: string | undefined;
  private readonly streams = new StreamBatcher<RequestContext | undefined>((ctx, name, text) => this.sendNow(ctx, "stream", { name, text }));

  constructor(info: ConnectionInfo, opts: KernelOptions = {}) {
    const stderr = process.stderr.write.bind(process.stderr);
    this.log = opts.log ?? ((line: string) => void stderr(`[optlab kernel] ${line}\n`));
    this.ownedConnectionFile = opts.ownedConnectionFile ?? (process.env.OPTLAB_OWNED_CONNECTION_FILE || undefined);
    const parentPid = opts.parentPid ?? pidFromEnv(process.env.JPY_PARENT_PID);
    this.transport = new Transport(info, randomUUID(), this.log, {
      parentPid: parentPid !== undefined && parentPid > 1 ? parentPid : undefined,
      ownedConnectionFile: this.ownedConnectionFile,
      onOrphaned: () => void this.stop(0, process.exit, 0),
    });
    this.cwd = opts.cwd ?? process.cwd();
    this.typeCheck = opts.typeCheck ?? typeCheckFromEnv(process.env.OPTLAB_TYPECHECK);
    this.history = new History(opts.historyFile, this.log);
  }

  /**
   * The TypeScript executor, built on first use: loading TypeScript and building tslab's
   * language service takes most of a second, which kernel_info_reply need not wait for.
   * start() schedules the build right after the first turn of serving.
   */
  get executor(): Executor {
    if (!this.built) {
      this.building = true;
      try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { Executor: Impl } = require("./runtime/executor") as typeof import("./runtime/executor");
        this.built = new Impl(this.cwd, this.transport.signalPhaseFlag, this.typeCheck);
      } finally {
        this.building = false;
      }
    }
    return this.built;
  }

  /** Binds the sockets and starts serving; resolves once every socket is bound. */
  async start(): Promise<void> {
    setHost(this);
    installCellGlobals();
    registerWidgetControlTarget();
    this.stdio = captureStdio((name, text) => this.stream(name, text));
    installTerminationProbe(() => !this.building && (this.built?.terminable ?? true));
    this.interceptExit();
    process.on("SIGINT", () => this.built?.interrupt());
    // Errors thrown later by a cell's async work belong in that cell's output, not in a crash.
    process.on("uncaughtException", (err) => this.reportLate(err));
    process.on("unhandledRejection", (reason) => this.reportLate(reason));
    try {
      await this.transport.start(
        (channel, msg) => this.onMessage(channel, msg),
        (msg) => {
          // The main thread is free again (a signal or a termination got it here): stop the cell.
          this.built?.interrupt();
          this.statusPair(msg);
        },
      );
    } catch (e) {
      // Nobody listens on iopub yet: the reason must reach the real stderr (the frontend's log).
      this.stdio?.restore();
      throw e instanceof ConnectionFileError ? e : new ConnectionFileError((e as Error).message);
    }
    endStartupWatch(); // the control worker watches the parent from here on
    await this.publishStatus("starting", undefined);
    // Build the executor once the requests already queued (kernel_info) have been answered.
    setTimeout(() => {
      if (!this.stopping) void this.executor;
    }, WARM_UP_DELAY_MS).unref();
  }

  /**
   * `process.exit(n)` from a cell exits with n, after the same orderly teardown as a shutdown:
   * exiting with ZeroMQ sockets still open (one of them in the control worker thread) aborts
   * the process in zeromq's cleanup hooks. The owned connection file goes in every case.
   */
  private interceptExit(): void {
    const realExit = process.exit.bind(process) as (code?: number) => never;
    process.on("exit", () => removeOwnedConnectionFile(this.ownedConnectionFile));
    process.exit = ((code?: number | string | null) => {
      const n = code === undefined || code === null ? (typeof process.exitCode === "number" ? process.exitCode : 0) : Number(code);
      if (this.stopping) return realExit(n);
      void this.stop(Number.isInteger(n) ? n : 1, realExit);
      return undefined as never;
    }) as typeof process.exit;
  }

  private reportLate(err: unknown): void {
    const error = describeError(err);
    const ctx = requestContext.getStore() ?? this.current;
    this.publishAs(ctx, "error", error);
  }

  private onMessage(channel: Channel, msg: Message): void {
    if (this.stopping) return;
    if (channel === "stdin") return this.onStdin(msg);
    if (channel === "control") {
      void this.handle(channel, msg);
      return;
    }
    this.queue.push({ msg, aborted: false });
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.queue.length > 0 && !this.stopping) {
      const item = this.queue.shift()!;
      if (item.aborted) await this.abortRequest(item.msg);
      else await this.handle("shell", item.msg);
    }
    this.draining = false;
  }

  /** Runs one request's handler between iopub busy and idle, both parented to it. */
  private async handle(channel: Channel, msg: Message): Promise<void> {
    const ctx: RequestContext = { request: msg, allowStdin: false, silent: false };
    const previous = this.current;
    this.current = ctx;
    void this.publishStatus("busy", msg); // ordered by the iopub sender; no need to wait for it
    try {
      const handler = handlerFor(msg.header.msg_type);
      if (handler) {
        await requestContext.run(ctx, () => handler(this, channel, msg, ctx));
      } else {
        this.log(`unknown ${channel} message type ${JSON.stringify(msg.header.msg_type)}`);
        const evalue = `unknown message type ${JSON.stringify(msg.header.msg_type)}`;
        const type = `${msg.header.msg_type.replace(/_request$/, "")}_reply`;
        await this.transport.reply(channel, msg, type, { status: "error", ename: "UnknownMessageType", evalue, traceback: [evalue] });
      }
    } catch (e) {
      // A handler bug must not take the kernel down; say so once and keep serving.
      this.log(`${msg.header.msg_type} handler failed: ${(e as Error).stack ?? e}`);
    } finally {
      this.current = previous;
      void this.publishStatus("idle", msg);
    }
  }

  private async abortRequest(msg: Message): Promise<void> {
    await this.publishStatus("busy", msg);
    const type = msg.header.msg_type.replace(/_request$/, "_reply");
    await this.transport.reply("shell", msg, type, { status: "aborted", execution_count: this.executionCount });
    await this.publishStatus("idle", msg);
  }

  /**
   * stop_on_error: abort the execute requests already received. Yields first so messages sitting
   * in ZeroMQ's queue are read, as ipykernel drains its socket before aborting.
   */
  async abortQueuedExecutes(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    for (const item of this.queue) if (item.msg.header.msg_type === "execute_request") item.aborted = true;
  }

  private statusPair(msg: Message): void {
    void this.publishStatus("busy", msg).then(() => this.publishStatus("idle", msg));
  }

  publishStatus(state: "starting" | "busy" | "idle", parent: Message | undefined): Promise<void> {
    this.streams.flush();
    return this.transport.publish("status", { execution_state: state }, parent?.header);
  }

  /** Publishes iopub output for the request running the calling code (silent requests publish nothing). */
  publish(msgType: string, content: unknown, opts: { metadata?: Record<string, unknown>; buffers?: readonly BufferLike[] } = {}): void {
    this.publishAs(requestContext.getStore() ?? this.current, msgType, content, opts);
  }

  private publishAs(ctx: RequestContext | undefined, msgType: string, content: unknown, opts: { metadata?: Record<string, unknown>; buffers?: readonly BufferLike[] } = {}): void {
    this.streams.flush(); // earlier stream text first
    this.sendNow(ctx, msgType, content, opts);
  }

  private sendNow(ctx: RequestContext | undefined, msgType: string, content: unknown, opts: { metadata?: Record<string, unknown>; buffers?: readonly BufferLike[] } = {}): void {
    if (ctx?.silent) return;
    void this.transport.publish(msgType, content, ctx?.request.header, opts);
  }

  /** Sends pending stream text now (before a reply or anything else that must follow it). */
  flushStreams(): void {
    this.streams.flush();
  }

  /** Header of the request running the calling code (cell or comm handler), if any. */
  parentHeader(): Message["header"] | undefined {
    return (requestContext.getStore() ?? this.current)?.request.header;
  }

  private stream(name: "stdout" | "stderr", text: string): void {
    this.streams.write(requestContext.getStore() ?? this.current, name, text);
  }

  /** Publishes an error triple for the running request. */
  publishError(error: ErrorInfo): void {
    this.publish("error", error);
  }

  requestInput(prompt: string, password: boolean): Promise<string> {
    const ctx = requestContext.getStore() ?? this.current;
    if (!ctx || !ctx.allowStdin) {
      return Promise.reject(new Error("input() needs a frontend that accepts stdin (this execute_request had allow_stdin: false)"));
    }
    this.pendingInput?.reject(new Error("superseded by a newer input() call"));
    return new Promise<string>((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      void this.transport.stdinRequest(ctx.request, "input_request", { prompt, password });
    });
  }

  private onStdin(msg: Message): void {
    if (msg.header.msg_type !== "input_reply") {
      this.log(`ignored stdin message type ${JSON.stringify(msg.header.msg_type)}`);
      return;
    }
    const pending = this.pendingInput;
    this.pendingInput = undefined;
    const value = (msg.content as { value?: unknown }).value;
    pending?.resolve(typeof value === "string" ? value : "");
  }

  /** Closes everything in order and exits the process with `code` (after a shutdown_request). */
  async stop(code = 0, exit: (code: number) => never = process.exit, graceMs = EXIT_GRACE_MS): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.streams.flush();
    this.stdio?.restore();
    removeOwnedConnectionFile(this.ownedConnectionFile);
    await this.transport.close();
    this.built?.close();
    // Leave by draining the event loop, not by exit(): Node then runs zeromq's cleanup hooks,
    // which terminate its context after the sockets are gone; exit() tears the context down
    // from static destructors while its I/O threads may still run (heap corruption, SIGABRT).
    // Handles a cell left behind (an interval) would keep the loop alive: exit() after a grace.
    process.exitCode = code;
    if (graceMs === 0) exit(code);
    setTimeout(() => exit(code), graceMs).unref();
  }
}
