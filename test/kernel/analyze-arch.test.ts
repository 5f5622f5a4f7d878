/**
 * `optlab analyze … --arch` as a real process: state-dict archives of optlab's networks written in
 * the NumPy format, exit code 2 with the loader's message on bad archives and bad options, the
 * text report, and the empirical NTK of a state-dict network (its diagonal against Σ_c ‖∂f_c/∂θ‖²
 * from reverse-mode gradients, one output at a time).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { io, nn, Rng, Tensor } from "../../src/index";
import { leaves, leafPaths, noGrad, grad } from "../../src/autodiff";
import { slice, sum } from "../../src/tensor/ops";
import type { NpyArray, NpzArrays } from "../../src/io";
import { KERNEL_BIN, tempDir } from "./client";

function optlab(args: string[]) {
  const r = spawnSync(process.execPath, [KERNEL_BIN, "analyze", ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = tempDir("optlab-analyze-arch-");
const file = (name: string) => path.join(dir, name);
const f8 = (shape: number[], data: ArrayLike<number>): NpyArray => ({ dtype: "f8", shape, data: Float64Array.from(data) });

function stateDictOf(net: nn.Network): NpzArrays {
  noGrad(() => net.forward(net.params, new Tensor(new Float64Array(net.inputDim), [1, net.inputDim])));
  const out: NpzArrays = {};
  const ls = leaves(net.params);
  leafPaths(net.params).forEach((p, i) => (out[io.torchKey(p)] = f8([...ls[i].shape], ls[i].data)));
  for (const [k, t] of net.state) out[k] = f8([...t.shape], t.data);
  return out;
}

describe("optlab analyze --arch (CLI)", function () {
  this.timeout(120_000);
  const rng = new Rng(11);
  const res = nn.resnetCifar({ blocks: 1, width: 2, size: 8, classes: 3, seed: 5 });
  res.updateRunningStats(new Tensor(rng.normals(5 * 3 * 64, 0.3, 1.2), [5, 3, 8, 8]));
  const sd = stateDictOf(res);
  io.saveNpz(file("res.npz"), sd);
  const n = 4;
  const x = rng.normals(n * 3 * 64);
  io.saveNpz(file("data.npz"), { x: f8([n, 3, 8, 8], x), y: { dtype: "i8", shape: [n], data: BigInt64Array.from([0, 2, 1, 2].map(BigInt)) } });
  const arch = "resnet:width=2,size=8,classes=3";

  it("hessian prints the network, its parameter count and the eigenvalues", () => {
    const r = optlab(["hessian", "--model", file("res.npz"), "--data", file("data.npz"), "--arch", arch, "--top", "2", "--trace-method", "hutchinson", "--probes", "2"]);
    assert.equal(r.code, 0, r.err);
    const p = leaves(res.params).reduce((s, t) => s + t.size, 0);
    assert.match(r.out, new RegExp(`^Hessian of the mean ce loss: resnet8 width 2 \\[${arch}\\], evaluation mode, p = ${p} parameters, n = ${n} samples`));
    assert.match(r.out, /λ2 = /);
  });

  it("a bad archive exits 2 with the loader's message (missing and renamed keys, transposed weight)", () => {
    const bad: NpzArrays = { ...sd, "classifier.weight": sd["fc.weight"] };
    delete bad["fc.weight"];
    delete bad["layer2.0.bn1.running_mean"];
    bad["fc.bias"] = f8([3], [0, 0, 0]);
    io.saveNpz(file("bad.npz"), bad);
    const r = optlab(["hessian", "--model", file("bad.npz"), "--data", file("data.npz"), "--arch", arch]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.npz: does not match resnet:width=2,size=8,classes=3/);
    assert.match(r.err, /missing 'fc\.weight' \(3, 8\) — rename 'classifier\.weight' \(3, 8\) to 'fc\.weight'/);
    assert.match(r.err, /missing 'layer2\.0\.bn1\.running_mean' \(4,\)/);
    const t: NpzArrays = { ...sd, "fc.weight": f8([8, 3], new Float64Array(24)) };
    io.saveNpz(file("t.npz"), t);
    const r2 = optlab(["hessian", "--model", file("t.npz"), "--data", file("data.npz"), "--arch", arch]);
    assert.equal(r2.code, 2);
    assert.match(r2.err, /'fc\.weight' has shape \(8, 3\) but .* needs \(3, 8\): it is transposed/);
  });

  it("channels-last images, labels out of range, and bad --arch values exit 2 naming the problem", () => {
    io.saveNpz(file("nhwc.npz"), { x: f8([n, 8, 8, 3], x), y: f8([n], [0, 1, 2, 0]) });
    const r = optlab(["hessian", "--model", file("res.npz"), "--data", file("nhwc.npz"), "--arch", arch]);
    assert.equal(r.code, 2);
    assert.match(r.err, /x: shape \(4, 8, 8, 3\) does not fit resnet8 width 2: expected \(n, 3, 8, 8\) or flattened \(n, 192\); it looks channels-last \(n, H, W, C\): save np\.transpose\(x, \(0, 3, 1, 2\)\)/);
    io.saveNpz(file("y5.npz"), { x: f8([n, 192], x), y: f8([n], [0, 1, 5, 0]) });
    const r2 = optlab(["hessian", "--model", file("res.npz"), "--data", file("y5.npz"), "--arch", arch]);
    assert.equal(r2.code, 2);
    assert.match(r2.err, /y: label 5 at \[2\] is out of range \[0, 3\)/);
    const r3 = optlab(["hessian", "--model", file("res.npz"), "--data", file("data.npz"), "--arch", "resnet:depth=8"]);
    assert.equal(r3.code, 2);
    assert.match(r3.err, /arch: resnet has no option 'depth'/);
    const r4 = optlab(["hessian", "--model", file("res.npz"), "--data", file("data.npz"), "--arch", arch, "--activation", "tanh"]);
    assert.equal(r4.code, 2);
    assert.match(r4.err, /--activation applies to MLP archives; with --arch the architecture fixes its activations/);
    const r5 = optlab(["ntk", "--infinite", "--data", file("data.npz"), "--depth", "1", "--arch", arch]);
    assert.equal(r5.code, 2);
    assert.match(r5.err, /--arch applies to the empirical NTK/);
  });

  it("ntk --arch: the diagonal of Θ is Σ_c ‖∂f_c(x_i)/∂θ‖² (reverse-mode gradients, one output at a time)", () => {
    const r = optlab(["ntk", "--model", file("res.npz"), "--data", file("data.npz"), "--arch", arch, "--json"]);
    assert.equal(r.code, 0, r.err);
    const rep = JSON.parse(r.out) as { kernel: number[][]; arch: string };
    assert.equal(rep.arch, arch);
    res.eval();
    const xt = new Tensor(Float64Array.from(x), [n, 192]);
    for (let i = 0; i < n; i++) {
      let want = 0;
      for (let c = 0; c < 3; c++) {
        const g = grad((p: typeof res.params) => sum(slice(res.apply(p, xt), [i, c], [i + 1, c + 1])))(res.params);
        for (const t of leaves(g)) for (const v of t.data) want += v * v;
      }
      assert.ok(Math.abs(rep.kernel[i][i] - want) <= 1e-9 * want, `Θ[${i}][${i}] = ${rep.kernel[i][i]}, Σ‖∇f_c‖² = ${want}`);
    }
  });

  it("collapse --arch: features from x are the input of the last layer fc (4w wide), giving the same metrics as those features archived", () => {
    const r = optlab(["collapse", "--model", file("res.npz"), "--data", file("data.npz"), "--arch", arch, "--json"]);
    assert.equal(r.code, 0, r.err);
    const a = JSON.parse(r.out) as Record<string, number | string>;
    assert.equal(a.dim, 8);
    assert.equal(a.classes, 3);
    assert.match(String(a.features), /input of its last layer 'fc'/);
    // The same features by hand: relu stages → global average pool, i.e. the pooled output of layer3.
    res.eval();
    const xt = new Tensor(Float64Array.from(x), [n, 192]);
    const h = noGrad(() => res.features(res.params, xt, -1));
    io.saveNpz(file("feats.npz"), { features: f8([n, 8], h.data), labels: f8([n], [0, 2, 1, 2]) });
    const r2 = optlab(["collapse", "--model", file("res.npz"), "--data", file("feats.npz"), "--arch", arch, "--json"]);
    assert.equal(r2.code, 0, r2.err);
    const b = JSON.parse(r2.out) as Record<string, number>;
    for (const k of ["nc1", "nc2_etf", "nc3", "nc4"]) assert.ok(Math.abs((a[k] as number) - b[k]) <= 1e-12 * Math.max(1, Math.abs(b[k])), `${k}: ${a[k]} vs ${b[k]}`);
    const r3 = optlab(["collapse", "--data", file("feats.npz"), "--arch", arch]);
    assert.equal(r3.code, 2);
    assert.match(r3.err, /--arch applies with --model/);
  });
});
