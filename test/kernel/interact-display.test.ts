/**
 * `interact(...)` as a cell's last expression shows the widget once (its own display_data), not a
 * second time as the cell's execute_result; a later cell that evaluates the same widget shows it
 * again, as any widget value does.
 */
import { strict as assert } from "assert";
import { RunningKernel, startKernel, type Msg } from "./client";
import { run } from "../widgets/protocol-helpers";

const VIEW = "application/vnd.jupyter.widget-view+json";
const views = (msgs: Msg[]) => msgs.filter((m) => (m.header.msg_type === "display_data" || m.header.msg_type === "execute_result") && m.content.data?.[VIEW]);

describe("interact displays once when it is a cell's last expression", function () {
  this.timeout(120_000);
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
    await run(k, "import * as W from '@optlab/widgets';");
  });
  after(async () => {
    await k?.stop();
  });

  it("W.interact(...) last in the cell: one widget view, from display_data", async () => {
    const ex = await run(k, "W.interact(({ a }: { a: number }) => a * 2, { a: [0, 10, 1] })");
    const shown = views(ex.iopub);
    assert.deepEqual(shown.map((m) => m.header.msg_type), ["display_data"]);
    const box = ex.iopub.find((m) => m.header.msg_type === "comm_open" && m.content.data.state._model_name === "VBoxModel")!;
    assert.equal(shown[0].content.data[VIEW].model_id, box.content.comm_id);
  });

  it("the same widget evaluated in a later cell is shown again (execute_result), and interactive(...) last in a cell is shown once", async () => {
    await run(k, "const ia = W.interact(({ a }: { a: number }) => a, { a: [0, 4, 1] });");
    const later = await run(k, "ia");
    assert.deepEqual(views(later.iopub).map((m) => m.header.msg_type), ["execute_result"]);
    const iv = await run(k, "W.interactive(({ a }: { a: number }) => a, { a: [0, 4, 1] })");
    assert.deepEqual(views(iv.iopub).map((m) => m.header.msg_type), ["execute_result"]);
  });
});
