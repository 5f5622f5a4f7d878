/**
 * Runs in a worker thread: owns the heartbeat and control sockets so that both keep answering
 * while the main thread is blocked in synchronous cell code (`while (true) {}`). An
 * interrupt_request is turned into SIGINT here, which the executor's `breakOnSigint` and the
 * main thread's SIGINT handler understand; when the main thread stays blocked anyway (a loop
 * after an `await`, or in a timer callback) the running JavaScript is terminated through an
 * inspector session on the main isolate (see runtime/termination). Every other control message
 * is forwarded to the main thread, which sends its reply back through this worker. The worker
 * also watches the parent process, so a kernel whose frontend died does not live on.
 */
import * as inspector from "inspector";
import { parentPort, workerData } from "worker_threads";
import * as zmq from "zeromq";
import { signalIfSafe } from "../runtime/signalPhase";
import { ProbeVerdict, TERMINATION_PROBE_EXPRESSION } from "../runtime/termination";
import { ConnectionInfo, bindChannel, removeOwnedConnectionFile } from "./connection";
import { decode, encode, makeHeader, WireError } from "./message";
import { SerialSender } from "./sender";
import { Signer } from "./signer";

/** What the main thread sends to this worker. */
export type ToControlWorker = { type: "send"; frames: Uint8Array[] } | { type: "interrupt-ack" } | { type: "close" };
/** What this worker sends to the main thread. */
export type FromControlWorker =
  | { type: "ready" }
  | { type: "message"; frames: Uint8Array[] }
  | { type: "interrupted"; frames: Uint8Array[] }
  | { type: "orphaned" }
  | { type: "closed" }
  | { type: "error"; message: string };

/** Start-up data for the worker. */
export interface ControlWorkerData {
  info: ConnectionInfo;
  session: string;
  /** Process whose death ends the kernel (JPY_PARENT_PID or the parent); undefined: none. */
  parentPid?: number;
  /** A connection file this kernel owns and removes when its parent dies. */
  ownedConnectionFile?: string;
  /** Shared with the main thread (Int32 [0]): whether a SIGINT is safe now (runtime/signalPhase). */
  signalPhase: SharedArrayBuffer;
}

const port = parentPort!;
const { info, session, parentPid, ownedConnectionFile, signalPhase } = workerData as ControlWorkerData;
const phase = new Int32Array(signalPhase);

/**
 * SIGINTs this process, but only while the main thread says a signal is safe and the way to
 * stop it (runtime/signalPhase): anywhere else the interrupt message (or a termination) does
 * it, a stray signal would interrupt whatever cell runs next, and one landing while breakOnSigint
 * swaps handlers would end the process.
 */
function sigint(): void {
  signalIfSafe(phase, () => process.kill(process.pid, "SIGINT"));
}
const signer = new Signer(info.key, info.signature_scheme);
const log = (line: string) => process.stderr.write(`[optlab kernel control] ${line}\n`);

/** How long the main thread may take to acknowledge an interrupt before its JavaScript is terminated. */
const TERMINATE_AFTER_MS = 300;
/** Interval of SIGINT resends and termination attempts while the main thread stays blocked. */
const RETRY_MS = 250;
/** How often the parent's liveness is checked (ipykernel polls about as often). */
const PARENT_POLL_MS = 250;

let session_: inspector.Session | undefined;
function mainIsolate(): inspector.Session {
  if (!session_) {
    session_ = new inspector.Session();
    session_.connectToMainThread();
  }
  return session_;
}

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => mainIsolate().post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/**
 * Terminates the JavaScript blocking the main thread if the probe there finds it blocked in
 * user code; returns the probe's verdict.
 */
async function terminateMainJavaScript(): Promise<ProbeVerdict> {
  try {
    const r = await post<{ result: { value?: unknown } }>("Runtime.evaluate", { expression: TERMINATION_PROBE_EXPRESSION, returnByValue: true });
    const verdict = r.result.value as ProbeVerdict;
    if (verdict === "terminate" && interrupting) await post("Runtime.terminateExecution");
    return verdict;
  } catch (e) {
    log(`cannot terminate the running cell: ${(e as Error).message}`);
    return "signal";
  }
}

let resend: NodeJS.Timeout | undefined;
let interrupting = false;
function stopResending(): void {
  interrupting = false;
  if (resend) clearInterval(resend);
  resend = undefined;
}

