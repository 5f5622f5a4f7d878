import { strict as assert } from "assert";
import { RunningKernel, startKernel } from "./client";

const types = (msgs: { header: { msg_type: string } }[]) => msgs.map((m) => m.header.msg_type);

describe("kernel wire protocol (ZeroMQ client)", function () {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
  });
  after(async () => {
    await k?.stop();
  });

  it("kernel_info_reply describes a TypeScript kernel on protocol 5.3+", async () => {
    const { reply, iopub } = await k.client.request("shell", "kernel_info_request", {});
    const c = reply.content;
    assert.equal(c.status, "ok");
    assert.equal(c.implementation, "optlab");
    assert.ok(Number(c.protocol_version.split(".")[1]) >= 3 && c.protocol_version.startsWith("5."), c.protocol_version);
    assert.equal(c.language_info.name, "typescript");
    assert.equal(c.language_info.file_extension, ".ts");
    assert.equal(c.language_info.mimetype, "text/typescript");
    assert.ok(c.language_info.codemirror_mode);
    assert.ok(typeof c.banner === "string" && c.banner.includes("optlab"));
    assert.ok(Array.isArray(c.help_links) && c.help_links.length > 0);
    assert.deepEqual(types(iopub), ["status", "status"]);
  });

  it("execute: busy, execute_input, stream, execute_result, idle; reply ok with the count", async () => {
    const { reply, iopub } = await k.client.execute("const a: number = 20;\nconsole.log({ nested: { a } });\na + 22");
    assert.equal(reply.content.status, "ok");
    const n = reply.content.execution_count;
    assert.ok(n >= 1);
    assert.deepEqual(types(iopub), ["status", "execute_input", "stream", "execute_result", "status"]);
    assert.equal(iopub[0].content.execution_state, "busy");
    assert.equal(iopub[1].content.execution_count, n);
    assert.equal(iopub[2].content.name, "stdout");
    assert.equal(iopub[2].content.text, "{ nested: { a: 20 } }\n"); // Node REPL formatting
    assert.deepEqual(iopub[3].content.data, { "text/plain": "42" });
    assert.equal(iopub[3].content.execution_count, n);
    assert.equal(iopub[4].content.execution_state, "idle");
  });

  it("state carries between cells and the count increases by one per stored execute", async () => {
    const first = await k.client.execute("let counter = 1");
    const second = await k.client.execute("counter += 1; counter");
    assert.equal(second.reply.content.execution_count, first.reply.content.execution_count + 1);
    assert.equal(second.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "2");
  });

  it("a thrown error gives iopub error and an error reply with ename/evalue/traceback", async () => {
    const { reply, iopub } = await k.client.execute("class Boom extends Error { name = 'Boom' }\nthrow new Boom('it broke')", { stop_on_error: false });
    assert.equal(reply.content.status, "error");
    assert.equal(reply.content.ename, "Boom");
    assert.equal(reply.content.evalue, "it broke");
    assert.ok(Array.isArray(reply.content.traceback) && reply.content.traceback.length > 0);
    const err = iopub.filter((m) => m.header.msg_type === "error");
    assert.equal(err.length, 1);
    assert.equal(err[0].content.ename, "Boom");
  });

  it("a type error is reported on stderr naming the line and the TypeScript message (background checking; strict mode in typecheck.test.ts)", async () => {
    const { reply, iopub } = await k.client.execute("const s: string = 5", { stop_on_error: false });
    assert.equal(reply.content.status, "ok");
    const err = iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stderr").map((m) => m.content.text).join("");
    assert.match(err, /1:7 - Type 'number' is not assignable to type 'string'/);
  });

  it("silent executes publish nothing but busy/idle and do not advance the count", async () => {
    const before = (await k.client.execute("1")).reply.content.execution_count;
    const { reply, iopub } = await k.client.execute("console.log('hidden'); 99", { silent: true });
    assert.equal(reply.content.status, "ok");
    assert.deepEqual(types(iopub), ["status", "status"]);
    assert.equal(reply.content.execution_count, before);
  });

  it("store_history=false does not advance the count", async () => {
    const before = (await k.client.execute("2")).reply.content.execution_count;
    const { reply, iopub } = await k.client.execute("3", { store_history: false });
    assert.equal(reply.content.execution_count, before);
    assert.ok(types(iopub).includes("execute_result"));
  });

  it("display helpers, display ids with update_display_data, and clear_output(wait)", async () => {
    const { iopub } = await k.client.execute([
      "display.html('<b>bold</b>');",
      "const h = display.markdown('# v1', { displayId: 'fig' });",
      "h.update(display === undefined ? 0 : 'v2');",
      "updateDisplay('fig', 'v3');",
      "clearOutput({ wait: true });",
    ].join("\n"));
    const out = iopub.filter((m) => m.header.msg_type !== "status" && m.header.msg_type !== "execute_input");
    assert.deepEqual(types(out), ["display_data", "display_data", "update_display_data", "update_display_data", "clear_output"]);
    assert.equal(out[0].content.data["text/html"], "<b>bold</b>");
    assert.equal(out[1].content.data["text/markdown"], "# v1");
    assert.equal(out[1].content.transient.display_id, "fig");
    assert.equal(out[2].content.transient.display_id, "fig");
    assert.equal(out[2].content.data["text/plain"], "'v2'");
    assert.equal(out[3].content.data["text/plain"], "'v3'");
    assert.equal(out[4].content.wait, true);
  });

  it("a cell ending in display(...) shows the output once, not again as the handle's execute_result", async () => {
    const { iopub } = await k.client.execute("display.svg('<svg/>')");
    const out = iopub.filter((m) => m.header.msg_type !== "status" && m.header.msg_type !== "execute_input");
    assert.deepEqual(types(out), ["display_data"]);
    const h = await k.client.execute("const handle = display.text('x'); handle.displayId.length");
    assert.ok(types(h.iopub).includes("execute_result"), "other values still become execute_result");
  });

  it("an object with [Symbol.for('Jupyter.display')] renders through it, as display_data and as execute_result", async () => {
    const { iopub } = await k.client.execute([
      "class Fig { [Symbol.for('Jupyter.display')]() { return { 'image/svg+xml': '<svg/>', 'text/plain': 'Fig' }; } }",
      "display(new Fig());",
      "new Fig()",
    ].join("\n"));
    const disp = iopub.find((m) => m.header.msg_type === "display_data")!;
    const res = iopub.find((m) => m.header.msg_type === "execute_result")!;
    assert.deepEqual(disp.content.data, { "image/svg+xml": "<svg/>", "text/plain": "Fig" });
    assert.deepEqual(res.content.data, { "image/svg+xml": "<svg/>", "text/plain": "Fig" });
  });

  it("a malformed mime bundle is an error naming what was expected, and the kernel carries on", async () => {
    const { reply } = await k.client.execute("display.mime({ html: '<b/>' })", { stop_on_error: false });
    assert.equal(reply.content.status, "error");
    assert.match(reply.content.evalue, /expected a mime type like "text\/plain"/);
    assert.equal((await k.client.execute("1 + 1")).reply.content.status, "ok");
  });

  it("errors thrown later by a cell's async work appear in that cell's output", async () => {
    const cell = await k.client.execute("setTimeout(() => { throw new Error('late timer') }, 50);\nPromise.reject(new Error('late rejection'));\n'started'");
    const id = cell.reply.parent_header.msg_id!;
    const late = await k.client.iopubBox.wait((m) => m.parent_header.msg_id === id && m.header.msg_type === "error" && m.content.evalue === "late timer", 5000, "late timer error");
    assert.equal(late.content.ename, "Error");
    const rej = await k.client.iopubBox.wait((m) => m.parent_header.msg_id === id && m.content.evalue === "late rejection", 5000, "rejection error");
    assert.equal(rej.header.msg_type, "error");
    assert.equal((await k.client.execute("'still alive'")).reply.content.status, "ok");
  });

  it("console.log from a timer started by a cell is parented to that cell", async () => {
    const cell = await k.client.execute("setTimeout(() => console.log('tick from cell'), 30); 0");
    await k.client.execute("await new Promise((r) => setTimeout(r, 100))");
    const tick = k.client.iopubBox.all.find((m) => m.header.msg_type === "stream" && m.content.text === "tick from cell\n");
    assert.ok(tick, "the stream message arrived");
    assert.equal(tick!.parent_header.msg_id, cell.reply.parent_header.msg_id);
  });

  it("complete, inspect and is_complete come from the TypeScript language service", async () => {
    await k.client.execute("const learningRate = 0.1;");
    const comp = await k.client.request("shell", "complete_request", { code: "learningR", cursor_pos: 9 });
    assert.equal(comp.reply.content.status, "ok");
    assert.ok(comp.reply.content.matches.includes("learningRate"));
    assert.equal(comp.reply.content.cursor_start, 0);
    assert.equal(comp.reply.content.cursor_end, 9);
    const insp = await k.client.request("shell", "inspect_request", { code: "Math.max", cursor_pos: 6, detail_level: 0 });
    assert.equal(insp.reply.content.found, true);
    assert.match(insp.reply.content.data["text/plain"], /Math\.max\(\.\.\.values: number\[\]\): number/);
    const st = async (code: string) => (await k.client.request("shell", "is_complete_request", { code })).reply.content;
    assert.deepEqual(await st("let x = 1"), { status: "complete" });
    assert.equal((await st("for (let i = 0; i < 3; i++) {")).status, "incomplete");
    assert.equal((await st("const s = `open template")).status, "incomplete");
    assert.equal((await st("let = ;")).status, "invalid");
  });

  it("a request with bad content gets an error reply naming the field", async () => {
    const { reply } = await k.client.request("shell", "complete_request", { code: "abc", cursor_pos: 99 });
    assert.equal(reply.content.status, "error");
    assert.match(reply.content.evalue, /cursor_pos/);
    const ex = await k.client.request("shell", "execute_request", { code: 42 });
    assert.equal(ex.reply.content.status, "error");
    assert.match(ex.reply.content.evalue, /content\.code to be a string/);
  });

  it("user_expressions are evaluated with the cell locals in scope", async () => {
    await k.client.execute("const width = 64;");
    const id = await k.client.send("shell", "execute_request", { code: "", silent: false, store_history: false, user_expressions: { w: "width * 2", bad: "nope(" }, allow_stdin: false, stop_on_error: true });
    const reply = await k.client.reply(id);
    assert.deepEqual(reply.content.user_expressions.w, { status: "ok", data: { "text/plain": "128" }, metadata: {} });
    assert.equal(reply.content.user_expressions.bad.status, "error");
  });

  it("input() sends input_request on stdin when allowed, and rejects clearly when not", async () => {
    const id = await k.client.send("shell", "execute_request", { code: "const name = await input('who? ');\n`hello ${name}`", silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: false });
    const req = await k.client.stdinBox.wait((m) => m.header.msg_type === "input_request", 10000, "input_request");
    assert.equal(req.content.prompt, "who? ");
    assert.equal(req.parent_header.msg_id, id);
    await k.client.send("stdin", "input_reply", { value: "optlab" });
    await k.client.reply(id);
    await k.client.idle(id);
    const res = k.client.iopubFor(id).find((m) => m.header.msg_type === "execute_result")!;
    assert.equal(res.content.data["text/plain"], "'hello optlab'");
    const denied = await k.client.execute("await input('x')", { stop_on_error: false });
    assert.equal(denied.reply.content.status, "error");
    assert.match(denied.reply.content.evalue, /allow_stdin/);
  });

  it("msg_types named after Object.prototype members (constructor, __proto__, toString) get an error reply; the kernel serves on", async () => {
    for (const [channel, type] of [["shell", "constructor"], ["shell", "__proto__"], ["control", "toString"], ["shell", "hasOwnProperty_request"]] as const) {
      const { reply, iopub } = await k.client.request(channel, type, {});
      assert.equal(reply.content.status, "error", type);
      assert.equal(reply.content.ename, "UnknownMessageType", type);
      assert.match(reply.content.evalue, new RegExp(type));
      assert.deepEqual(types(iopub), ["status", "status"]);
    }
    assert.equal((await k.client.execute("1 + 1")).reply.content.status, "ok");
  });

  it("200,000 console.log lines arrive whole, in order, as far fewer stream messages", async () => {
    const LINES = 200_000;
    const { reply, iopub } = await k.client.execute(`for (let i = 0; i < ${LINES}; i++) console.log("line " + i);`, { timeoutMs: 120_000 });
    assert.equal(reply.content.status, "ok");
    const streams = iopub.filter((m) => m.header.msg_type === "stream");
    const text = streams.map((m) => m.content.text).join("");
    let expected = "";
    for (let i = 0; i < LINES; i++) expected += `line ${i}\n`;
    assert.equal(text.length, expected.length, "every byte arrived");
    assert.ok(text === expected, "in order");
    assert.ok(streams.length < LINES / 100, `${streams.length} stream messages`);
  });

  it("a cell printing 50 MB arrives whole, stdout and stderr kept apart and ordered around the result", async () => {
    const { reply, iopub } = await k.client.execute([
      "const chunk = 'x'.repeat(1_000_000);",
      "for (let i = 0; i < 50; i++) process.stdout.write(chunk);",
      "console.error('done');",
      "'result'",
    ].join("\n"), { timeoutMs: 120_000 });
    assert.equal(reply.content.status, "ok");
    const out = iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stdout").map((m) => m.content.text).join("");
    assert.equal(out.length, 50_000_000);
    assert.ok(/^x+$/.test(out));
    const kinds = types(iopub);
    assert.ok(kinds.lastIndexOf("stream") < kinds.indexOf("execute_result"), "all output before the result");
    assert.ok(iopub.some((m) => m.header.msg_type === "stream" && m.content.name === "stderr" && m.content.text === "done\n"));
  });
});
