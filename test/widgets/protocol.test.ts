import { strict as assert } from "assert";
import { RunningKernel, startKernel } from "../kernel/client";
import { asTyped, commMsgs, commSend, evaluate, openOf, opens, run, sleep } from "./protocol-helpers";

const VIEW_MIME = "application/vnd.jupyter.widget-view+json";

describe("widget protocol 2.1 over ZeroMQ against the real kernel", function () {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
    await run(k, "import * as W from '@optlab/widgets';");
  });
  after(async () => {
    await k?.stop();
  });

  it("comm_open (target jupyter.widget, metadata version 2.1.0, _model/_view fields) precedes the widget-view display", async () => {
    const ex = await run(k, "const s = new W.FloatSlider({ min: 0, max: 1, value: 0.5, description: 'lr' });\ns");
    const open = openOf(ex.iopub, "FloatSliderModel");
    assert.equal(open.content.target_name, "jupyter.widget");
    assert.deepEqual(open.metadata, { version: "2.1.0" });
    const st = open.content.data.state;
    assert.equal(st._model_module, "@jupyter-widgets/controls");
    assert.equal(st._model_module_version, "2.0.0");
    assert.equal(st._view_name, "FloatSliderView");
    assert.equal(st.value, 0.5);
    assert.equal(st.description, "lr");
    assert.deepEqual(open.content.data.buffer_paths, []);
    // layout and style are their own models, opened before the slider that references them.
    const layout = openOf(ex.iopub, "LayoutModel");
    assert.equal(st.layout, `IPY_MODEL_${layout.content.comm_id}`);
    assert.ok(ex.iopub.indexOf(layout) < ex.iopub.indexOf(open));
    const result = ex.iopub.find((m) => m.header.msg_type === "execute_result")!;
    assert.ok(ex.iopub.indexOf(open) < ex.iopub.indexOf(result), "comm_open before the display");
    assert.deepEqual(result.content.data[VIEW_MIME], { version_major: 2, version_minor: 1, model_id: open.content.comm_id });
    assert.match(result.content.data["text/plain"], /^FloatSlider\(.*value=0\.5/);
  });

  it("an optlab view's display carries widget-view, text/plain and the static SVG; comm_open first", async () => {
    const ex = await run(k, "W.show({ method: 'dense', eigenvalues: [0.5, 1, 2, 40] })");
    const open = openOf(ex.iopub, "SpectrumModel");
    assert.equal(open.content.data.state._model_module, "@optlab/widgets");
    assert.equal(open.content.data.state._view_name, "SpectrumView");
    const shown = ex.iopub.find((m) => m.header.msg_type === "execute_result")!;
    assert.ok(ex.iopub.indexOf(open) < ex.iopub.indexOf(shown));
    const data = shown.content.data;
    assert.equal(data[VIEW_MIME].model_id, open.content.comm_id);
    assert.equal(typeof data["text/plain"], "string");
    assert.match(data["image/svg+xml"], /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((data["image/svg+xml"].match(/class="mark stem/g) ?? []).length, 4);
    // eigenvalues travel as a Float64 buffer, not a JSON list
    const paths = open.content.data.buffer_paths as string[][];
    const i = paths.findIndex((p) => p.length === 1 && p[0] === "eigenvalues");
    assert.ok(i >= 0, "eigenvalues is a buffer path");
    assert.equal(open.content.data.state.eigenvalues, undefined);
    assert.deepEqual(Array.from(asTyped(open.buffers[i], Float64Array)), [0.5, 1, 2, 40]);
  });

  it("kernel → frontend: a set sends one update; a batched set({...}) of two traits sends one update with both", async () => {
    const ex1 = await run(k, "s.value = 0.25;");
    const id = openOf(ex1.iopub.length ? k.client.iopubBox.all : [], "FloatSliderModel").content.comm_id;
    const u1 = commMsgs(ex1.iopub, id);
    assert.equal(u1.length, 1);
    assert.deepEqual(u1[0].content.data, { method: "update", state: { value: 0.25 }, buffer_paths: [] });
    const ex2 = await run(k, "s.set({ value: 0.75, description: 'η' });");
    const u2 = commMsgs(ex2.iopub, id);
    assert.equal(u2.length, 1);
    assert.deepEqual(u2[0].content.data.state, { value: 0.75, description: "η" });
    // unchanged value: no message
    const ex3 = await run(k, "s.value = 0.75;");
    assert.equal(commMsgs(ex3.iopub, id).length, 0);
  });

  it("frontend → kernel: update applies, echo_update is parented to the frontend's message, busy/idle around it", async () => {
    const id = openOf(k.client.iopubBox.all, "FloatSliderModel").content.comm_id;
    const { id: msgId, iopub } = await commSend(k, id, { method: "update", state: { value: 0.125 }, buffer_paths: [] });
    assert.equal(iopub[0].header.msg_type, "status");
    assert.equal(iopub[0].content.execution_state, "busy");
    assert.equal(iopub[iopub.length - 1].content.execution_state, "idle");
    const echo = commMsgs(iopub, id);
    assert.equal(echo.length, 1, "only the echo: the kernel does not send back a value the frontend already has");
    assert.deepEqual(echo[0].content.data, { method: "echo_update", state: { value: 0.125 }, buffer_paths: [] });
    assert.equal(echo[0].parent_header.msg_id, msgId);
    assert.equal(echo[0].parent_header.msg_type, "comm_msg");
    assert.equal(await evaluate(k, "s.value"), 0.125);
  });

  it("a frontend value the kernel coerces (beyond max) is echoed, then corrected by an update", async () => {
    const id = openOf(k.client.iopubBox.all, "FloatSliderModel").content.comm_id;
    const { iopub } = await commSend(k, id, { method: "update", state: { value: 7 }, buffer_paths: [] });
    const msgs = commMsgs(iopub, id).map((m) => m.content.data);
    assert.deepEqual(msgs, [
      { method: "echo_update", state: { value: 7 }, buffer_paths: [] },
      { method: "update", state: { value: 1 }, buffer_paths: [] },
    ]);
    assert.equal(await evaluate(k, "s.value"), 1);
  });

  it("an invalid frontend value raises a named TraitError in the output and resends the kernel's value", async () => {
    const id = openOf(k.client.iopubBox.all, "FloatSliderModel").content.comm_id;
    const { iopub } = await commSend(k, id, { method: "update", state: { value: "fast" }, buffer_paths: [] });
    const err = iopub.find((m) => m.header.msg_type === "error")!;
    assert.equal(err.content.ename, "TraitError");
    assert.match(err.content.evalue, /FloatSlider\.value: expected a finite number/);
    const upd = commMsgs(iopub, id).find((m) => m.content.data.method === "update")!;
    assert.deepEqual(upd.content.data.state, { value: 1 });
  });

  it("buffers round trip both ways: Float32Array, Float64Array, Uint8Array (comm_open, update, echo, custom)", async () => {
    const ex = await run(k, [
      "class Buf extends W.Widget {",
      "  constructor() {",
      "    super({ modelName: 'BufModel', modelModule: 'test', modelModuleVersion: '0.0.0', viewName: null, viewModule: null, viewModuleVersion: '0.0.0' },",
      "      { a: W.t.f32(), b: W.t.f64(), c: W.t.u8(), label: W.t.string() },",
      "      { a: new Float32Array([1.5, -2.25]), b: new Float64Array([Math.PI, 1e-300, -0]), c: new Uint8Array([0, 7, 255]), label: 'x' });",
      "    this.on('msg:custom', (content: any, bufs: Buffer[]) => this.send({ got: content, sizes: bufs.map((b) => b.byteLength) }, bufs.map((b) => Uint8Array.from(b).reverse())));",
      "  }",
      "}",
      "const buf = new Buf();",
    ].join("\n"));
    const open = openOf(ex.iopub, "BufModel");
    const id = open.content.comm_id as string;
    const { state, buffer_paths } = open.content.data;
    assert.deepEqual(buffer_paths, [["a"], ["b"], ["c"]]);
    assert.deepEqual(Object.keys(state).filter((x) => !x.startsWith("_")), ["label"], "arrays are not in the JSON");
    assert.deepEqual(Array.from(asTyped(open.buffers[0], Float32Array)), [1.5, -2.25]);
    const b = asTyped(open.buffers[1], Float64Array);
    assert.deepEqual([b[0], b[1], Object.is(b[2], -0)], [Math.PI, 1e-300, true]);
    assert.deepEqual(Array.from(open.buffers[2]), [0, 7, 255]);

    // frontend sends new arrays as buffers
    const a2 = new Float32Array([0.1, 0.2, 0.3]);
    const b2 = new Float64Array([Math.E, -1e308]);
    const c2 = new Uint8Array([9, 8]);
    const { iopub } = await commSend(k, id, { method: "update", state: { label: "y" }, buffer_paths: [["a"], ["b"], ["c"]] }, [a2, b2, c2]);
    const echo = commMsgs(iopub, id)[0];
    assert.equal(echo.content.data.method, "echo_update");
    assert.equal(echo.buffers.length, 3);
    assert.ok(Buffer.from(a2.buffer).equals(echo.buffers[echo.content.data.buffer_paths.findIndex((p: string[]) => p[0] === "a")]));
    assert.deepEqual(await evaluate(k, "[Array.from(buf.get('a')), Array.from(buf.get('b')), Array.from(buf.get('c')), buf.get('label'), buf.get('a').constructor.name]"),
      [Array.from(a2), Array.from(b2), [9, 8], "y", "Float32Array"]);

    // custom message with buffers, answered with the bytes reversed
    const { iopub: io2 } = await commSend(k, id, { method: "custom", content: { ping: 1 } }, [new Uint8Array([1, 2, 3]), b2]);
    const reply = commMsgs(io2, id)[0];
    assert.deepEqual(reply.content.data, { method: "custom", content: { got: { ping: 1 }, sizes: [3, 16] } });
    assert.deepEqual(Array.from(reply.buffers[0]), [3, 2, 1]);
    assert.deepEqual(Array.from(reply.buffers[1]), Array.from(new Uint8Array(b2.buffer)).reverse());
  });

  it("request_state → a full update with buffers", async () => {
    const id = openOf(k.client.iopubBox.all, "BufModel").content.comm_id;
    const { iopub } = await commSend(k, id, { method: "request_state" });
    const upd = commMsgs(iopub, id);
    assert.equal(upd.length, 1);
    const d = upd[0].content.data;
    assert.equal(d.method, "update");
    assert.equal(d.state._model_name, "BufModel");
    assert.equal(d.state.label, "y");
    assert.deepEqual(d.buffer_paths, [["a"], ["b"], ["c"]]);
    assert.deepEqual(Array.from(upd[0].buffers[2]), [9, 8]);
  });

  it("control comm: request_states → update_states with every live widget's state and buffer paths", async () => {
    const all = k.client.iopubBox.all;
    const liveIds = new Set(opens(all).map((m) => m.content.comm_id as string));
    await k.client.notify("comm_open", { comm_id: "ctl-1", target_name: "jupyter.widget.control", data: {} });
    const { iopub } = await commSend(k, "ctl-1", { method: "request_states" });
    const reply = commMsgs(iopub, "ctl-1")[0];
    const d = reply.content.data;
    assert.equal(d.method, "update_states");
    assert.deepEqual(new Set(Object.keys(d.states)), liveIds);
    const bufId = openOf(all, "BufModel").content.comm_id;
    assert.deepEqual(d.states[bufId].model_name, "BufModel");
    assert.equal(d.states[bufId].model_module, "test");
    assert.equal(d.states[bufId].state.label, "y");
    const paths = d.buffer_paths as (string | number)[][];
    assert.equal(paths.length, reply.buffers.length);
    const ia = paths.findIndex((p) => p[0] === bufId && p[1] === "state" && p[2] === "a");
    assert.ok(ia >= 0);
    assert.deepEqual(Array.from(asTyped(reply.buffers[ia], Float32Array)), Array.from(new Float32Array([0.1, 0.2, 0.3])));
    const spectrumId = openOf(all, "SpectrumModel").content.comm_id;
    assert.ok(paths.some((p) => p[0] === spectrumId && p[2] === "eigenvalues"));
  });

  it("busy/idle parented to each of 5 consecutive comm_msgs", async () => {
    const id = openOf(k.client.iopubBox.all, "FloatSliderModel").content.comm_id;
    for (let i = 0; i < 5; i++) {
      const { id: msgId, iopub } = await commSend(k, id, { method: "update", state: { value: i / 10 }, buffer_paths: [] });
      const st = iopub.filter((m) => m.header.msg_type === "status").map((m) => m.content.execution_state);
      assert.deepEqual(st, ["busy", "idle"]);
      assert.ok(iopub.every((m) => m.parent_header.msg_id === msgId));
      assert.equal(iopub[0].content.execution_state, "busy");
      assert.equal(iopub[iopub.length - 1].content.execution_state, "idle");
    }
  });

  it("throttling: a synchronous 10k-update stream() burst becomes ≤ 2 messages ending at the last value", async () => {
    const ex = await run(k, "const th = new W.IntSlider({ max: 100000 });\nfor (let i = 1; i <= 10000; i++) th.stream({ value: i });\nawait new Promise((r) => setTimeout(r, 400));");
    const id = openOf(ex.iopub, "IntSliderModel").content.comm_id;
    await sleep(100);
    const ups = commMsgs(k.client.iopubBox.all, id);
    assert.ok(ups.length >= 1 && ups.length <= 2, `${ups.length} updates`);
    assert.equal(ups[ups.length - 1].content.data.state.value, 10000);
  });

  it("throttling: 10k updates spread over time stay within one message per 100 ms (+2), last value wins", async () => {
    const ex = await run(k, [
      "const th2 = new W.IntSlider({ max: 100000 });",
      "const t0 = performance.now();",
      "for (let i = 1; i <= 10000; i++) { th2.stream({ value: i }); if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1)); }",
      "const elapsed = performance.now() - t0;",
      "await new Promise((r) => setTimeout(r, 300));",
      "display.json({ elapsed });",
    ].join("\n"));
    const id = openOf(ex.iopub, "IntSliderModel").content.comm_id;
    const elapsed = (ex.iopub.find((m) => m.header.msg_type === "display_data")!.content.data["application/json"] as { elapsed: number }).elapsed;
    const ups = commMsgs(k.client.iopubBox.all, id);
    assert.ok(ups.length >= 2, `${ups.length} updates (expected a leading and a trailing one at least)`);
    assert.ok(ups.length <= Math.ceil(elapsed / 100) + 2, `${ups.length} updates over ${elapsed.toFixed(0)} ms`);
    assert.ok(ups.length < 10000 / 50, "coalesced");
    assert.equal(ups[ups.length - 1].content.data.state.value, 10000);
    const values = ups.map((m) => m.content.data.state.value as number);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), "in order");
  });

  it("CurvesView: 10k pushed points arrive in a bounded number of updates, downsampled to max_points", async () => {
    const ex = await run(k, [
      "const cv = W.CurvesView.live({ max_points: 500 });",
      "for (let i = 0; i < 10000; i++) cv.push('loss', i, i === 7777 ? 1e6 : 1 / (1 + i));",
      "await new Promise((r) => setTimeout(r, 250));",
      "cv.done();",
    ].join("\n"));
    const id = openOf(ex.iopub, "CurvesModel").content.comm_id;
    await sleep(50);
    const ups = commMsgs(k.client.iopubBox.all, id).filter((m) => m.content.data.state.series);
    assert.ok(ups.length >= 1 && ups.length <= 3, `${ups.length} series updates`);
    const last = ups[ups.length - 1];
    assert.equal(last.content.data.state.total_points, 10000);
    const paths = last.content.data.buffer_paths as (string | number)[][];
    assert.deepEqual(paths, [["series", 0, "x"], ["series", 0, "y"]]);
    const ys = asTyped(last.buffers[1], Float64Array);
    assert.ok(ys.length <= 500 && ys.length >= 400, `${ys.length} points`);
    assert.ok(Array.from(ys).includes(1e6), "the spike survives min-max downsampling");
    assert.equal(last.content.data.state.series[0].name, "loss");
  });

  it("Output capture: msg_id set to the running request's id around the captured output, then reset", async () => {
    const ex = await run(k, "const out = new W.Output();\nout.capture(() => { console.log('inside'); display.text('shown'); });\nconsole.log('outside');");
    const id = openOf(ex.iopub, "OutputModel").content.comm_id;
    const seq = ex.iopub
      .filter((m) => ["stream", "display_data"].includes(m.header.msg_type) || (m.header.msg_type === "comm_msg" && m.content.comm_id === id))
      .map((m) => (m.header.msg_type === "comm_msg" ? `msg_id=${m.content.data.state.msg_id}` : m.header.msg_type === "stream" ? `stream:${m.content.text.trim()}` : "display"));
    const execId = ex.reply.parent_header.msg_id;
    assert.deepEqual(seq, [`msg_id=${execId}`, "stream:inside", "display", "msg_id=", "stream:outside"]);
  });

  it("Output capture of async code keeps msg_id until the promise settles; errors print into the capture", async () => {
    const ex = await run(k, "const out2 = new W.Output();\nawait out2.capture(async () => { await new Promise((r) => setTimeout(r, 20)); throw new RangeError('boom'); });");
    const id = openOf(ex.iopub, "OutputModel").content.comm_id;
    const rel = ex.iopub.filter((m) => m.header.msg_type === "stream" || (m.header.msg_type === "comm_msg" && m.content.comm_id === id));
    assert.equal(rel.length, 3);
    assert.equal(rel[0].content.data.state.msg_id, ex.reply.parent_header.msg_id);
    assert.equal(rel[1].content.name, "stderr");
    assert.match(rel[1].content.text, /RangeError: boom/);
    assert.equal(rel[2].content.data.state.msg_id, "");
  });

  it("Button click (custom {event: 'click'}) runs the handler; its output is parented to the click message", async () => {
    const ex = await run(k, "let clicks = 0;\nconst btn = new W.Button({ description: 'go' }).onClick(() => { clicks++; console.log('clicked', clicks); });");
    const id = openOf(ex.iopub, "ButtonModel").content.comm_id;
    const { id: msgId, iopub } = await commSend(k, id, { method: "custom", content: { event: "click" } });
    const s = iopub.find((m) => m.header.msg_type === "stream")!;
    assert.equal(s.content.text, "clicked 1\n");
    assert.equal(s.parent_header.msg_id, msgId);
    assert.equal(await evaluate(k, "clicks"), 1);
  });

  it("SpectrumView: clicking an eigenvalue computes the 1-D slice along its eigenvector (vs closed form)", async () => {
    // L(θ) = ½ Σ h_i θ_i² + gᵀθ around θ0 = (1, 0, 0): eigenvectors are the axes.
    const ex = await run(k, [
      "const h = [1, 4, 9];",
      "const obj = { p: 3, center: () => new Float64Array([1, 0, 0]),",
      "  value: (x: Float64Array = new Float64Array([1, 0, 0])) => 0.5 * (h[0] * x[0] ** 2 + h[1] * x[1] ** 2 + h[2] * x[2] ** 2) + x[2],",
      "  grad: (x: Float64Array = new Float64Array([1, 0, 0])) => new Float64Array([h[0] * x[0], h[1] * x[1], h[2] * x[2] + 1]) };",
      "const sv = W.SpectrumView.fromResult({ method: 'dense', eigenvalues: [9, 1, 4], eigenvectors: [[0, 0, 2], [1, 0, 0], [0, 1, 0]] }, { objective: obj, slicePoints: 5, sliceRadius: 1 });",
      "sv",
    ].join("\n"));
    const open = openOf(ex.iopub, "SpectrumModel");
    assert.equal(open.content.data.state.can_slice, true);
    const id = open.content.comm_id;
    // eigenvalues are sorted ascending: [1, 4, 9]; index 2 is λ = 9 with v = e3 (given unnormalised as 2·e3)
    const { iopub } = await commSend(k, id, { method: "custom", content: { event: "select_eigenvalue", index: 2 } });
    const msgs = commMsgs(iopub, id);
    assert.equal(msgs[0].content.data.state.slice_status, "computing");
    const ready = msgs.find((m) => m.content.data.state?.slice_status === "ready")!;
    const paths = ready.content.data.buffer_paths as string[][];
    const get = (name: string) => Array.from(asTyped(ready.buffers[paths.findIndex((p) => p[0] === name)], Float64Array));
    const ts = [-1, -0.5, 0, 0.5, 1];
    assert.deepEqual(get("slice_t"), ts);
    const expected = ts.map((t) => 0.5 * 1 + 0.5 * 9 * t * t + t); // ½h₁·1² + ½·9t² + t
    get("slice_loss").forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `loss[${i}] = ${v}, expected ${expected[i]}`));
    get("slice_quadratic").forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12));
    assert.equal(ready.content.data.state.slice_index, 2);
    const custom = msgs.find((m) => m.content.data.method === "custom")!;
    assert.deepEqual(custom.content.data.content, { event: "slice_ready", index: 2 });
  });

  it("LandscapeView: a new start point from the frontend recomputes trajectories (gd vs closed form) and asks to animate", async () => {
    const ex = await run(k, [
      "const quad = { name: 'quad', dim: 2, value: (x: ArrayLike<number>) => x[0] ** 2 + 10 * x[1] ** 2, gradient: (x: ArrayLike<number>) => [2 * x[0], 20 * x[1]],",
      "  domain: [[-2, 2], [-2, 2]] as [number, number][], minima: [{ x: [0, 0] }] };",
      "const lv = W.LandscapeView.fromFunction(quad, { optimizers: ['gd', 'momentum'], lr: 0.05, momentum: 0.5, steps: 3, resolution: 11 });",
    ].join("\n"));
    const open = openOf(ex.iopub, "LandscapeModel");
    const id = open.content.comm_id;
    // the initial trajectories (from the function's default start) follow the comm_open in the cell
    const first = commMsgs(ex.iopub, id).find((m) => (m.content.data.buffer_paths as string[][]).some((p) => p[0] === "trajectory_lengths"))!;
    const firstPaths = first.content.data.buffer_paths as string[][];
    assert.deepEqual(Array.from(asTyped(first.buffers[firstPaths.findIndex((p) => p[0] === "trajectory_lengths")], Int32Array)), [4, 4]);
    const { iopub } = await commSend(k, id, { method: "update", state: { start: [1, 1] }, buffer_paths: [] });
    const msgs = commMsgs(iopub, id);
    const ready = msgs.find((m) => m.content.data.state?.status === "ready")!;
    const paths = ready.content.data.buffer_paths as string[][];
    const traj = Array.from(asTyped(ready.buffers[paths.findIndex((p) => p[0] === "trajectories")], Float64Array));
    assert.equal(traj.length, 16, "two runs of 4 points (lengths unchanged, so not resent)");
    // gd: x ← (1 − 2η)x = 0.9x, y ← (1 − 20η)y = 0
    const gd = [1, 1, 0.9, 0, 0.81, 0, 0.729, 0];
    traj.slice(0, 8).forEach((v, i) => assert.ok(Math.abs(v - gd[i]) < 1e-12, `gd[${i}]`));
    // heavy ball: v ← μv + g, x ← x − ηv; x: g=2 → v=2, x=0.9; g=1.8 → v=2.8, x=0.76; g=1.52 → v=2.92, x=0.614
    const mx = [1, 0.9, 0.76, 0.614];
    mx.forEach((v, i) => assert.ok(Math.abs(traj[8 + 2 * i] - v) < 1e-12, `momentum x[${i}] = ${traj[8 + 2 * i]}`));
    assert.deepEqual(first.content.data.state.trajectory_labels, ["gd", "momentum"]);
    assert.ok(msgs.some((m) => m.content.data.method === "custom" && m.content.data.content.event === "animate"));
    assert.equal(await evaluate(k, "lv.runs"), 2);
  });
});
