/**
 * A small Jupyter frontend for the kernel suites: its own wire encoding (independent of the
 * kernel's), real ZeroMQ sockets, and a kernel process started from the built kernel/dist.
 */
import { ChildProcess, spawn } from "child_process";
import { createHmac, randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import { freePort } from "../freePort";

/** The built kernel entry; OPTLAB_TEST_KERNEL_BIN points the suites at another build (e.g. to show a test fails on an older one). */
export const KERNEL_BIN = process.env.OPTLAB_TEST_KERNEL_BIN ?? path.resolve(__dirname, "..", "..", "kernel", "dist", "bin", "optlab.js");
const DELIM = Buffer.from("<IDS|MSG>");

export interface Msg {
  header: { msg_id: string; msg_type: string; session: string; version: string; date: string; username: string };
  parent_header: { msg_id?: string; msg_type?: string };
  metadata: Record<string, unknown>;
  content: Record<string, any>;
  buffers: Buffer[];
}

export interface Connection {
  ip: string;
  transport: "tcp";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
}


/** A fresh temp dir for one kernel: connection file, history, kernelspec installs. */
export function tempDir(prefix = "optlab-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function makeConnection(): Promise<Connection> {
  const ports = [];
  for (let i = 0; i < 5; i++) ports.push(await freePort());
  return {
    ip: "127.0.0.1",
    transport: "tcp",
    shell_port: ports[0],
    iopub_port: ports[1],
    stdin_port: ports[2],
    control_port: ports[3],
    hb_port: ports[4],
    key: randomBytes(16).toString("hex"),
    signature_scheme: "hmac-sha256",
  };
}

type Waiter = { pred: (m: Msg) => boolean; resolve: (m: Msg) => void };

/** Collects messages from one socket and lets tests wait for a matching one. */
class Inbox {
  readonly all: Msg[] = [];
  private waiters: Waiter[] = [];

  push(m: Msg): void {
    this.all.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  wait(pred: (m: Msg) => boolean, timeoutMs: number, what: string): Promise<Msg> {
    const found = this.all.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = { pred, resolve: (m) => { clearTimeout(timer); resolve(m); } };
      this.waiters.push(waiter);
    });
  }
}

/** Result of one execute_request: its reply and every iopub message parented to it until idle. */
export interface Execution {
  reply: Msg;
  iopub: Msg[];
}

export type ChannelName = "shell" | "control" | "stdin";

export class KernelClient {
  readonly session = randomUUID();
  // As jupyter_client does: shell and stdin share one routing id, so the kernel's stdin ROUTER
  // can address input_request to the identity an execute_request arrived with.
  readonly shell = new zmq.Dealer({ linger: 0, routingId: this.session });
  readonly control = new zmq.Dealer({ linger: 0 });
  readonly stdin = new zmq.Dealer({ linger: 0, routingId: this.session });
  readonly iopub = new zmq.Subscriber({ linger: 0 });
  readonly replies = new Inbox();
  readonly iopubBox = new Inbox();
  readonly stdinBox = new Inbox();
  /** Frames the client could not decode (a kernel bug if ever non-empty). */
  readonly undecodable: Buffer[][] = [];
  private closed = false;

  constructor(readonly conn: Connection) {}

  async connect(): Promise<void> {
    const ep = (p: number) => `tcp://${this.conn.ip}:${p}`;
    this.shell.connect(ep(this.conn.shell_port));
    this.control.connect(ep(this.conn.control_port));
    this.stdin.connect(ep(this.conn.stdin_port));
    this.iopub.connect(ep(this.conn.iopub_port));
    this.iopub.subscribe();
    void this.pump(this.shell, this.replies);
    void this.pump(this.control, this.replies);
    void this.pump(this.stdin, this.stdinBox);
    void this.pump(this.iopub, this.iopubBox);
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, box: Inbox): Promise<void> {
    try {
      for await (const frames of sock) {
        const m = this.decode(frames);
        if (m) box.push(m);
        else this.undecodable.push(frames);
      }
    } catch (e) {
      if (!this.closed) throw e;
    }
  }

