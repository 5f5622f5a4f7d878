import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { KERNEL_BIN, makeConnection, Msg, RunningKernel, startKernel, tempDir } from "./client";

const stderrOf = (iopub: Msg[]) =>
  iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stderr").map((m) => m.content.text as string).join("");
const resultOf = (iopub: Msg[]) => iopub.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"];

describe("type checking off the critical path (OPTLAB_TYPECHECK)", function () {
  describe("background (the default)", () => {
    let k: RunningKernel;
    before(async () => {
      k = await startKernel();
    });
    after(async () => {
      await k?.stop();
    });

    it("a cell with a type error runs, and its type errors follow as stderr of the same cell before idle", async () => {
      const { reply, iopub } = await k.client.execute("const s: string = 5 as unknown as number\ns.toFixed(2)");
      assert.equal(reply.content.status, "ok");
      assert.equal(resultOf(iopub), "'5.00'");
      const err = stderrOf(iopub);
      assert.match(err, /2 type errors/);
      assert.match(err, /1:7 - Type 'number' is not assignable to type 'string'/);
      assert.match(err, /2:3 - Property 'toFixed' does not exist on type 'string'/);
      const last = iopub[iopub.length - 1];
      assert.equal(last.content.execution_state, "idle", "the type errors arrive before the idle status");
    });

    it("types and values carry across cells; destructuring with a rename works (was: Identifier 'exports' has already been declared)", async () => {
      const a = await k.client.execute("interface Params { d: number; batch: number }\nconst params: Params = { d: 3, batch: 4 }");
      assert.equal(a.reply.content.status, "ok");
      assert.equal(stderrOf(a.iopub), "");
      const b = await k.client.execute("const { d, batch: B } = params\nconst { d: d2 } = params");
      assert.equal(b.reply.content.status, "ok", JSON.stringify(b.reply.content));
      assert.equal(stderrOf(b.iopub), "", "the checker sees params (and its type) from the earlier cell");
      const c = await k.client.execute("d * B + d2");
      assert.equal(resultOf(c.iopub), "15");
      assert.equal(stderrOf(c.iopub), "");
      // The checker knows d is a number: declarations of the earlier cells reached it.
      const e = await k.client.execute("const wrong: string = d");
      assert.match(stderrOf(e.iopub), /Type 'number' is not assignable to type 'string'/);
      const p = await k.client.execute("const q: Params = { d: 1, batch: 2 }; q.batch");
      assert.equal(stderrOf(p.iopub), "", "the interface from the first cell is still known");
      assert.equal(resultOf(p.iopub), "2");
    });

    it("completion and inspection see the latest cell's declarations", async () => {
      await k.client.execute("const lr = { warmup: 10, peak: 0.1 }");
      const { reply } = await k.client.request("shell", "complete_request", { code: "lr.", cursor_pos: 3 });
      assert.ok(reply.content.matches.includes("warmup") && reply.content.matches.includes("peak"), JSON.stringify(reply.content.matches));
      const ins = await k.client.request("shell", "inspect_request", { code: "lr", cursor_pos: 1, detail_level: 0 });
      assert.equal(ins.reply.content.found, true);
      assert.match(ins.reply.content.data["text/plain"], /warmup: number/);
    });

    it("a let assigned later by a callback is seen by later cells; functions and classes carry over", async () => {
      await k.client.execute("let calls = 0\nfunction bump(by: number): number { calls += by; return calls }\nclass Acc<T> { private items: T[] = []; add(x: T): this { this.items.push(x!); return this } get size(): number { return this.items.length } }");
      const r = await k.client.execute("bump(2); bump(3); [calls, new Acc<number>().add(1).add(2).size]");
      assert.equal(resultOf(r.iopub), "[ 5, 2 ]");
      assert.equal(stderrOf(r.iopub), "");
    });

    it("enums, namespaces and parameter properties (TypeScript constructs that generate code) still work", async () => {
      const r = await k.client.execute("enum Phase { Warmup = 1, Decay }\nclass P { constructor(public readonly at: Phase) {} }\nnew P(Phase.Decay).at");
      assert.equal(r.reply.content.status, "ok", JSON.stringify(r.reply.content));
      assert.equal(resultOf(r.iopub), "2");
      const s = await k.client.execute("Phase[2]");
      assert.equal(resultOf(s.iopub), "'Decay'");
    });

    it("stripping types keeps line numbers: a runtime error names the cell line it came from", async () => {
      const code = "interface Point {\n  x: number;\n}\nconst p: Point = { x: 1 } as Point;\nfunction f<T>(v: T): T {\n  throw new Error('from line 6');\n}\nf<number>(p.x)";
      const { reply } = await k.client.execute(code, { stop_on_error: false });
      assert.equal(reply.content.status, "error");
      assert.equal(reply.content.evalue, "from line 6");
      assert.ok(reply.content.traceback.some((l: string) => /cell\.ts:6\b/.test(l)), reply.content.traceback.join("\n"));
    });

    it("a syntax error stops the cell with an error naming line and column", async () => {
      const { reply } = await k.client.execute("const x = 1\nconst = 2", { stop_on_error: false });
      assert.equal(reply.content.status, "error");
      assert.equal(reply.content.ename, "TypeScriptError");
      assert.match(reply.content.evalue, /^2:7 - /);
    });
  });

  describe("strict", () => {
    let k: RunningKernel;
    before(async () => {
      k = await startKernel({ env: { OPTLAB_TYPECHECK: "strict" } });
    });
    after(async () => {
      await k?.stop();
    });

    it("a type error stops the cell: an error reply naming the line and the TypeScript message, nothing runs", async () => {
      const { reply, iopub } = await k.client.execute("console.log('ran'); const s: string = 5", { stop_on_error: false });
      assert.equal(reply.content.status, "error");
      assert.equal(reply.content.ename, "TypeScriptError");
      assert.match(reply.content.evalue, /^1:27 - Type 'number' is not assignable to type 'string'/);
      assert.ok(!iopub.some((m) => m.header.msg_type === "stream"), "the cell did not run");
    });

    it("destructuring with a rename from an earlier cell runs", async () => {
      await k.client.execute("const params = { d: 3, batch: 4 }");
      const b = await k.client.execute("const { d, batch: B } = params");
      assert.equal(b.reply.content.status, "ok", JSON.stringify(b.reply.content));
      const c = await k.client.execute("d * B");
      assert.equal(resultOf(c.iopub), "12");
    });
  });

  it("an unknown OPTLAB_TYPECHECK value stops the kernel at start with an error naming the setting", async () => {
    const dir = tempDir();
    const connFile = path.join(dir, "kernel.json");
    fs.writeFileSync(connFile, JSON.stringify(await makeConnection()));
    const proc = spawn(process.execPath, [KERNEL_BIN, "kernel", "-f", connFile], {
      cwd: dir, env: { ...process.env, OPTLAB_TYPECHECK: "lazy", OPTLAB_HISTORY_FILE: "" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once("exit", (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(err, /OPTLAB_TYPECHECK: expected "background" or "strict", got "lazy"/);
  });
});
