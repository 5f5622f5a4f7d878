import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { RunningKernel, startKernel } from "./client";

describe("kernel robustness (ZeroMQ client)", function () {
  let k: RunningKernel;
  before(async () => {
    k = await startKernel();
  });
  after(async () => {
    await k?.stop();
  });

  it("ignores a message with a bad signature and answers the next valid request", async () => {
    const { msgId, frames } = k.client.frames("execute_request", { code: "console.log('forged')", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    frames[1] = Buffer.from("0".repeat(64)); // right length, wrong digest
    await k.client.sendRaw("shell", frames);
    const good = await k.client.execute("'genuine'");
    assert.equal(good.reply.content.status, "ok");
    assert.equal(k.client.replies.all.filter((m) => m.parent_header.msg_id === msgId).length, 0, "no reply to the forged message");
    assert.equal(k.client.iopubFor(msgId).length, 0, "no output for the forged message");
    assert.match(k.stderr(), /dropped shell message: invalid HMAC signature/);
  });

  it("keeps serving after 200 malformed messages (random frames, truncated JSON, missing delimiter)", async () => {
    const before = k.stderr().split("\n").filter((l) => l.includes("dropped")).length;
    const valid = () => k.client.frames("kernel_info_request", {}).frames;
    for (let i = 0; i < 200; i++) {
      let frames: Buffer[];
      switch (i % 5) {
        case 0: // random frames
          frames = Array.from({ length: 1 + (i % 7) }, () => randomBytes(1 + (i % 50)));
          break;
        case 1: { // truncated JSON, correctly signed so the parser (not the HMAC check) must cope
          frames = valid();
          frames[5] = frames[5].subarray(0, Math.max(1, frames[5].length - 3));
          frames[1] = Buffer.from(k.client.sign(frames.slice(2, 6)));
          break;
        }
        case 2: // missing delimiter
          frames = valid().slice(1);
          break;
        case 3: // too few frames after the delimiter
          frames = valid().slice(0, 4);
          break;
        default: { // JSON that is not an object
          frames = valid();
          frames[2] = Buffer.from("[1,2,3]");
          frames[1] = Buffer.from(k.client.sign(frames.slice(2, 6)));
        }
      }
      await k.client.sendRaw(i % 2 ? "shell" : "control", frames);
    }
    const ok = await k.client.execute("6 * 7");
    assert.equal(ok.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "42");
    const info = await k.client.request("control", "kernel_info_request", {});
    assert.equal(info.reply.content.status, "ok");
    const dropped = k.stderr().split("\n").filter((l) => l.includes("dropped")).length - before;
    assert.equal(dropped, 200, "one log line per malformed message");
    assert.equal(k.proc.exitCode, null);
  });

  it("an error in cell 3 with stop_on_error aborts queued cell 4 with status aborted", async () => {
    const c = (code: string) => ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const ids: string[] = [];
    ids.push(await k.client.send("shell", "execute_request", c("let queued = 1;")));
    ids.push(await k.client.send("shell", "execute_request", c("queued += 1;")));
    ids.push(await k.client.send("shell", "execute_request", c("await new Promise((r) => setTimeout(r, 100)); throw new Error('cell 3 fails');")));
    ids.push(await k.client.send("shell", "execute_request", c("queued += 100;")));
    const replies = await Promise.all(ids.map((id) => k.client.reply(id)));
    assert.deepEqual(replies.map((r) => r.content.status), ["ok", "ok", "error", "aborted"]);
    await k.client.idle(ids[3]);
    const after = await k.client.execute("queued");
    assert.equal(after.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data["text/plain"], "2", "cell 4 never ran");
  });

  it("stop_on_error aborts only what arrived before the error reply: a cell sent on seeing the reply runs", async () => {
    const c = (code: string) => ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    for (let i = 0; i < 5; i++) {
      const failing = await k.client.send("shell", "execute_request", c(`throw new Error('fails ${i}')`));
      assert.equal((await k.client.reply(failing)).content.status, "error");
      const next = await k.client.send("shell", "execute_request", c(`${i} * 2`));
      assert.equal((await k.client.reply(next)).content.status, "ok", `try ${i}`);
      await k.client.idle(next);
    }
  });

  it("with stop_on_error false, later queued cells still run", async () => {
    const c = (code: string) => ({ code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false });
    const a = await k.client.send("shell", "execute_request", c("throw new Error('tolerated')"));
    const b = await k.client.send("shell", "execute_request", c("'ran'"));
    const [ra, rb] = await Promise.all([k.client.reply(a), k.client.reply(b)]);
    assert.equal(ra.content.status, "error");
    assert.equal(rb.content.status, "ok");
  });

  it("an unknown message type gets an error reply between busy/idle and the kernel keeps serving", async () => {
    const id = await k.client.send("shell", "no_such_request", {});
    await k.client.idle(id);
    const reply = await k.client.reply(id);
    assert.equal(reply.header.msg_type, "no_such_reply");
    assert.equal(reply.content.status, "error");
    assert.equal((await k.client.execute("1")).reply.content.status, "ok");
  });
});
