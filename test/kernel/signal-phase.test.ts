import { strict as assert } from "assert";
import { Worker } from "worker_threads";
import { publishSignalPhase, SAFE, SENDING, signalIfSafe, UNSAFE } from "../../kernel/dist/src/runtime/signalPhase";

describe("kernel signal phase (the control worker's SIGINT handshake)", () => {
  it("a signal is sent only from SAFE, and the flag is SENDING exactly while it is sent", () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let sent = 0;
    assert.equal(signalIfSafe(flag, () => sent++), false);
    publishSignalPhase(flag, true);
    assert.equal(flag[0], SAFE);
    const during: number[] = [];
    assert.equal(signalIfSafe(flag, () => { sent++; during.push(flag[0]); }), true);
    assert.deepEqual([sent, during, flag[0]], [1, [SENDING], SAFE]);
    publishSignalPhase(flag, false);
    assert.equal(flag[0], UNSAFE);
    assert.equal(signalIfSafe(flag, () => sent++), false);
    assert.equal(sent, 1);
  });

  it("a send that throws still hands the flag back", () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    publishSignalPhase(flag, true);
    assert.throws(() => signalIfSafe(flag, () => { throw new Error("kill failed"); }), /kill failed/);
    assert.equal(flag[0], SAFE);
  });

  it("the main thread cannot leave SAFE while another thread is sending: it waits for the send to end", async () => {
    const flag = new Int32Array(new SharedArrayBuffer(8)); // [0] phase, [1] worker's "I hold SENDING"
    publishSignalPhase(flag, true);
    const w = new Worker(
      `const { workerData } = require("worker_threads");
       const { signalIfSafe } = require(workerData.mod);
       const flag = new Int32Array(workerData.sab);
       signalIfSafe(flag, () => {
         Atomics.store(flag, 1, 1); Atomics.notify(flag, 1);
         const t = Date.now(); while (Date.now() - t < 150) {} // a slow "kill"
         Atomics.store(flag, 1, 2);
       });`,
      { eval: true, workerData: { sab: flag.buffer, mod: require.resolve("../../kernel/dist/src/runtime/signalPhase") } },
    );
    try {
      while (Atomics.load(flag, 1) === 0) Atomics.wait(flag, 1, 0, 5);
      publishSignalPhase(flag, false);
      assert.equal(Atomics.load(flag, 1), 2, "publish returned only after the send finished");
      assert.equal(flag[0], UNSAFE);
    } finally {
      await w.terminate();
    }
  });
});
