import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { collapse, io, nn, ntk, Tensor } from "../../src/index";
import { KERNEL_BIN, tempDir } from "../kernel/client";
import { PYTHON, requirePythonModules } from "./python";

// `optlab analyze` on the layouts people actually save: a PyTorch state_dict written as is by NumPy
// (`0.weight`, `fc1.bias`, a lone Linear's `weight`), transposed weights, features computed from
// the model, and io.saveNpz(path, model) read back by NumPy. Oracles: NumPy (Debian python3-numpy)
// eigvalsh / forward passes / NC1 in closed form, and the W0-named archive of the same weights.

const SCRIPT = String.raw`
import json
import numpy as np

rng = np.random.default_rng(5)
out = {}
d, h, k, n = 5, 7, 3, 12
W0 = rng.normal(size=(h, d)) * 0.5
b0 = rng.normal(size=h) * 0.1
W1 = rng.normal(size=(k, h)) * 0.4
b1 = rng.normal(size=k) * 0.1
x = rng.normal(size=(n, d))
y = np.arange(n) % k
np.savez("data.npz", x=x, y=y)
np.savez("ours.npz", W0=W0, b0=b0, W1=W1, b1=b1)
# nn.Sequential(Linear, ReLU, Linear).state_dict(): keys 0.* and 2.*, in registration order.
np.savez("seq.npz", **{"0.weight": W0, "0.bias": b0, "2.weight": W1, "2.bias": b1})
# Named modules saved in a shuffled order: fc2 before fc1 in the archive.
np.savez("named.npz", **{"fc2.weight": W1, "fc2.bias": b1, "fc1.weight": W0, "fc1.bias": b0})
# A lone nn.Linear: keys weight, bias. Softmax regression's NTK summed over outputs is k (x x^T + 1).
Wl = rng.normal(size=(k, d))
np.savez("linear.npz", weight=Wl, bias=np.zeros(k))
K = k * (x @ x.T + 1)
out["linear_ntk"] = K.tolist()
out["linear_ntk_eig"] = np.sort(np.linalg.eigvalsh(K))[::-1].tolist()
# Transposed weights: all of them ((in, out) as nn.mlp/JAX store them), or only the second layer.
np.savez("all_T.npz", W0=W0.T, b0=b0, W1=W1.T, b1=b1)
np.savez("one_T.npz", **{"0.weight": W0, "0.bias": b0, "2.weight": W1.T, "2.bias": b1})
np.savez("one_T_nobias.npz", W0=W0, W1=W1.T)
np.savez("bn.npz", **{"0.weight": W0, "0.bias": b0, "1.running_mean": np.zeros(h), "2.weight": W1, "2.bias": b1})
np.savez("conv.npz", **{"conv.weight": np.zeros((4, 3, 3, 3)), "fc.weight": W1})
# Features of the last hidden layer, relu(x W0^T + b0), and their NC1 = tr(S_W S_B^+)/C.
F = np.maximum(x @ W0.T + b0, 0)
mu = np.stack([F[y == c].mean(axis=0) for c in range(k)])
muG = F.mean(axis=0)
Sw = sum(np.outer(F[i] - mu[y[i]], F[i] - mu[y[i]]) for i in range(n)) / n
M = (mu - muG).T
Sb = M @ M.T / k
out["features"] = F.tolist()
out["nc1"] = float(np.trace(Sw @ np.linalg.pinv(Sb, rcond=1e-10, hermitian=True)) / k)
# The archive io.saveNpz(path, model) wrote: its forward pass in NumPy.
z = np.load("saved.npz")
out["saved_keys"] = list(z.files)
out["saved_shapes"] = [list(z[key].shape) for key in z.files]
out["saved_forward"] = (np.tanh(x @ z["W0"].T + z["b0"]) @ z["W1"].T + z["b1"]).tolist()
json.dump(out, open("expected.json", "w"))
`;

function optlab(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [KERNEL_BIN, "analyze", ...args], { encoding: "utf8", cwd });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function json(args: string[], cwd: string): Record<string, unknown> {
  const r = optlab([...args, "--json"], cwd);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}
function closeRel(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(...expected.map(Math.abs), 1e-300);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * scale, `${what}[${i}]: ${a} vs ${expected[i]}`));
}
const numbersOf = (line: string) => line.trim().split(/\s+/).map(Number);

