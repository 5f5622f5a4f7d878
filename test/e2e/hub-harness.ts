/**
 * Harness for the JupyterHub end-to-end suite: Debian's jupyterhub 3.0 started on localhost with
 * the course recipe (docs/jupyterhub_config.py) plus test overrides (DummyAuthenticator,
 * SimpleLocalProcessSpawner with homes under a temp dir, free ports, an API token for the test),
 * and a kernel client for the single-user servers behind it (@jupyterlab/services, the client
 * JupyterLab itself uses, over the hub's proxy).
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Kernel, KernelManager, KernelMessage, ServerConnection } from "@jupyterlab/services";
import { freePort } from "../freePort";
export { freePort };

// The WebSocket implementation @jupyterlab/services uses in node (ws, its own dependency; no types installed).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const NodeWebSocket = require("ws") as typeof globalThis.WebSocket;

export const ROOT = path.resolve(__dirname, "..", "..");
export const RECIPE_CONFIG = path.join(ROOT, "docs", "jupyterhub_config.py");
/** Debian's jupyterhub (its scripts run /usr/bin/python3, never a pyenv/venv shim first on PATH). */
export const JUPYTERHUB = "/usr/bin/jupyterhub";
/** JupyterLab 4 built from npm (lab/README.md): the students' front end in the recipe. */
export const LAB = path.join(ROOT, "lab");

/**
 * lab/'s own `npm ci` when its node_modules is missing or older than its lock file, then its build
 * (a no-op while lab/build/stamp.json matches the inputs), as test/e2e/jupyterlab.test.ts does.
 */
