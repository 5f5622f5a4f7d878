#!/usr/bin/env node
// Kernel benchmark: start-up (spawn → first kernel_info_reply) and the median round trip of
// `1+1` (execute_request → execute_reply) over 200 runs, for optlab, stock tslab and Deno's
// Jupyter kernel (npm `deno`, a devDependency), measured in the same run on the same machine.
// Each request is sent to an idle kernel: the bench waits for the previous request's idle
// status on iopub first. It also reports request → idle (the whole busy period, which for
// optlab includes the type check that runs after the reply in background mode).
// Usage: node bench/kernel.mjs [runs] [starts]   (BENCH_OPTLAB_BASELINE=path/to/optlab.js adds another build)
// Needs a built kernel (npm run build). Not part of npm test.
import { spawn } from "node:child_process";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "kernel", "package.json"));
const zmq = require("zeromq");
// Only numeric arguments count: through `npm run bench -- kernel`, argv[2] is the bench's name.
const counts = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
const RUNS = counts[0] ?? 200;
const STARTS = counts[1] ?? 5;
const DELIM = Buffer.from("<IDS|MSG>");

const rootRequire = createRequire(join(root, "package.json"));
/** Deno's own binary (the npm package ships it prebuilt per platform), or undefined. */
function denoBinary() {
  // The platform package's executable directly: going through the npm shim would add a Node
  // start-up to Deno's start-up time.
  const libc = process.platform === "linux" ? "-glibc" : "";
  try {
    const pkg = dirname(rootRequire.resolve(`@deno/${process.platform}-${process.arch}${libc}/package.json`));
    return { cmd: join(pkg, process.platform === "win32" ? "deno.exe" : "deno"), pre: [] };
  } catch {
    try {
      return { cmd: process.execPath, pre: [join(dirname(rootRequire.resolve("deno/package.json")), "bin.cjs")] };
    } catch {
      return undefined;
    }
  }
}
const deno = denoBinary();
const kernels = {
  optlab: (conn) => [process.execPath, join(root, "kernel", "dist", "bin", "optlab.js"), "kernel", "-f", conn],
  tslab: (conn) => [process.execPath, require.resolve("tslab/bin/tslab"), "kernel", "--config-path", conn],
  ...(deno ? { deno: (conn) => [deno.cmd, ...deno.pre, "jupyter", "--kernel", "--conn", conn] } : {}),
  // Another optlab build (e.g. main's kernel/dist/bin/optlab.js) for a before/after in the same run.
  ...(process.env.BENCH_OPTLAB_BASELINE ? { "optlab-baseline": (conn) => [process.execPath, resolve(process.env.BENCH_OPTLAB_BASELINE), "kernel", "-f", conn] } : {}),
};

const freePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.once("error", rej);
  s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => res(p)); });
});

