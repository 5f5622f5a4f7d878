/**
 * ⊥Grad (perpGrad): the gradient with its component along the weights removed. Oracles: the
 * projection formula written out per leaf, orthogonality, and the closed form of the weight norm
 * after one SGD step with a ⊥-gradient, ‖w − ηg⊥‖² = ‖w‖² + η²‖g⊥‖².
 */
import { strict as assert } from "node:assert";
import { Tensor } from "../../src/tensor/Tensor";
import { leaves } from "../../src/autodiff";
import { Rng } from "../../src/random/Rng";
import * as optim from "../../src/optim";

const rnd = (shape: number[], seed: number) => {
  const r = new Rng(seed);
  return new Tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal()), shape);
};
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

describe("optim.perpGrad (⊥Grad)", () => {
  const params = { W: rnd([4, 3], 1), b: rnd([3], 2), zero: new Tensor(new Float64Array(2), [2]) };
  const grads = { W: rnd([4, 3], 3), b: rnd([3], 4), zero: rnd([2], 5) };

  it("leaf scope: each leaf's update is g − (⟨g,w⟩/‖w‖²) w, orthogonal to w; all-zero leaves pass through", () => {
    const t = optim.perpGrad();
    const { updates } = t.update(grads, t.init(params), params);
    const [gW, gb, gz] = leaves(updates);
    for (const [u, g, w] of [[gW, grads.W, params.W], [gb, grads.b, params.b]] as const) {
      const c = dot(g.data, w.data) / dot(w.data, w.data);
      u.data.forEach((v, k) => assert.ok(Math.abs(v - (g.data[k] - c * w.data[k])) < 1e-15, `entry ${k}`));
      assert.ok(Math.abs(dot(u.data, w.data)) < 1e-14 * Math.hypot(...g.data) * Math.hypot(...w.data), "⟨g⊥, w⟩ = 0");
    }
    assert.deepEqual(Array.from(gz.data), Array.from(grads.zero.data));
    // Idempotent: a ⊥-gradient has nothing left to remove.
    const again = leaves(t.update(updates, null, params).updates);
    again.forEach((u, i) => u.data.forEach((v, k) => assert.ok(Math.abs(v - leaves(updates)[i].data[k]) < 1e-15)));
  });

  it("global scope: orthogonal to the whole θ, though not per leaf", () => {
    const t = optim.perpGrad({ scope: "global" });
    const u = leaves(t.update(grads, null, params).updates);
    const w = leaves(params);
    const total = u.reduce((s, ui, i) => s + dot(ui.data, w[i].data), 0);
    assert.ok(Math.abs(total) < 1e-13, `⟨g⊥, θ⟩ = ${total}`);
    assert.ok(Math.abs(dot(u[0].data, w[0].data)) > 1e-3, "a single leaf keeps a parallel part");
  });

  it("chained before SGD, one step grows ‖w‖² by exactly η²‖g⊥‖² (no first-order growth along w)", () => {
    const lr = 0.1;
    const t = optim.chain(optim.perpGrad(), optim.fromOptimizer(optim.sgd({ lr })));
    const p0 = { W: rnd([4, 3], 1) };
    const g = { W: rnd([4, 3], 3) };
    const r = t.update(g, t.init(p0), p0);
    const p1 = optim.applyUpdates(p0, r.updates);
    const c = dot(g.W.data, p0.W.data) / dot(p0.W.data, p0.W.data);
    const gPerp = Array.from(g.W.data, (v, k) => v - c * p0.W.data[k]);
    const expected = dot(p0.W.data, p0.W.data) + lr * lr * dot(gPerp, gPerp);
    const got = dot(p1.W.data, p1.W.data);
    assert.ok(Math.abs(got - expected) < 1e-13 * expected, `‖w₁‖² ${got} vs ${expected}`);
    // Plain SGD changes the norm to first order in η.
    const plain = optim.applyUpdates(p0, optim.fromOptimizer(optim.sgd({ lr })).update(g, optim.fromOptimizer(optim.sgd({ lr })).init(p0), p0).updates);
    assert.ok(Math.abs(dot(plain.W.data, plain.W.data) - expected) > 1e-3);
  });

  it("bad options and mismatched trees get clear errors", () => {
    assert.throws(() => optim.perpGrad({ scope: "layer" as never }), /perpGrad: scope: expected "leaf" or "global", got "layer"/);
    assert.throws(() => optim.perpGrad({ lr: 1 } as never), /perpGrad: unknown option "lr"/);
    const t = optim.perpGrad();
    assert.throws(() => t.update({ W: rnd([2], 1) }, null, params), /perpGrad: grads: expected 3 leaves like params, got 1/);
  });
});