export function ensureLabBuild(): void {
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: LAB, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in lab/) failed:\n${r.stdout}\n${r.stderr}`);
  };
  const installed = path.join(LAB, "node_modules", ".package-lock.json");
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(path.join(LAB, "package-lock.json")).mtimeMs) {
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  }
  run(process.execPath, ["build.mjs"]);
}


const py = (v: unknown) => JSON.stringify(v); // JSON strings, lists and dicts are Python literals

export interface HubOptions {
  /** Scratch folder: homes/, the hub's database, cookie secret, proxy pid file, config. */
  dir: string;
  /** Student notebooks copied into each home by the recipe's server command. */
  courseDir: string;
  /** Environment of every single-user server (e.g. JUPYTER_PATH to the optlab install). */
  spawnerEnv: Record<string, string>;
  /** Password of every user (DummyAuthenticator). */
  password: string;
  /** Extra lines appended to the test config. */
  extraConfig?: string[];
}

export interface Hub {
  url: string;
  /** Token of the test's service, allowed to manage users, servers and tokens. */
  token: string;
  proc: ChildProcess;
  homes: string;
  log(): string;
  /** Hub REST API: /hub/api/<p> with the service token; throws on an unexpected status. */
  api(method: string, p: string, body?: unknown, expect?: number[]): Promise<any>;
  /** SIGTERM, then waits for the hub (which stops the proxy and the servers it started) to exit. */
  stop(): Promise<void>;
}

/** Starts jupyterhub with the recipe config plus the test's overrides; resolves once /hub/api answers. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const token = `e2e${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const homes = path.join(opts.dir, "homes");
  fs.mkdirSync(homes, { recursive: true });
  const config = path.join(opts.dir, "jupyterhub_config.py");
  fs.writeFileSync(config, [
    `load_subconfig(${py(RECIPE_CONFIG)})`,
    "import os",
    // Test overrides of the recipe: no Unix accounts, no fixed ports, everything under opts.dir.
    `c.JupyterHub.bind_url = ${py(`http://127.0.0.1:${port}`)}`,
    `c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${hubPort}`)}`,
    `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${apiPort}`)}`,
    `c.ConfigurableHTTPProxy.pid_file = ${py(path.join(opts.dir, "proxy.pid"))}`,
    `c.JupyterHub.pid_file = ${py(path.join(opts.dir, "jupyterhub.pid"))}`,
    `c.JupyterHub.db_url = ${py(`sqlite:///${path.join(opts.dir, "jupyterhub.sqlite")}`)}`,
    `c.JupyterHub.cookie_secret_file = ${py(path.join(opts.dir, "cookie_secret"))}`,
    `c.JupyterHub.authenticator_class = "dummy"`,
    `c.DummyAuthenticator.password = ${py(opts.password)}`,
    `c.Authenticator.allowed_users = {"alice", "bob"}`,
    `c.Authenticator.admin_users = set()`,
    `c.JupyterHub.spawner_class = "simple"`,
    `c.SimpleLocalProcessSpawner.home_dir_template = ${py(path.join(homes, "{username}"))}`,
    `c.Spawner.environment = {**c.Spawner.environment, **${py(opts.spawnerEnv)}}`,
    // jupyter-server refuses to run as root without this; the test may run as root (CI does).
    `c.Spawner.args = list(c.Spawner.args) + (["--allow-root"] if os.geteuid() == 0 else [])`,
    `c.Spawner.http_timeout = 60`,
    `c.Spawner.start_timeout = 60`,
    `c.JupyterHub.services = [{"name": "e2e", "api_token": ${py(token)}}]`,
    `c.JupyterHub.load_roles = [{"name": "e2e", "scopes": ["admin:users", "admin:servers", "tokens", "read:users"], "services": ["e2e"]}]`,
    ...(opts.extraConfig ?? []),
    "",
  ].join("\n"));
  let log = "";
  const proc = spawn(JUPYTERHUB, ["-f", config], {
    cwd: opts.dir,
    env: { ...process.env, OPTLAB_COURSE_DIR: opts.courseDir, OPTLAB_LAB_DIR: LAB },
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stdout!.on("data", (d) => (log += d));
  proc.stderr!.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));

  const api = async (method: string, p: string, body?: unknown, expect = [200, 201, 202, 204]) => {
    const r = await fetch(`${url}/hub/api/${p}`, {
      method,
      headers: { Authorization: `token ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!expect.includes(r.status)) throw new Error(`${method} /hub/api/${p}: HTTP ${r.status} (expected ${expect.join("/")}): ${text}\n--- hub log ---\n${log.slice(-4000)}`);
    return text ? JSON.parse(text) : null;
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyterhub exited with ${proc.exitCode}:\n${log}`);
    try {
      if ((await fetch(`${url}/hub/api/`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`jupyterhub did not answer on ${url} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url, token, proc, homes, api,
    log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        const t = setTimeout(() => proc.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** Waits for a user's default server to be ready (after POST …/server answered 202). */
export async function waitForServer(hub: Hub, user: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const u = await hub.api("GET", `users/${user}`);
    if (u.servers?.[""]?.ready) return;
    if (Date.now() > deadline) throw new Error(`${user}'s server not ready after ${timeoutMs / 1000} s: ${JSON.stringify(u)}\n${hub.log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** What one executed cell produced. */
export interface CellResult {
  status: string;
  /** stdout + stderr text. */
  text: string;
  /** Plain-text representations of display_data / execute_result. */
  plain: string[];
  error?: { ename: string; evalue: string };
}

/** A kernel on a user's single-user server, reached through the hub's proxy with the user's token. */
export class HubKernel {
  /** Widget models the kernel opened (comm_open on "jupyter.widget"), by _model_name. */
  readonly widgets: string[] = [];

  private constructor(readonly kernel: Kernel.IKernelConnection, private readonly manager: KernelManager) {
    // Accepts widget comms as a front end with a widget manager does (unknown targets get closed).
    kernel.registerCommTarget("jupyter.widget", (_comm, msg) => {
      const state = (msg.content.data as { state?: { _model_name?: string } }).state;
      this.widgets.push(state?._model_name ?? "?");
    });
  }

  /** Settings for `<hub>/user/<name>/` with `token`. */
  static settings(hubUrl: string, user: string, token: string): ServerConnection.ISettings {
    return ServerConnection.makeSettings({
      baseUrl: `${hubUrl}/user/${user}/`,
      wsUrl: `${hubUrl.replace(/^http/, "ws")}/user/${user}/`,
      token,
      appendToken: true,
      WebSocket: NodeWebSocket,
      fetch, Request, Headers,
    });
  }

  static async start(settings: ServerConnection.ISettings, name: string): Promise<HubKernel> {
    const manager = new KernelManager({ serverSettings: settings });
    await manager.ready;
    const kernel = await manager.startNew({ name });
    await kernel.info; // waits for the websocket and the kernel_info_reply
    return new HubKernel(kernel, manager);
  }

  /** Runs `code`; resolves with its outputs once execute_reply arrived (iopub up to idle included). */
  async run(code: string): Promise<CellResult> {
    const result: CellResult = { status: "", text: "", plain: [] };
    const future = this.kernel.requestExecute({ code, stop_on_error: false, allow_stdin: false });
    future.onIOPub = (msg) => {
      if (KernelMessage.isStreamMsg(msg)) result.text += msg.content.text;
      else if (KernelMessage.isDisplayDataMsg(msg) || KernelMessage.isExecuteResultMsg(msg)) {
        const plain = msg.content.data["text/plain"];
        if (typeof plain === "string") result.plain.push(plain);
      } else if (KernelMessage.isErrorMsg(msg)) result.error = { ename: msg.content.ename, evalue: msg.content.evalue };
    };
    const reply = await future.done;
    result.status = reply.content.status;
    return result;
  }

  async shutdown(): Promise<void> {
    await this.kernel.shutdown();
    this.manager.dispose();
  }
}

/** Processes (pid → command line) whose working directory or command line lies under `dir`. */
export function processesUnder(dir: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      let cwd = "";
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        /* another user's process */
      }
      if (cmd.includes(dir) || cwd === dir || cwd.startsWith(dir + "/")) found.set(pid, cmd || `(cwd ${cwd})`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

/** True while `pid` exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}