describe("optlab analyze: PyTorch state_dict names, transposed weights, features from the model, io.saveNpz(model)", function () {
  this.timeout(120_000);
  const dir = tempDir("optlab-analyze-layouts-");
  const model = nn.mlp([5, 4, 3], { activation: "tanh", seed: 11, biasStd: 0.3 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let expected: any;
  let x: Tensor;

  before(() => {
    requirePythonModules({ numpy: "python3-numpy" });
    io.saveNpz(path.join(dir, "saved.npz"), model);
    const r = spawnSync(PYTHON, ["-c", SCRIPT], { cwd: dir, encoding: "utf8", timeout: 100_000 });
    assert.equal(r.status, 0, `numpy script failed: ${r.stderr}`);
    expected = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8"));
    const xa = io.loadNpz(path.join(dir, "data.npz")).x;
    x = new Tensor(io.toFloat64(xa), xa.shape);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("state_dict archives (nn.Sequential 0.*/2.*, named fc1/fc2 in any archive order) give exactly the W0/b0 archive's results", () => {
    for (const sub of [["hessian", "--top", "3"], ["ntk"]]) {
      const ref = json([...sub, "--model", "ours.npz", "--data", "data.npz"], dir);
      for (const m of ["seq.npz", "named.npz"]) {
        const r = json([...sub, "--model", m, "--data", "data.npz"], dir);
        for (const key of ["eigenvalues", "kernel", "trace", "sizes"]) assert.deepEqual(r[key], ref[key], `${sub[0]} ${m}: ${key}`);
      }
    }
  });

  it("ntk prints the eigenvalues of Θ (NumPy eigvalsh of k (x xᵀ + 1) for a lone nn.Linear state_dict), the matrix only with --matrix", () => {
    const r = optlab(["ntk", "--model", "linear.npz", "--data", "data.npz"], dir);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split("\n");
    assert.match(lines[1], /^eigenvalues \(12, descending\):$/);
    const ev = lines.slice(2).flatMap(numbersOf);
    closeRel(ev, expected.linear_ntk_eig, 1e-7, "eigenvalues printed to 8 digits");
    assert.equal(lines.length, 2 + 2, "no matrix rows without --matrix");
    const m = optlab(["ntk", "--model", "linear.npz", "--data", "data.npz", "--matrix"], dir);
    const mlines = m.out.trim().split("\n");
    const at = mlines.indexOf("Θ(x, x):");
    assert.ok(at > 0, m.out);
    const rows = mlines.slice(at + 1).map(numbersOf);
    assert.equal(rows.length, 12);
    closeRel(rows.flat(), (expected.linear_ntk as number[][]).flat(), 1e-5, "Θ printed to 6 digits");
    closeRel(json(["ntk", "--model", "linear.npz", "--data", "data.npz"], dir).eigenvalues as number[], expected.linear_ntk_eig, 1e-10, "--json eigenvalues");
  });

  it("transposed weights: the error says which W, the shape expected, and that transposing fixes it", () => {
    const all = optlab(["ntk", "--model", "all_T.npz", "--data", "data.npz"], dir);
    assert.equal(all.code, 2);
    assert.match(all.err, /all_T\.npz: the weights look transposed: W0 \(5, 7\), W1 \(7, 3\) chain as \(in, out\)/);
    assert.match(all.err, /W \(out, in\): save each weight transposed \(W\.T in NumPy/);
    const one = optlab(["hessian", "--model", "one_T.npz", "--data", "data.npz"], dir);
    assert.equal(one.code, 2);
    assert.match(one.err, /one_T\.npz: 2\.weight has shape \(7, 3\) but its input has 7 features \(0\.weight \(7, 5\)\) and 2\.bias has 3 entries, so the expected shape is \(3, 7\): it looks transposed/);
    // Without biases, the previous layer alone decides.
    const nb = optlab(["ntk", "--model", "one_T_nobias.npz", "--data", "data.npz"], dir);
    assert.equal(nb.code, 2);
    assert.match(nb.err, /W1 has shape \(7, 3\) but its input has 7 features \(W0 \(7, 5\)\), so the expected shape is \(3, 7\): it looks transposed; .*save W1 transposed/);
  });

  it("state_dict entries that are not nn.Linear weights are named with what to do", () => {
    assert.match(optlab(["ntk", "--model", "bn.npz", "--data", "data.npz"], dir).err, /bn\.npz: '1\.running_mean' is not the weight or bias of an nn\.Linear layer: .*drop '1\.running_mean'/);
    const conv = optlab(["ntk", "--model", "conv.npz", "--data", "data.npz"], dir);
    assert.equal(conv.code, 2);
    assert.match(conv.err, /conv\.npz: 'conv\.weight' has shape \(4, 3, 3, 3\): not an nn\.Linear weight \(out, in\)/);
  });

  it("collapse without a features array computes them with --model: its last hidden layer on x (NumPy NC1, collapse.metrics on NumPy's features)", () => {
    const r = json(["collapse", "--data", "data.npz", "--model", "seq.npz"], dir);
    assert.match(String(r.features), /last hidden layer \(relu\)/);
    closeRel([r.nc1 as number], [expected.nc1], 1e-8, "nc1 vs NumPy");
    const F = expected.features as number[][];
    const lib = collapse.metrics(new Tensor(Float64Array.from(F.flat()), [F.length, F[0].length]), Array.from({ length: 12 }, (_, i) => i % 3));
    closeRel([r.nc1 as number, r.nc2_equinorm as number], [lib.nc1, lib.nc2Equinorm], 1e-10, "vs collapse.metrics");
    assert.equal(r.dim, 7);
    const noModel = optlab(["collapse", "--data", "data.npz"], dir);
    assert.equal(noModel.code, 2);
    assert.match(noModel.err, /data\.npz: missing array 'features'/);
  });

  it("io.saveNpz(path, model) writes W0, b0, W1, b1 in (out, in) layout: NumPy's forward pass equals model.apply, and the CLI's NTK equals ntk.empirical", () => {
    assert.deepEqual(expected.saved_keys, ["W0", "b0", "W1", "b1"]);
    assert.deepEqual(expected.saved_shapes, [[4, 5], [4], [3, 4], [3]]);
    const f = model.apply(model.params, x);
    closeRel((expected.saved_forward as number[][]).flat(), Array.from(f.data), 1e-12, "forward");
    const r = json(["ntk", "--model", "saved.npz", "--data", "data.npz", "--activation", "tanh"], dir);
    closeRel((r.kernel as number[][]).flat(), Array.from(ntk.empirical(model, x).kernel.data), 1e-12, "NTK");
    assert.throws(() => io.saveNpz(path.join(dir, "mup.npz"), nn.mlp([5, 4, 3], { parametrization: "ntk" })), /ntk parametrization .* multipliers would be lost/);
  });
});
