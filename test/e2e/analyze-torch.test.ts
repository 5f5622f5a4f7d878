/**
 * `optlab analyze hessian --arch …` on PyTorch's own state dicts: torch (Debian python3-torch,
 * float64) builds LeNet-5 and a CIFAR ResNet with its own seeded initialisation, saves
 * `state_dict()` and the data with np.savez as a user would (keys conv1.weight,
 * layer1.0.bn1.running_mean, layer1.0.bn1.num_batches_tracked, …), and computes the top Hessian
 * eigenvalues of the mean cross-entropy in evaluation mode with torch.autograd double-backward
 * (Lanczos with full reorthogonalisation for LeNet-5, the dense Hessian + eigvalsh for the
 * ResNet). The CLI's eigenvalues must equal them to 1e-6 (relative to λ₁). Fails, never skips,
 * without torch.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { mnist } from "../../src/data";
import { saveNpz } from "../../src/io";
import { Tensor } from "../../src/tensor/Tensor";
import { PYTHON, requirePythonModules } from "./python";
import { KERNEL_BIN, tempDir } from "../kernel/client";

const K = 5;

function analyze(args: string[]): { top: number[]; report: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [KERNEL_BIN, "analyze", "hessian", ...args, "--top", String(K), "--trace-method", "hutchinson", "--probes", "1", "--json"], { encoding: "utf8", timeout: 280_000 });
  assert.equal(r.status, 0, `optlab analyze failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as Record<string, unknown>;
  return { top: report.eigenvalues as number[], report };
}

function assertClose(name: string, mine: number[], ref: number[]): void {
  console.log(`      ${name} optlab ${mine.map((v) => v.toPrecision(12)).join(" ")}\n      ${name} torch  ${ref.map((v) => v.toPrecision(12)).join(" ")}`);
  assert.equal(mine.length, K);
  mine.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= 1e-6 * Math.abs(ref[0]), `${name} λ${i + 1}: optlab ${v}, torch ${ref[i]}`));
}

describe("e2e: optlab analyze hessian --arch on PyTorch state dicts (torch float64 reference)", function () {
  this.timeout(600_000);
  let dir: string;
  let ref: Record<string, { top: number[]; p?: number; loss: number }>;

  before(() => {
    requirePythonModules({ torch: "python3-torch", numpy: "python3-numpy" });
    dir = tempDir("optlab-analyze-torch-");
    const ds = mnist({ n: 48, testFraction: 0, seed: 2 }).train;
    const x = ds.x as Tensor;
    saveNpz(path.join(dir, "digits.npz"), { x: new Tensor(Float64Array.from(x.data), [x.shape[0], 784]), y: new Tensor(Float64Array.from(ds.labels!), [x.shape[0]]) });
    const r = spawnSync(PYTHON, [path.join(__dirname, "_analyze_torch.py"), dir, path.join(dir, "digits.npz"), String(K)], { encoding: "utf8", timeout: 280_000 });
    assert.equal(r.status, 0, `torch reference failed: ${r.stderr}`);
    ref = JSON.parse(fs.readFileSync(path.join(dir, "ref.json"), "utf8"));
  });

  it("LeNet-5 (torch's init, 48 MNIST digits as (n, 1, 28, 28)): top-5 eigenvalues equal torch's", () => {
    const { top, report } = analyze(["--model", path.join(dir, "lenet5.npz"), "--data", path.join(dir, "lenet5_data.npz"), "--arch", "lenet5"]);
    assert.equal(report.p, 61706);
    assert.equal(report.n, 48);
    assert.equal(report.arch, "lenet5");
    assertClose("lenet5", top, ref.lenet5.top);
  });

  it("ResNet-8 width 2 with trained-looking batch norm (running stats, num_batches_tracked): top-5 equal torch's dense Hessian", () => {
    const { top, report } = analyze(["--model", path.join(dir, "resnet.npz"), "--data", path.join(dir, "resnet_data.npz"), "--arch", "resnet8:width=2,size=8"]);
    assert.equal(report.p, ref.resnet.p);
    assertClose("resnet", top, ref.resnet.top);
  });
});