  sign(parts: Buffer[]): string {
    const h = createHmac("sha256", this.conn.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  decode(frames: Buffer[]): Msg | undefined {
    const i = frames.findIndex((f) => f.equals(DELIM));
    if (i < 0 || frames.length < i + 6) return undefined;
    const body = frames.slice(i + 2, i + 6);
    if (frames[i + 1].toString() !== this.sign(body)) return undefined;
    const [header, parent_header, metadata, content] = body.map((b) => JSON.parse(b.toString()));
    return { header, parent_header, metadata, content, buffers: frames.slice(i + 6) };
  }

  /** Builds signed frames for a request (what a frontend sends on a DEALER socket). */
  frames(msgType: string, content: unknown, opts: { buffers?: ArrayBufferView[]; metadata?: object; msgId?: string } = {}): { msgId: string; frames: Buffer[] } {
    const msgId = opts.msgId ?? randomUUID();
    const header = { msg_id: msgId, session: this.session, username: "test", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const body = [header, {}, opts.metadata ?? {}, content].map((o) => Buffer.from(JSON.stringify(o)));
    const buffers = (opts.buffers ?? []).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return { msgId, frames: [DELIM, Buffer.from(this.sign(body)), ...body, ...buffers] };
  }

  async send(channel: ChannelName, msgType: string, content: unknown, opts: { buffers?: ArrayBufferView[]; metadata?: object } = {}): Promise<string> {
    const { msgId, frames } = this.frames(msgType, content, opts);
    await this[channel].send(frames);
    return msgId;
  }

  async sendRaw(channel: ChannelName, frames: Buffer[]): Promise<void> {
    await this[channel].send(frames);
  }

  reply(msgId: string, timeoutMs = 20000): Promise<Msg> {
    return this.replies.wait((m) => m.parent_header.msg_id === msgId, timeoutMs, `reply to ${msgId}`);
  }

  idle(msgId: string, timeoutMs = 20000): Promise<Msg> {
    return this.iopubBox.wait(
      (m) => m.parent_header.msg_id === msgId && m.header.msg_type === "status" && m.content.execution_state === "idle",
      timeoutMs, `idle for ${msgId}`);
  }

  /** iopub messages parented to `msgId`, in arrival order. */
  iopubFor(msgId: string): Msg[] {
    return this.iopubBox.all.filter((m) => m.parent_header.msg_id === msgId);
  }

  /** Sends a request and waits for both its reply and its idle status. */
  async request(channel: ChannelName, msgType: string, content: unknown, opts: { buffers?: ArrayBufferView[]; timeoutMs?: number } = {}): Promise<Execution> {
    const id = await this.send(channel, msgType, content, opts);
    const [reply] = await Promise.all([this.reply(id, opts.timeoutMs), this.idle(id, opts.timeoutMs)]);
    return { reply, iopub: this.iopubFor(id) };
  }

  /** Sends a message that has no reply (comm_open/msg/close) and waits for its idle status. */
  async notify(msgType: string, content: unknown, opts: { buffers?: ArrayBufferView[]; timeoutMs?: number } = {}): Promise<Msg[]> {
    const id = await this.send("shell", msgType, content, opts);
    await this.idle(id, opts.timeoutMs);
    return this.iopubFor(id);
  }

  execute(code: string, opts: { silent?: boolean; store_history?: boolean; stop_on_error?: boolean; allow_stdin?: boolean; timeoutMs?: number } = {}): Promise<Execution> {
    return this.request("shell", "execute_request", {
      code, silent: opts.silent ?? false, store_history: opts.store_history ?? true,
      user_expressions: {}, allow_stdin: opts.allow_stdin ?? false, stop_on_error: opts.stop_on_error ?? true,
    }, { timeoutMs: opts.timeoutMs });
  }

  /** Waits until the kernel's iopub is connected: kernel_info until its busy status arrives. */
  async ready(timeoutMs = 30000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const id = await this.send("shell", "kernel_info_request", {});
      try {
        const reply = await this.reply(id, Math.max(1, deadline - Date.now()));
        await this.idle(id, 500);
        return reply;
      } catch {
        // iopub subscription not live yet (slow joiner): ask again
      }
    }
    throw new Error("kernel did not become ready");
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }
}

/** A kernel process plus a connected client. */
export interface RunningKernel {
  proc: ChildProcess;
  client: KernelClient;
  dir: string;
  conn: Connection;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts the built kernel in a temp dir (history there too) and connects a client. The ports are
 * free when chosen but may be taken before the kernel binds them (by a parallel test's client,
 * say): a kernel that exits saying so is started again on new ports, as jupyter_client does.
 */
export async function startKernel(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningKernel> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKernelOnce(opts);
    } catch (e) {
      if (!(e instanceof PortTakenError) || attempt === 3) throw e;
    }
  }
}

class PortTakenError extends Error {}

async function startKernelOnce(opts: { dir?: string; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<RunningKernel> {
  const dir = opts.dir ?? tempDir();
  const conn = await makeConnection();
  const connFile = path.join(dir, `kernel-${randomUUID()}.json`);
  fs.writeFileSync(connFile, JSON.stringify(conn));
  const proc = spawn(process.execPath, [KERNEL_BIN, "kernel", "-f", connFile], {
    cwd: opts.cwd ?? dir,
    env: { ...process.env, JUPYTER_DATA_DIR: path.join(dir, "data"), OPTLAB_HISTORY_FILE: path.join(dir, "history.jsonl"), ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  proc.stdout!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  // 'exit' can come before the last of stderr: 'close' waits for the streams too.
  const closed = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  const client = new KernelClient(conn);
  await client.connect();
  try {
    await Promise.race([client.ready(), exited.then(async (c) => {
      await closed;
      throw new (/cannot bind .*Address already in use/.test(err) ? PortTakenError : Error)(`kernel exited with ${c}: ${err}`);
    })]);
  } catch (e) {
    client.close();
    throw e;
  }
  return {
    proc, client, dir, conn, exited,
    stderr: () => err,
    async stop() {
      client.close();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
