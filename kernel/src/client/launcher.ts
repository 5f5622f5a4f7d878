import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ConnectionInfo } from "../wire/connection";
import type { Message } from "../wire/message";
import { KernelClient } from "./client";
import { makeConnectionInfo } from "./connection";
import { findKernelSpec, KernelSpec } from "./kernelspec";

/** How to start a kernel. */
export interface LaunchOptions {
  /** A kernelspec name looked up in the Jupyter paths; default: this package's own kernel entry. */
  kernelName?: string;
  /** Working directory of the kernel process (cells resolve relative paths from it). */
  cwd?: string;
  /** Extra environment for the kernel process. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the first kernel_info_reply (default 60 s). */
  startupTimeoutMs?: number;
}

/** Raised when the kernel cannot be started; the message carries the tail of its stderr. */
export class LaunchError extends Error {
  override name = "LaunchError";
}

/** This package's CLI entry (built), which `optlab kernel -f` runs. */
export function ownKernelEntry(): string {
  // From dist/src/client this is dist/bin/optlab.js; from sources run by tsx, the built copy.
  const candidates = [path.resolve(__dirname, "..", "..", "bin", "optlab.js"), path.resolve(__dirname, "..", "..", "dist", "bin", "optlab.js")];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new LaunchError(`the optlab kernel entry is not built (looked for ${candidates.join(", ")}); run npm run build`);
  return found;
}

/** Kernels started by this process and not yet exited: killed if this process exits first. */
const live = new Set<RunningKernel>();
let exitHookInstalled = false;

function killOrphans(): void {
  for (const k of live) {
    try {
      k.proc.kill("SIGKILL");
      fs.rmSync(path.dirname(k.connectionFile), { recursive: true, force: true });
    } catch {
      // exiting anyway
    }
  }
}

/** A started kernel with a connected client. */
export class RunningKernel {
  /** kernel_info_reply content. */
  info: Record<string, unknown> = {};
  private output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitState: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly proc: ChildProcess,
    readonly client: KernelClient,
    readonly connection: ConnectionInfo,
    readonly connectionFile: string,
    readonly spec: Pick<KernelSpec, "name" | "displayName" | "language" | "interruptMode">,
  ) {
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => proc.once("exit", (code, signal) => {
      this.exitState = { code, signal };
      live.delete(this);
      resolve(this.exitState);
    }));
    live.add(this);
    if (!exitHookInstalled) {
      // A kernel serves until told to stop; never leave one behind when the runner dies (Ctrl-C).
      process.on("exit", killOrphans);
      exitHookInstalled = true;
    }
  }

  /** Whether the process has exited, and how. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitState;
  }

  /** The last lines the kernel process wrote to stdout/stderr (its own diagnostics). */
  logTail(lines = 20): string {
    return this.output.trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Interrupts the running cell: SIGINT for signal-mode kernels, interrupt_request otherwise. */
  async interrupt(): Promise<void> {
    if (this.exitState) return;
    if (this.spec.interruptMode === "signal" && this.proc.pid !== undefined) {
      this.proc.kill("SIGINT");
    } else {
      await this.client.send("control", this.client.header("interrupt_request"), {});
    }
  }

  /**
   * Asks the kernel to shut down (shutdown_request on control), waits up to `graceMs` for the
   * process to exit, then kills it. Always closes the client and removes the connection file.
   */
  async shutdown(graceMs = 3000): Promise<void> {
    try {
      if (!this.exitState) {
        await this.client.send("control", this.client.header("shutdown_request"), { restart: false }).catch(() => {});
        const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
        if ((await Promise.race([this.exited, timer])) === "timeout" && !this.exitState) {
          this.proc.kill("SIGKILL");
          await this.exited;
        }
      }
    } finally {
      this.client.close();
      fs.rmSync(path.dirname(this.connectionFile), { recursive: true, force: true });
    }
  }
}

/**
 * Starts a kernel (this package's, or the named kernelspec's argv with `{connection_file}`
 * filled in), connects a client and waits for kernel_info_reply.
 */
export async function launchKernel(opts: LaunchOptions = {}): Promise<RunningKernel> {
  let argv: string[];
  let spec: RunningKernel["spec"];
  let env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.kernelName !== undefined) {
    const ks = findKernelSpec(opts.kernelName);
    argv = ks.argv;
    spec = ks;
    env = { ...env, ...ks.env };
    argv = argv.map((a) => a.replace(/\{resource_dir\}/g, ks.dir));
  } else {
    argv = [process.execPath, ownKernelEntry(), "kernel", "-f", "{connection_file}"];
    spec = { name: "optlab", displayName: "TypeScript (optlab)", language: "typescript", interruptMode: "message" };
    // A headless run should not append to the user's kernel history file.
    if (env.OPTLAB_HISTORY_FILE === undefined) env.OPTLAB_HISTORY_FILE = "";
  }
  const connection = await makeConnectionInfo();
  const connectionFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "optlab-run-")), "kernel.json");
  // As jupyter_client does: the kernel exits when this process dies. optlab's own kernel also
  // owns the connection file then (it holds the key) and removes it, so a runner killed with
  // SIGKILL, whose exit hooks never run, leaves neither a kernel nor a key behind.
  env.JPY_PARENT_PID = String(process.pid);
  env.OPTLAB_OWNED_CONNECTION_FILE = connectionFile; // other kernels ignore it
  env = { ...env, ...opts.env };
  fs.writeFileSync(connectionFile, JSON.stringify({ ...connection, kernel_name: spec.name }), { mode: 0o600 });
  argv = argv.map((a) => a.replace(/\{connection_file\}/g, connectionFile));

  const proc = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const spawnError = new Promise<never>((_, reject) => proc.once("error", (e) => reject(new LaunchError(`cannot start the kernel ${JSON.stringify(argv[0])}: ${e.message}`))));
  const client = new KernelClient(connection);
  const kernel = new RunningKernel(proc, client, connection, connectionFile, spec);
  client.connect();
  const died = kernel.exited.then(({ code, signal }) => {
    throw new LaunchError(`the kernel exited during start-up (${signal ?? `exit code ${code}`}):\n${kernel.logTail()}`);
  });
  try {
    const reply: Message = await Promise.race([client.ready(opts.startupTimeoutMs ?? 60_000), died, spawnError]);
    kernel.info = reply.content;
  } catch (e) {
    await kernel.shutdown(500);
    if (e instanceof LaunchError) throw e;
    throw new LaunchError(`${(e as Error).message}\n${kernel.logTail()}`);
  }
  died.catch(() => {});
  spawnError.catch(() => {});
  return kernel;
}