async function launch(name) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const ports = [];
  for (let i = 0; i < 5; i++) ports.push(await freePort());
  const conn = { ip: "127.0.0.1", transport: "tcp", shell_port: ports[0], iopub_port: ports[1], stdin_port: ports[2],
    control_port: ports[3], hb_port: ports[4], key: randomBytes(16).toString("hex"), signature_scheme: "hmac-sha256" };
  const file = join(dir, "conn.json");
  writeFileSync(file, JSON.stringify(conn));
  const t0 = process.hrtime.bigint();
  const [cmd, ...args] = kernels[name](file);
  const proc = spawn(cmd, args, { cwd: dir, stdio: "ignore",
    env: { ...process.env, JUPYTER_DATA_DIR: join(dir, "data"), OPTLAB_HISTORY_FILE: join(dir, "history.jsonl") } });
  const shell = new zmq.Dealer({ linger: 0 });
  shell.connect(`tcp://127.0.0.1:${conn.shell_port}`);
  const iopub = new zmq.Subscriber({ linger: 0 });
  iopub.connect(`tcp://127.0.0.1:${conn.iopub_port}`);
  iopub.subscribe();
  /** Resolvers waiting for the idle status of a msg_id, and idle statuses seen early. */
  const idleWaiters = new Map();
  const idleSeen = new Set();
  let closed = false;
  (async () => {
    try {
      for await (const frames of iopub) {
        const i = frames.findIndex((f) => f.equals(DELIM));
        if (i < 0) continue;
        const header = JSON.parse(frames[i + 2].toString());
        if (header.msg_type !== "status") continue;
        const content = JSON.parse(frames[i + 5].toString());
        if (content.execution_state !== "idle") continue;
        const id = JSON.parse(frames[i + 3].toString()).msg_id;
        const w = idleWaiters.get(id);
        if (w) { idleWaiters.delete(id); w(); } else idleSeen.add(id);
      }
    } catch (e) { if (!closed) throw e; }
  })();
  const idleOf = (msgId) => idleSeen.delete(msgId) ? Promise.resolve() : new Promise((r) => idleWaiters.set(msgId, r));
  const session = randomUUID();
  const sign = (parts) => { const h = createHmac("sha256", conn.key); for (const p of parts) h.update(p); return h.digest("hex"); };
  const send = async (msgType, content) => {
    const msgId = randomUUID();
    const header = { msg_id: msgId, session, username: "bench", date: new Date().toISOString(), msg_type: msgType, version: "5.3" };
    const body = [header, {}, {}, content].map((o) => Buffer.from(JSON.stringify(o)));
    await shell.send([DELIM, Buffer.from(sign(body)), ...body]);
    return msgId;
  };
  const replyTo = async (msgId) => {
    for (;;) {
      const frames = await shell.receive();
      const i = frames.findIndex((f) => f.equals(DELIM));
      const parent = JSON.parse(frames[i + 3].toString());
      if (parent.msg_id === msgId) return JSON.parse(frames[i + 5].toString());
    }
  };
  // ZeroMQ queues the request until the kernel binds, so this measures launch → kernel_info_reply.
  await replyTo(await send("kernel_info_request", {}));
  const startMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Launch → first `1+1` reply: what a user waits for; includes any work deferred past kernel_info.
  const first = await replyTo(await send("execute_request", { code: "1+1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
  if (first.status !== "ok") throw new Error(`${name}: first execute failed: ${JSON.stringify(first)}`);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    startMs,
    firstMs,
    /** execute_request → execute_reply, and → idle; waits for idle before returning. */
    async roundTrip(code) {
      const t = process.hrtime.bigint();
      const id = await send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      const idle = idleOf(id);
      const reply = await replyTo(id);
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      // Stock tslab now and then drops an iopub message: give up on an idle after 2 s.
      let timer;
      const arrived = await Promise.race([idle.then(() => true), new Promise((r) => { timer = setTimeout(() => r(false), 2000); })]);
      clearTimeout(timer);
      if (!arrived) idleWaiters.delete(id);
      return { ms, idleMs: arrived ? Number(process.hrtime.bigint() - t) / 1e6 : undefined, reply };
    },
    close() { closed = true; shell.close(); iopub.close(); proc.kill("SIGKILL"); },
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const results = {};
const live = {};
for (const name of Object.keys(kernels)) {
  const starts = [];
  const firsts = [];
  for (let s = 0; s < STARTS; s++) {
    const k = await launch(name);
    starts.push(k.startMs);
    firsts.push(k.firstMs);
    if (s === 0) live[name] = k;
    else k.close();
  }
  results[name] = { startMs: median(starts), firstExecuteMs: median(firsts) };
}
// Round trips interleaved (optlab, tslab, deno, optlab, ...), so a busy machine slows all alike.
const missed = {};
const rt = Object.fromEntries(Object.keys(live).map((n) => [n, { reply: [], idle: [] }]));
for (const [name, k] of Object.entries(live)) { for (let i = 0; i < 10; i++) await k.roundTrip("1+1"); if (process.env.BENCH_DEBUG) console.error("warm", name); } // warm up (JIT, checker)
for (let i = 0; i < RUNS; i++) {
  if (process.env.BENCH_DEBUG && i % 50 === 0) console.error("round", i);
  for (const [name, k] of Object.entries(live)) {
    const r = await k.roundTrip("1+1");
    if (r.reply.status !== "ok") throw new Error(`${name}: 1+1 failed: ${JSON.stringify(r.reply)}`);
    rt[name].reply.push(r.ms);
    if (r.idleMs === undefined) missed[name] = (missed[name] ?? 0) + 1;
    else rt[name].idle.push(r.idleMs);
  }
}
for (const [name, k] of Object.entries(live)) {
  k.close();
  Object.assign(results[name], { roundTripMs: median(rt[name].reply), toIdleMs: median(rt[name].idle) });
}

const { optlab, tslab } = results;
const ref = results.deno;
const vs = (a, b) => (b ? (a / b).toFixed(2) : "n/a");
console.log(`kernel benchmark (${RUNS} round trips of 1+1 per kernel, interleaved, each sent to an idle kernel; ${STARTS} start-ups each; node ${process.version})`);
if (!ref) console.log("  deno not installed (npm ci installs the devDependency): Deno columns skipped");
console.log(`  start-up (launch → kernel_info_reply): optlab ${optlab.startMs.toFixed(0)} ms, tslab ${tslab.startMs.toFixed(0)} ms${ref ? `, deno ${ref.startMs.toFixed(0)} ms` : ""}; optlab/tslab ${vs(optlab.startMs, tslab.startMs)}, optlab/deno ${vs(optlab.startMs, ref?.startMs)}`);
console.log(`  launch → first 1+1 reply:             optlab ${optlab.firstExecuteMs.toFixed(0)} ms, tslab ${tslab.firstExecuteMs.toFixed(0)} ms${ref ? `, deno ${ref.firstExecuteMs.toFixed(0)} ms` : ""}; optlab/tslab ${vs(optlab.firstExecuteMs, tslab.firstExecuteMs)}, optlab/deno ${vs(optlab.firstExecuteMs, ref?.firstExecuteMs)}`);
console.log(`  median 1+1 round trip:                 optlab ${optlab.roundTripMs.toFixed(2)} ms, tslab ${tslab.roundTripMs.toFixed(2)} ms${ref ? `, deno ${ref.roundTripMs.toFixed(2)} ms` : ""}; optlab/tslab ${vs(optlab.roundTripMs, tslab.roundTripMs)}, optlab/deno ${vs(optlab.roundTripMs, ref?.roundTripMs)}`);
console.log(`  median 1+1 request → idle:             optlab ${optlab.toIdleMs.toFixed(2)} ms, tslab ${tslab.toIdleMs.toFixed(2)} ms${ref ? `, deno ${ref.toIdleMs.toFixed(2)} ms` : ""}; optlab/tslab ${vs(optlab.toIdleMs, tslab.toIdleMs)}, optlab/deno ${vs(optlab.toIdleMs, ref?.toIdleMs)}`);
const base = results["optlab-baseline"];
if (base) console.log(`  baseline optlab (${process.env.BENCH_OPTLAB_BASELINE}): 1+1 round trip ${base.roundTripMs.toFixed(2)} ms, request → idle ${base.toIdleMs.toFixed(2)} ms; this build / baseline ${vs(optlab.roundTripMs, base.roundTripMs)}`);
for (const [name, n] of Object.entries(missed)) console.log(`  (${name}: ${n} idle statuses never arrived; request → idle is over the rest)`);
console.log(JSON.stringify({ bench: "kernel", runs: RUNS, ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v])) }));
process.exit(0);
