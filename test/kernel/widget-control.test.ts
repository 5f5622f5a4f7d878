import { strict as assert } from "assert";
import { RunningKernel, startKernel } from "./client";

describe("widget control comm target (jupyter.widget.control) from kernel start", function () {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
  });
  after(async () => {
    await k?.stop();
  });

  it("is open before any cell ran (no import of @optlab/widgets) and answers request_states with no widgets", async () => {
    const openIo = await k.client.notify("comm_open", { comm_id: "ctl-1", target_name: "jupyter.widget.control", data: {} });
    assert.ok(!openIo.some((m) => m.header.msg_type === "comm_close"), "the kernel did not refuse the comm");
    const io = await k.client.notify("comm_msg", { comm_id: "ctl-1", data: { method: "request_states" } });
    const answer = io.find((m) => m.header.msg_type === "comm_msg");
    assert.ok(answer, "an update_states answer");
    assert.deepEqual(answer.content.data, { method: "update_states", states: {}, buffer_paths: [] });
    const info = await k.client.request("shell", "comm_info_request", { target_name: "jupyter.widget.control" });
    assert.deepEqual(info.reply.content.comms, { "ctl-1": { target_name: "jupyter.widget.control" } });
  });

  it("reports widgets in the shared registry with their binary state as buffers", async () => {
    // A stand-in for what @optlab/widgets keeps in its process-wide slot.
    const setup = await k.client.execute([
      "const slot = Symbol.for('optlab.widgets.registry');",
      "(globalThis as any)[slot] ??= new Map();",
      "(globalThis as any)[slot].set('w1', { modelId: 'w1', modelName: 'M', modelModule: 'm', modelModuleVersion: '1.0.0',",
      "  wireState: () => ({ value: 3, data: { xs: new Float32Array([1.5, -2]) } }) });",
    ].join("\n"));
    assert.equal(setup.reply.content.status, "ok", JSON.stringify(setup.reply.content));
    await k.client.notify("comm_open", { comm_id: "ctl-2", target_name: "jupyter.widget.control", data: {} });
    const io = await k.client.notify("comm_msg", { comm_id: "ctl-2", data: { method: "request_states" } });
    const answer = io.find((m) => m.header.msg_type === "comm_msg")!;
    assert.deepEqual(answer.content.data, {
      method: "update_states",
      states: { w1: { model_name: "M", model_module: "m", model_module_version: "1.0.0", state: { value: 3, data: {} } } },
      buffer_paths: [["w1", "state", "data", "xs"]],
    });
    assert.equal(answer.buffers.length, 1);
    assert.deepEqual(Array.from(new Float32Array(new Uint8Array(answer.buffers[0]).buffer)), [1.5, -2]);
  });
});