/**
 * SIGINT the process, and repeat until the main thread acknowledges: a signal that lands while
 * the main thread is between statements of the executor (not yet inside the vm's breakOnSigint
 * window) is otherwise lost behind a loop that then never yields. Past TERMINATE_AFTER_MS
 * without an acknowledgement, the probe on the main thread decides: stuck where no signal
 * reaches (terminate, and send no more signals: a late SIGINT would interrupt the next cell),
 * still where SIGINT works (resend), or not blocked at all (the acknowledgement is on its way).
 */
function interruptMainThread(): void {
  stopResending();
  interrupting = true;
  sigint();
  const t0 = Date.now();
  let tries = 0;
  let probing = false;
  resend = setInterval(() => {
    if (++tries > 40) return stopResending();
    if (Date.now() - t0 < TERMINATE_AFTER_MS) {
      sigint();
      return;
    }
    if (probing) return;
    probing = true;
    void terminateMainJavaScript().then((verdict) => {
      probing = false;
      if (verdict === "signal" && interrupting) sigint();
    });
  }, RETRY_MS);
}

function parentAlive(pid: number, initialPpid: number): boolean {
  // Reparenting (to init or a subreaper) means the parent died even if its pid was reused.
  if (pid === initialPpid && process.ppid !== initialPpid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function watchParent(): NodeJS.Timeout | undefined {
  if (parentPid === undefined) return undefined;
  const initialPpid = process.ppid;
  const timer = setInterval(() => {
    if (parentAlive(parentPid, initialPpid)) return;
    clearInterval(timer);
    log(`parent process ${parentPid} is gone; shutting down`);
    removeOwnedConnectionFile(ownedConnectionFile);
    port.postMessage({ type: "orphaned" } satisfies FromControlWorker);
    // The main thread may be stuck in a cell: if it has not exited soon, end the process here.
    setTimeout(() => process.kill(process.pid, "SIGKILL"), 1000).unref();
  }, PARENT_POLL_MS);
  return timer;
}

async function main(): Promise<void> {
  const hb = new zmq.Reply({ linger: 0 });
  const control = new zmq.Router({ linger: 0 });
  await bindChannel(hb, info, "hb", info.hb_port);
  await bindChannel(control, info, "control", info.control_port);
  mainIsolate();
  const parentWatch = watchParent();
  const controlOut = new SerialSender(control, log);
  port.on("message", async (m: ToControlWorker) => {
    if (m.type === "interrupt-ack") {
      stopResending();
    } else if (m.type === "send") {
      await controlOut.send(m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
    } else {
      // Orderly teardown: this thread's sockets close here, before the main thread closes its
      // own and the process exits (a socket freed during exit races ZeroMQ's context teardown).
      stopResending();
      if (parentWatch) clearInterval(parentWatch);
      await controlOut.flush();
      hb.close();
      control.close();
      session_?.disconnect();
      session_ = undefined;
      port.postMessage({ type: "closed" } satisfies FromControlWorker);
      port.close();
    }
  });
  port.postMessage({ type: "ready" } satisfies FromControlWorker);
  void (async () => {
    try {
      for await (const [ping] of hb) await hb.send(ping);
    } catch (e) {
      if (!hb.closed) log(`heartbeat stopped: ${(e as Error).message}`);
    }
  })();
  try {
    for await (const frames of control) {
      let msgType: string | undefined;
      try {
        const msg = decode(frames, signer);
        msgType = msg.header.msg_type;
        if (msgType === "interrupt_request") {
          interruptMainThread();
          const reply = encode(signer, msg.identities, makeHeader("interrupt_reply", session), msg.header, {}, { status: "ok" });
          await controlOut.send(reply);
          port.postMessage({ type: "interrupted", frames } satisfies FromControlWorker);
          continue;
        }
      } catch (e) {
        if (e instanceof WireError) {
          log(`dropped control message: ${e.message}`);
          continue;
        }
        throw e;
      }
      port.postMessage({ type: "message", frames } satisfies FromControlWorker);
    }
  } catch (e) {
    if (!control.closed) log(`control stopped: ${(e as Error).message}`);
  }
}

main().catch((e: Error) => port.postMessage({ type: "error", message: e.message } satisfies FromControlWorker));
