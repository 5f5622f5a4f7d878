import { strict as assert } from "assert";
import { RunningKernel, startKernel } from "./client";

/** The spec's bound for an interrupt to return control. */
const INTERRUPT_BOUND_MS = 2000;

describe("kernel interrupt (ZeroMQ client)", function () {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
  });
  after(async () => {
    await k?.stop();
  });

  async function interruptedWithin(code: string, interrupt: () => Promise<void>, delayMs = 200) {
    const id = await k.client.send("shell", "execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    // Interrupt only once the cell is really running (its execute_input is out).
    await k.client.iopubBox.wait((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_input", 10000, "execute_input");
    await new Promise((r) => setTimeout(r, delayMs));
    const t0 = Date.now();
    await interrupt();
    const reply = await k.client.reply(id, 10000);
    const elapsed = Date.now() - t0;
    return { reply, elapsed, iopub: k.client.iopubFor(id) };
  }

  it("interrupt_request on control stops `while (true) {}` within 2 s; the next cell sees earlier state", async () => {
    await k.client.execute("const keep = { epochs: 12 };");
    const { reply, elapsed, iopub } = await interruptedWithin("let spins = 0;\nwhile (true) { spins++; }", async () => {
      const r = await k.client.request("control", "interrupt_request", {});
      assert.equal(r.reply.content.status, "ok");
    });
    assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
    assert.equal(reply.content.status, "error");
    assert.equal(reply.content.ename, "KeyboardInterrupt");
    assert.ok(iopub.some((m) => m.header.msg_type === "error" && m.content.ename === "KeyboardInterrupt"));
    const next = await k.client.execute("keep.epochs * 2");
    assert.equal(next.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "24");
  });

  // A raw SIGINT (a terminal's Ctrl-C, a client that ignores the kernelspec's "message" mode)
  // reaches a running synchronous loop through breakOnSigint. One landing in the microseconds
  // in which vm swaps SIGINT handlers as a cell starts or ends can end the process; the control
  // worker's own signals wait for a safe phase (signal-phase.test.ts), so interrupt_request cannot.
  it("SIGINT (interrupt_mode signal) stops a synchronous loop too", async () => {
    const { reply, elapsed } = await interruptedWithin("for (;;) { Math.sqrt(2); }", async () => {
      k.proc.kill("SIGINT");
    });
    assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
    assert.equal(reply.content.ename, "KeyboardInterrupt");
    assert.equal((await k.client.execute("'alive'")).reply.content.status, "ok");
  });

  it("interrupt_request sent the moment execute_input appears is never lost (the control worker resends until the cell stops)", async () => {
    for (let i = 0; i < 20; i++) {
      const { reply, elapsed } = await interruptedWithin(`let n${i} = 0;\nwhile (true) { n${i}++; }`, async () => {
        await k.client.request("control", "interrupt_request", {});
      }, 0);
      assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
      assert.equal(reply.content.ename, "KeyboardInterrupt");
    }
  });

  it("interrupting an awaited never-resolving promise returns control", async () => {
    const { reply, elapsed } = await interruptedWithin("await new Promise(() => {});", async () => {
      await k.client.request("control", "interrupt_request", {});
    });
    assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
    assert.equal(reply.content.status, "error");
    assert.equal(reply.content.ename, "KeyboardInterrupt");
    const after = await k.client.execute("keep.epochs");
    assert.equal(after.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "12");
  });

  it("interrupting an awaited optim.train stops the training itself, not just the wait", async () => {
    const { reply, elapsed } = await interruptedWithin([
      'import { nn, optim, data } from "@optlab/core";',
      "(globalThis as any).trainSteps = 0;",
      "const ds = data.gaussianMixture({ classes: 3, dim: 4, n: 60, seed: 0 });",
      "const net = nn.mlp([4, 8, 3], { seed: 0 });",
      "await optim.train(net, ds, { optimizer: optim.sgd({ lr: 0.01 }), epochs: 1e7, onStep: () => { (globalThis as any).trainSteps++; } });",
    ].join("\n"), async () => {
      await k.client.request("control", "interrupt_request", {});
    }, 1500);
    assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
    assert.equal(reply.content.ename, "KeyboardInterrupt");
    const after = await k.client.execute([
      "const s1 = (globalThis as any).trainSteps as number;",
      "await new Promise((r) => setTimeout(r, 400));",
      "JSON.stringify([s1, (globalThis as any).trainSteps - s1])",
    ].join("\n"));
    const text = String(after.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"]);
    const [ran, more] = JSON.parse(text.replace(/^'|'$/g, "")) as number[];
    assert.ok(ran > 0, "training had started");
    assert.equal(more, 0, "no training step ran after the interrupt");
  });

  // A loop that starts after an await runs in a microtask, outside vm's breakOnSigint window:
  // no SIGINT reaches it, so the control thread has to terminate it.
  for (const [i, [what, code]] of ([
    ["`await 0; while (true) {}`", "await 0;\nlet afterAwait = 0;\nwhile (true) { afterAwait++; }"],
    ["a timer callback that spins while the cell awaits", "setTimeout(() => { for (;;) {} }, 0);\nawait new Promise((r) => setTimeout(r, 60_000));"],
  ] as const).entries()) {
    it(`interrupt_request stops ${what}; KeyboardInterrupt, state kept`, async () => {
      await k.client.execute(`const state${i} = { epochs: 12 };`);
      const { reply, elapsed, iopub } = await interruptedWithin(code, async () => {
        const r = await k.client.request("control", "interrupt_request", {});
        assert.equal(r.reply.content.status, "ok");
      }, 400);
      assert.ok(elapsed < INTERRUPT_BOUND_MS, `took ${elapsed} ms`);
      assert.equal(reply.content.status, "error");
      assert.equal(reply.content.ename, "KeyboardInterrupt");
      assert.ok(iopub.some((m) => m.header.msg_type === "error" && m.content.ename === "KeyboardInterrupt"));
      const next = await k.client.execute(`state${i}.epochs + 1`);
      assert.equal(next.reply.content.status, "ok", JSON.stringify(next.reply.content));
      assert.equal(next.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "13");
      // Timers, promises and output still work after the termination.
      const later = await k.client.execute("await new Promise((r) => setTimeout(r, 20)); console.log('still printing'); 'timers ok'");
      assert.equal(later.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "'timers ok'");
      assert.ok(later.iopub.some((m) => m.header.msg_type === "stream" && m.content.text === "still printing\n"));
    });
  }

  it("a spinning timer left behind by a finished cell is stopped; the kernel serves again", async () => {
    await k.client.execute("const left = 36; setTimeout(() => { while (true) {} }, 100); 'scheduled'");
    await new Promise((r) => setTimeout(r, 400)); // the timer has fired and blocks the kernel
    const r = await k.client.request("control", "interrupt_request", {});
    assert.equal(r.reply.content.status, "ok");
    const next = await k.client.execute("left", { timeoutMs: INTERRUPT_BOUND_MS + 3000 });
    assert.equal(next.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "36");
  });

  it("heartbeat answers while a cell is busy in synchronous code", async () => {
    const zmq = await import("zeromq");
    const id = await k.client.send("shell", "execute_request", { code: "while (true) {}", silent: false, store_history: false, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    await k.client.iopubBox.wait((m) => m.parent_header.msg_id === id && m.header.msg_type === "execute_input", 10000, "execute_input");
    const hb = new zmq.Request({ linger: 0, receiveTimeout: 3000 });
    hb.connect(`tcp://127.0.0.1:${k.conn.hb_port}`);
    try {
      await hb.send("ping-123");
      const [echo] = await hb.receive();
      assert.equal(echo.toString(), "ping-123");
    } finally {
      hb.close();
      await k.client.request("control", "interrupt_request", {});
      await k.client.reply(id);
    }
  });
});
