/**
 * The ready-made models: shapes, seeding, features, and their gradient along random directions in θ
 * against central differences of the loss (float64) — a full FD gradient is too slow at 60k
 * parameters, a directional derivative checks every parameter at once.
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import * as ops from "../../src/tensor/ops";
import { grad, flatten, unflatten, noGrad, leafPaths } from "../../src/autodiff";
import * as nn from "../../src/nn";
import { mnist, modularArithmetic } from "../../src/data";
import { Rng } from "../../src/random/Rng";

function directional(net: nn.Network, x: Tensor, y: Int32Array, training: boolean, seed: number): void {
  const theta = flatten(net.params);
  const p = theta.size;
  const L = (t: Tensor) => nn.crossEntropy(net.forward(unflatten(t, net.params) as never, x, { training }), y);
  const g = grad(L)(theta);
  for (let k = 0; k < 2; k++) {
    // A unit direction, so the FD step (1e-5 in θ) rarely crosses a relu/max-pool kink.
    const v = new Rng(seed + k).normals(p);
    const nv = Math.hypot(...v);
    for (let i = 0; i < p; i++) v[i] /= nv;
    const h = 1e-5;
    const at = (s: number) => noGrad(() => L(new Tensor(Float64Array.from(theta.data, (t, i) => t + s * h * v[i]), [p]))).item();
    const fd = (at(1) - at(-1)) / (2 * h);
    let ad = 0;
    for (let i = 0; i < p; i++) ad += g.data[i] * v[i];
    assert.ok(Math.abs(ad - fd) <= 1e-6 * Math.max(Math.abs(fd), 1e-2), `${net.name}: ⟨∇L, v⟩ = ${ad}, FD ${fd}`);
  }
}

describe("nn models", function () {
  this.timeout(120_000);
  it("lenet5 on MNIST images: shapes, PyTorch names, seeded, features, directional gradient", () => {
    const ds = mnist({ n: 8, testFraction: 0, seed: 1, layout: "images" }).train;
    assert.deepEqual([...ds.x.shape], [8, 1, 28, 28]);
    const a = nn.lenet5({ seed: 7 });
    const b = nn.lenet5({ seed: 7 });
    const c = nn.lenet5({ seed: 8 });
    assert.deepEqual(Array.from(flatten(a.params).data), Array.from(flatten(b.params).data));
    assert.notDeepEqual(Array.from(flatten(a.params).data), Array.from(flatten(c.params).data));
    assert.equal(flatten(a.params).size, 61706); // the classic LeNet-5 count with 28×28 inputs and padding 2
    assert.deepEqual(leafPaths(a.params), ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]);
    const out = nn.predict(a, ds.x);
    assert.deepEqual([...out.shape], [8, 10]);
    // The flat layout gives the same outputs.
    assert.deepEqual(Array.from(nn.predict(a, ops.reshape(ds.x, [8, 784])).data), Array.from(out.data));
    assert.deepEqual([...nn.features(a, ds.x).shape], [8, 84]);
    assert.deepEqual([...nn.features(a, ds.x, 3).shape], [8, 6 * 14 * 14]);
    directional(a, ds.x, ds.labels!, false, 1);
  });

  it("resnetCifar: ResNet-8 and ResNet-20 depth, names, train-mode directional gradient", () => {
    const r8 = nn.resnetCifar({ blocks: 1, width: 4, seed: 2 });
    const r20 = nn.resnetCifar({ blocks: 3, width: 4, seed: 2 });
    const convs = (n: nn.Network) => leafPaths(n.params).filter((p) => /conv1?\.weight$|conv\d\.weight$/.test(p) && !p.includes("shortcut")).length;
    assert.equal(convs(r8) + 1, 8); // conv layers + fc
    assert.equal(convs(r20) + 1, 20);
    assert.ok(leafPaths(r20.params).includes("layer2[0].shortcut[0].weight"));
    const rng = new Rng(3);
    const x = new Tensor(rng.normals(4 * 3 * 32 * 32), [4, 3, 32, 32]);
    const y = Int32Array.from([1, 5, 2, 9]);
    assert.deepEqual([...nn.predict(r8, x).shape], [4, 10]);
    assert.deepEqual([...nn.features(r8, x).shape], [4, 16]);
    directional(r8, x, y, true, 2);
    r8.updateRunningStats(x);
    assert.ok(r8.state.has("layer1.0.bn1.running_mean") && r8.state.has("layer2.0.shortcut.1.running_var"));
    assert.equal(r8.state.get("bn1.num_batches_tracked")!.item(), 1);
  });

  it("vitTiny: patch tokens, output, features, directional gradient", () => {
    const v = nn.vitTiny({ size: 8, patch: 4, dim: 8, depth: 1, heads: 2, seed: 4 });
    const x = new Tensor(new Rng(5).normals(3 * 3 * 8 * 8), [3, 3, 8, 8]);
    assert.deepEqual([...nn.predict(v, x).shape], [3, 10]);
    assert.deepEqual([...nn.features(v, x).shape], [3, 8]);
    directional(v, x, Int32Array.from([0, 3, 7]), false, 3);
  });

  it("grokkingTransformer on modular addition ids: outputs p logits, directional gradient", () => {
    const ds = modularArithmetic({ p: 7, encoding: "index", fraction: 0.5, seed: 1 }).train;
    const m = nn.grokkingTransformer({ p: 7, dim: 8, heads: 2, depth: 2, seed: 6 });
    const x = ops.slice(ds.x, [0, 0], [5, 2]);
    assert.deepEqual([...nn.predict(m, x).shape], [5, 7]);
    assert.deepEqual([...nn.features(m, x).shape], [5, 8]);
    directional(m, x, ds.labels!.slice(0, 5), false, 4);
    // Its forward runs the last block's MLP on the "=" token only; the full-sequence body (features
    // at −1, the input of the unembedding) followed by the unembedding gives the same logits.
    for (const depth of [1, 2]) {
      const g = nn.grokkingTransformer({ p: 7, dim: 8, heads: 2, depth, seed: 7 });
      const full = ops.matmul(nn.features(g, x), (g.params as { unembed: { weight: Tensor } }).unembed.weight, { transB: true });
      const fast = nn.predict(g, x);
      for (let i = 0; i < fast.size; i++) assert.ok(Math.abs(fast.data[i] - full.data[i]) <= 1e-12 * (1 + Math.abs(full.data[i])), `depth ${depth}: logit ${i}: ${fast.data[i]} vs ${full.data[i]}`);
    }
    assert.throws(() => nn.predict(m, new Tensor(Float64Array.from([8, 1]), [1, 2])), /embedding: x: expected integer ids in \[0, 8\)/);
  });
});
