/**
 * The kernel process's life and death through the real wire protocol: exit codes, orderly
 * teardown, and no orphans when its parent (a frontend, `optlab run`) is killed.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KERNEL_BIN, KernelClient, makeConnection, startKernel, tempDir } from "./client";

/** Whether a pid names a live (not zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls until `pred` holds or `ms` pass; returns whether it held. */
async function within(ms: number, pred: () => boolean): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pred();
}

/** Direct children of a process (Linux /proc). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    if (text) out.push(...text.split(/\s+/).map(Number));
  }
  return out;
}

/** Parent death is noticed by polling; the bound for the kernel to be gone. */
const ORPHAN_BOUND_MS = 2000;

describe("kernel process: exit codes, teardown, no orphans", function () {
  this.timeout(240_000);

  it("process.exit(1) in a cell exits with code 1 (no abort), and process.exit(0) with 0", async () => {
    for (const code of [1, 0, 7]) {
      const k = await startKernel();
      try {
        await k.client.execute("console.log('before exit')");
        await k.client.send("shell", "execute_request", { code: `process.exit(${code})`, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
        const status = await new Promise<{ code: number | null; signal: string | null }>((r) => k.proc.once("exit", (c, s) => r({ code: c, signal: s })));
        assert.deepEqual(status, { code, signal: null }, k.stderr());
        assert.doesNotMatch(k.stderr(), /Napi::Error|terminate called|Assertion|corrupted/);
      } finally {
        await k.stop();
      }
    }
  });

  it("50 start/shutdown cycles: every kernel exits 0 by itself, none aborts", async function () {
    this.timeout(900_000); // 50 kernel start-ups on a shared machine
    const CYCLES = 50;
    const PARALLEL = 2;
    const failures: string[] = [];
    const cycle = async (i: number) => {
      const k = await startKernel();
      try {
        if (i % 2 === 0) await k.client.execute("const x = [1, 2, 3].map((v) => v * 2); x");
        await k.client.send(i % 3 === 0 ? "shell" : "control", "shutdown_request", { restart: false });
        const status = await Promise.race([
          new Promise<{ code: number | null; signal: string | null }>((r) => {
            if (k.proc.exitCode !== null || k.proc.signalCode !== null) r({ code: k.proc.exitCode, signal: k.proc.signalCode });
            else k.proc.once("exit", (c, s) => r({ code: c, signal: s }));
          }),
          new Promise<"hung">((r) => setTimeout(() => r("hung"), 10_000)),
        ]);
        if (status === "hung" || status.code !== 0 || status.signal !== null || /corrupted|Assertion|Napi::Error|abort/i.test(k.stderr())) {
          failures.push(`cycle ${i}: ${JSON.stringify(status)} ${k.stderr().slice(-500)}`);
        }
      } finally {
        await k.stop();
      }
    };
    for (let i = 0; i < CYCLES; i += PARALLEL) {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, CYCLES - i) }, (_, j) => cycle(i + j)));
    }
    assert.deepEqual(failures, []);
  });

  it(`a kernel whose parent (JPY_PARENT_PID) is SIGKILLed exits within ${ORPHAN_BOUND_MS} ms`, async () => {
    const dir = tempDir();
    const conn = await makeConnection();
    const connFile = path.join(dir, "kernel.json");
    fs.writeFileSync(connFile, JSON.stringify(conn));
    // A stand-in frontend: starts the kernel as jupyter_client does (JPY_PARENT_PID = its pid)
    // and reports the kernel's pid.
    const parentSrc = `
      const { spawn } = require("child_process");
      const k = spawn(process.execPath, [${JSON.stringify(KERNEL_BIN)}, "kernel", "-f", ${JSON.stringify(connFile)}],
        { env: { ...process.env, JPY_PARENT_PID: String(process.pid), OPTLAB_HISTORY_FILE: "" }, stdio: "ignore" });
      console.log(k.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", parentSrc], { stdio: ["ignore", "pipe", "inherit"] });
    const kernelPid = await new Promise<number>((r) => parent.stdout!.once("data", (d: Buffer) => r(Number(d.toString().trim()))));
    try {
      // Serving first: the watch must hold while the kernel works, not only at start-up.
      const client = new KernelClient(conn);
      await client.connect();
      await client.ready();
      assert.equal((await client.execute("6 * 7")).reply.content.status, "ok");
      client.close();
      assert.ok(alive(kernelPid));
      parent.kill("SIGKILL");
      const t0 = Date.now();
      assert.ok(await within(ORPHAN_BOUND_MS + 1000, () => !alive(kernelPid)), "the kernel outlived its parent");
      const took = Date.now() - t0;
      assert.ok(took <= ORPHAN_BOUND_MS, `the kernel took ${took} ms to exit`);
    } finally {
      parent.kill("SIGKILL");
      if (alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
    }
  });

  it("a kernel whose parent dies while it is still loading exits and removes the connection file it owns", async () => {
    const dir = tempDir();
    const connFile = path.join(dir, "owned", "kernel.json");
    fs.mkdirSync(path.dirname(connFile));
    fs.writeFileSync(connFile, JSON.stringify(await makeConnection()));
    const parentSrc = `
      const { spawn } = require("child_process");
      const k = spawn(process.execPath, [${JSON.stringify(KERNEL_BIN)}, "kernel", "-f", ${JSON.stringify(connFile)}],
        { env: { ...process.env, JPY_PARENT_PID: String(process.pid), OPTLAB_OWNED_CONNECTION_FILE: ${JSON.stringify(connFile)}, OPTLAB_HISTORY_FILE: "" }, stdio: "ignore" });
      console.log(k.pid);
      setTimeout(() => process.exit(0), 100);`;
    const parent = spawn(process.execPath, ["-e", parentSrc], { stdio: ["ignore", "pipe", "inherit"] });
    const kernelPid = await new Promise<number>((r) => parent.stdout!.once("data", (d: Buffer) => r(Number(d.toString().trim()))));
    try {
      assert.ok(await within(30_000, () => !alive(kernelPid)), "the kernel outlived its parent");
      assert.equal(fs.existsSync(connFile), false, "the owned connection file was removed");
    } finally {
      if (alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
    }
  });

  it("`optlab run` killed with SIGKILL leaves neither its kernel nor the connection file behind", async () => {
    const dir = tempDir();
    const nb = path.join(dir, "slow.ipynb");
    fs.writeFileSync(nb, JSON.stringify({
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" } },
      cells: [{ cell_type: "code", id: "slow", metadata: {}, execution_count: null, outputs: [], source: "await new Promise((r) => setTimeout(r, 120_000));" }],
    }));
    const run = spawn(process.execPath, [KERNEL_BIN, "run", nb, "--out", path.join(dir, "out")], { stdio: "ignore", env: { ...process.env, JUPYTER_DATA_DIR: path.join(dir, "data") } });
    let kernelPid: number | undefined;
    let connFile: string | undefined;
    try {
      assert.ok(await within(60_000, () => {
        for (const pid of children(run.pid!)) {
          const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
          const f = argv.indexOf("-f");
          if (argv.includes("kernel") && f >= 0) {
            kernelPid = pid;
            connFile = argv[f + 1];
            return fs.existsSync(connFile);
          }
        }
        return false;
      }), "optlab run started a kernel");
      // Wait until the kernel serves (its heartbeat answers) and the cell has started.
      const conn = JSON.parse(fs.readFileSync(connFile!, "utf8"));
      const zmq = await import("zeromq");
      const hb = new zmq.Request({ linger: 0, receiveTimeout: 60_000 });
      hb.connect(`tcp://${conn.ip}:${conn.hb_port}`);
      await hb.send("ping");
      await hb.receive();
      hb.close();
      await new Promise((r) => setTimeout(r, 1000));
      run.kill("SIGKILL");
      assert.ok(await within(ORPHAN_BOUND_MS + 1000, () => !alive(kernelPid!)), "the kernel outlived optlab run");
      assert.equal(fs.existsSync(connFile!), false, `connection file ${connFile} (it holds the key) was left behind`);
      assert.equal(fs.existsSync(path.dirname(connFile!)), false, "its private directory was left behind");
    } finally {
      run.kill("SIGKILL");
      if (kernelPid !== undefined && alive(kernelPid)) process.kill(kernelPid, "SIGKILL");
    }
  });
});
