/**
 * Same weights, same data: optlab's LeNet-5 and CIFAR ResNet give PyTorch's outputs and loss
 * (Debian python3-torch, float64) to 1e-10 — in evaluation, and for the ResNet also in training
 * mode (batch statistics) including the running-statistics update. Weights travel by PyTorch
 * state-dict name; torch's load_state_dict(strict=True) refuses any name or shape mismatch.
 */
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { Tensor } from "../../src/tensor/Tensor";
import { leaves, leafPaths, noGrad } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { mnist } from "../../src/data";
import { hessian } from "../../src/analysis";
import { Rng } from "../../src/random/Rng";
import { PYTHON, requirePythonModules } from "./python";
import { tempDir } from "../kernel/client";

/** PyTorch name of a leaf path: layer1[0].conv1.weight → layer1.0.conv1.weight. */
const torchName = (p: string) => p.replace(/\[(\d+)\]/g, ".$1");

function stateDict(net: nn.Network): Record<string, { shape: number[]; data: number[] }> {
  const out: Record<string, { shape: number[]; data: number[] }> = {};
  const ls = leaves(net.params);
  leafPaths(net.params).forEach((p, i) => (out[torchName(p)] = { shape: [...ls[i].shape], data: Array.from(ls[i].data) }));
  for (const [k, t] of net.state) if (!k.endsWith("num_batches_tracked")) out[k] = { shape: [...t.shape], data: Array.from(t.data) };
  return out;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  let s = 0;
  for (let i = 0; i < b.length; i++) s = Math.max(s, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(s, 1e-300);
}

describe("models vs PyTorch (float64, same weights and data)", function () {
  this.timeout(300_000);
  before(() => requirePythonModules({ torch: "python3-torch" }));

  it("LeNet-5 on MNIST digits and ResNet-8/20 (train and eval) match torch to 1e-10", () => {
    const le = nn.lenet5({ seed: 1 });
    const ds = mnist({ n: 40, testFraction: 0, seed: 2 }).train;
    const xl = ds.x as Tensor;
    const yl = ds.labels as Int32Array;
    const r8 = nn.resnetCifar({ blocks: 1, width: 4, seed: 3 });
    const r20 = nn.resnetCifar({ blocks: 3, width: 4, seed: 4 });
    const rng = new Rng(5);
    const xr = new Tensor(rng.normals(6 * 3 * 32 * 32), [6, 3, 32, 32]);
    const yr = Int32Array.from({ length: 6 }, () => rng.int(10));
    // Non-trivial running statistics and affine parameters before comparing.
    for (const r of [r8, r20]) {
      r.updateRunningStats(new Tensor(rng.normals(6 * 3 * 32 * 32, 0.3, 1.5), [6, 3, 32, 32]));
    }
    const job: Record<string, unknown> = {};
    const put = (name: string, net: nn.Network, arch: string, x: Tensor, y: Int32Array, extra: object) => {
      job[name] = { arch, params: stateDict(net), x: Array.from(x.data), xshape: [x.shape[0], ...net.inputShape], y: Array.from(y), ...extra };
    };
    put("lenet5", le, "lenet5", xl, yl, {});
    put("resnet8", r8, "resnet", xr, yr, { blocks: 1, width: 4, train: true });
    put("resnet20", r20, "resnet", xr, yr, { blocks: 3, width: 4, train: true });
    const dir = tempDir("optlab-models-torch-");
    const jobFile = path.join(dir, "job.json");
    const outFile = path.join(dir, "out.json");
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const r = spawnSync(PYTHON, [path.join(__dirname, "_models_torch.py"), jobFile, outFile], { encoding: "utf8", timeout: 240_000 });
    assert.equal(r.status, 0, `torch reference failed: ${r.stderr}`);
    const ref = JSON.parse(fs.readFileSync(outFile, "utf8"));

    const check = (name: string, net: nn.Network, x: Tensor, y: Int32Array, train: boolean) => {
      const f = noGrad(() => net.forward(net.params, x, { training: false }));
      const e1 = maxRel(f.data, ref[name].eval_out);
      const l = nn.crossEntropy(f, y).item();
      assert.ok(e1 <= 1e-10, `${name} eval outputs differ from torch by ${e1}`);
      assert.ok(Math.abs(l - ref[name].eval_loss) <= 1e-10 * Math.abs(l), `${name} eval loss ${l} vs torch ${ref[name].eval_loss}`);
      if (!train) return;
      // Train mode after eval, as in the script: torch updates its buffers once during its train forward.
      const ft = noGrad(() => net.forward(net.params, x, { training: true, updateState: true }));
      const e2 = maxRel(ft.data, ref[name].train_out);
      assert.ok(e2 <= 1e-10, `${name} train outputs differ from torch by ${e2}`);
      const lt = nn.crossEntropy(ft, y).item();
      assert.ok(Math.abs(lt - ref[name].train_loss) <= 1e-10 * Math.abs(lt), `${name} train loss ${lt} vs torch ${ref[name].train_loss}`);
      for (const [k, v] of Object.entries(ref[name].buffers as Record<string, number[]>)) {
        const mine = net.state.get(k);
        assert.ok(mine, `${name}: no buffer ${k}`);
        const e = maxRel(mine.data, v);
        assert.ok(e <= 1e-12, `${name}: buffer ${k} differs from torch by ${e}`);
      }
    };
    check("lenet5", le, xl, yl, false);
    check("resnet8", r8, xr, yr, true);
    check("resnet20", r20, xr, yr, true);
  });

  it("top-5 Hessian eigenvalues of LeNet-5 on 256 MNIST digits equal torch's (Lanczos on autograd HVPs) to 1e-6", async () => {
    const net = nn.lenet5({ seed: 1 });
    const ds = mnist({ n: 256, testFraction: 0, seed: 2 }).train;
    const dir = tempDir("optlab-models-torch-");
    const jobFile = path.join(dir, "job.json");
    const outFile = path.join(dir, "out.json");
    const job = { lenet5: { arch: "lenet5", params: stateDict(net), x: Array.from(ds.x.data), xshape: [256, 1, 28, 28], y: Array.from(ds.labels!), hessian_k: 5 } };
    fs.writeFileSync(jobFile, JSON.stringify(job));
    const r = spawnSync(PYTHON, [path.join(__dirname, "_models_torch.py"), jobFile, outFile], { encoding: "utf8", timeout: 280_000 });
    assert.equal(r.status, 0, `torch reference failed: ${r.stderr}`);
    const ref = JSON.parse(fs.readFileSync(outFile, "utf8")).lenet5.top as number[];
    const mine = await hessian.topEigen(net, ds, { k: 5, tol: 1e-9 });
    console.log(`      optlab ${mine.eigenvalues.map((v) => v.toPrecision(12)).join(" ")}\n      torch  ${ref.map((v) => v.toPrecision(12)).join(" ")}`);
    mine.eigenvalues.forEach((v, i) => {
      assert.ok(Math.abs(v - ref[i]) <= 1e-6 * Math.abs(ref[0]), `λ${i + 1}: optlab ${v}, torch ${ref[i]}`);
    });
  });
});
