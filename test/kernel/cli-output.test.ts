/**
 * The CLI writes all of its output to pipes before it exits: large `--json` output read through a
 * pipe (a child process's stdout, and a real `| python3` pipeline) parses whole.
 */
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { io, nn, ntk, Rng, Tensor, transpose } from "../../src/index";
import { KERNEL_BIN, tempDir } from "./client";
import { PYTHON } from "../e2e/python";

/** Runs the CLI with stdout and stderr as pipes, collecting every byte until the process closes. */
function piped(args: string[], cwd?: string): Promise<{ code: number | null; out: Buffer; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [KERNEL_BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    // Read slowly at first, so the child finishes while most of its output is still unread.
    p.stdout.pause();
    setTimeout(() => p.stdout.resume(), 300);
    p.stdout.on("data", (d: Buffer) => out.push(d));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out: Buffer.concat(out), err }));
  });
}

describe("optlab CLI output through pipes", function () {
  this.timeout(120_000);
  const dir = tempDir("optlab-pipes-");
  const n = 240;
  const rng = new Rng(3);
  const x = new Tensor(Float64Array.from(rng.normals(n * 3)), [n, 3]);
  const model = nn.mlp([3, 8, 2], { activation: "tanh", seed: 1 });
  before(() => {
    io.saveNpz(path.join(dir, "model.npz"), {
      W0: transpose(model.params[0].W), b0: model.params[0].b!, W1: transpose(model.params[1].W), b1: model.params[1].b!,
    });
    io.saveNpz(path.join(dir, "data.npz"), { x });
  });

  it(`analyze ntk --json (n = ${n}, well over the 64 KiB pipe buffer) arrives whole and equals ntk.empirical`, async () => {
    const r = await piped(["analyze", "ntk", "--model", path.join(dir, "model.npz"), "--data", path.join(dir, "data.npz"), "--activation", "tanh", "--json"]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.length > 4 * 65536, `expected a large JSON, got ${r.out.length} bytes`);
    const report = JSON.parse(r.out.toString("utf8"));
    const lib = ntk.empirical(model, x).kernel;
    assert.deepEqual((report.kernel as number[][]).flat(), Array.from(lib.data));
  });

  it("analyze ntk --json | python3 json.load reads every row", () => {
    const cmd = `"${process.execPath}" "${KERNEL_BIN}" analyze ntk --model model.npz --data data.npz --activation tanh --json | ` +
      `"${PYTHON}" -c "import json,sys; r=json.load(sys.stdin); print(len(r['kernel']), len(r['kernel'][-1]))"`;
    const r = spawnSync("bash", ["-o", "pipefail", "-c", cmd], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${n} ${n}`);
  });

  it("optlab run: the executed notebook's path arrives on a pipe and names the written file", async () => {
    const nb = path.resolve(__dirname, "..", "fixtures", "notebooks", "second.ipynb");
    const out = path.join(dir, "run-out");
    const r = await piped(["run", nb, "--out", out]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.toString("utf8").trim().split("\n");
    assert.equal(lines.length, 1, r.out.toString());
    const written = JSON.parse(fs.readFileSync(lines[0], "utf8"));
    assert.equal(written.nbformat, 4);
  });
});
